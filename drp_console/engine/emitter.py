"""Journal first, then tell: every event the engine writes goes through one Emitter."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Protocol

from drp_console.journal.event_types import Record

Event = dict[str, Any]
Listener = Callable[[Event], None]


class EventJournal(Protocol):
    """What the engine needs of the journal: durable writes and reading back."""

    async def write(self, event: Record) -> Event:
        """Append an event; returns it (with its header) once it is on disk."""

    def events(self) -> list[Event]:
        """Every event written so far, in order."""


class Emitter:
    """Writes events to the journal; once one is durable, calls `after_event` (a hook given by
    the composition root, e.g. the crash-test hook) and then every listener."""

    def __init__(self, journal: EventJournal, after_event: Listener | None = None) -> None:
        self.journal = journal
        self._after_event = after_event
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event)` for every journaled event, once it is durable."""
        self._listeners.append(listener)

    async def emit(self, record: Record) -> Event:
        """Journal an event (durable when this returns), then tell the hook and the listeners."""
        event = await self.journal.write(record)
        if self._after_event is not None:
            self._after_event(event)
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken listener must not stop a recovery
                listener(event)
        return event
