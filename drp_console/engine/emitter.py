"""Journal first, then tell: every event the engine writes goes through one Emitter."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from drp_console.journal.event_types import Record
from drp_console.journal.events import JournalError

Event = dict[str, Any]
Listener = Callable[[Event], None]


class EventJournal(Protocol):
    """What the engine needs of the journal: durable writes and reading back."""

    def submit(self, events: list[tuple[str, dict[str, Any]]]) -> list[asyncio.Future[Event]]:
        """Queue events (type, fields) to be written in one commit; each future resolves with
        its event (with its header) once it is on disk."""

    def events(self) -> list[Event]:
        """Every event written so far, in order."""


class Emitter:
    """Writes events to the journal; once one is durable, calls `after_event` (a hook given by
    the composition root, e.g. the crash-test hook) and then every listener.

    `stage` holds an event back to share the next event's commit (one fsync for a step's end,
    the start of the next step and its call intent); the journal writes events in order, so
    an event is never durable before one emitted earlier."""

    def __init__(self, journal: EventJournal, after_event: Listener | None = None) -> None:
        self.journal = journal
        self._after_event = after_event
        self._listeners: list[Listener] = []
        self._staged: list[Record] = []
        self._unsettled: list[asyncio.Future[Event]] = []
        """Futures of staged events not known to be durable yet."""
        self._failure: BaseException | None = None
        """Why a staged event was not written: raised by the next emit."""

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event)` for every journaled event, once it is durable."""
        self._listeners.append(listener)

    async def emit(self, record: Record) -> Event:
        """Journal an event (durable when this returns, with every event staged before it),
        then tell the hook and the listeners."""
        (future,) = self._submit([record])
        event = await future
        self._check_staged()
        return event

    def stage(self, record: Record) -> None:
        """Journal an event in one commit with the next one emitted before the loop's next
        turn ends (a step's start with its call intent; a step's end with the starts of the
        steps it let run); when none is, it is written by itself then. The hook and the
        listeners hear of it once it is durable, before those of later events."""
        self._staged.append(record)
        if len(self._staged) == 1:
            loop = asyncio.get_running_loop()
            loop.call_soon(loop.call_soon, self.flush)

    def flush(self) -> None:
        """Queue the staged events now (a JournalError is raised by the next emit)."""
        if not self._staged:
            return
        try:
            self._submit([])
        except JournalError as exc:
            self._failure = self._failure or exc

    async def drain(self) -> None:
        """Write the staged events and wait until every one is durable (JournalError if not)."""
        self.flush()
        for future in list(self._unsettled):
            with contextlib.suppress(JournalError):  # raised below, once
                await future
        self._check_staged()

    def _submit(self, records: list[Record]) -> list[asyncio.Future[Event]]:
        """Queue the staged records and `records` in one commit; the futures of `records`."""
        staged, self._staged = self._staged, []
        futures = self.journal.submit([(str(r.TYPE), r.fields()) for r in staged + records])
        for future in futures:
            future.add_done_callback(self._durable)
        early = futures[:len(staged)]
        self._unsettled = [f for f in self._unsettled if not f.done()] + early
        return futures[len(staged):]

    def _durable(self, future: asyncio.Future[Event]) -> None:
        """A queued event is durable (or failed): tell the hook, then the listeners."""
        if future.cancelled() or future.exception() is not None:
            return  # its writer (emit) raises it; a staged one's failure is checked there
        event = future.result()
        if self._after_event is not None:
            self._after_event(event)
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken listener must not stop a recovery
                listener(event)

    def _check_staged(self) -> None:
        """Raise why an event staged before the one just written was not written."""
        for future in self._unsettled:
            if future.done() and not future.cancelled() and future.exception() is not None:
                self._failure = self._failure or future.exception()
        self._unsettled = [f for f in self._unsettled if not f.done()]
        if self._failure is not None:
            raise self._failure
