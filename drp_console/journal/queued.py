"""What both journal backends share: the event header and line, and the writer-thread queue.

An event is built once (`new_event`: the header `v, seq, ts, mono, boot, type, operator`, then
its redacted fields) and encoded once (`encode_event`: the journal line), the same for the file
and the database. `QueuedWriter` gives a backend `write` (asyncio) and `write_sync` (threads)
over its writer thread's queue: callers enqueue a `Pending`, the thread commits batches and
settles each (a future resolved through `call_soon_threadsafe`, or an event set).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from drp_console.clock import SystemClock, TimeSource
from drp_console.journal.event_types import Record
from drp_console.journal.events import HEADER_FIELDS, SCHEMA_VERSION, JournalError
from drp_console.journal.redact import Redactor

_BOOT_ID_PATH = "/proc/sys/kernel/random/boot_id"
_boot_id: str | None = None


def boot_id() -> str | None:
    """This machine's boot id (monotonic times compare only within one boot), None if unknown."""
    global _boot_id
    if _boot_id is None:
        try:
            with open(_BOOT_ID_PATH, encoding="ascii") as fh:
                _boot_id = fh.read().strip() or ""
        except OSError:
            _boot_id = ""
    return _boot_id or None


def unpack_event(event: Record | str, fields: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The type and fields of what `write` was given: a record, or a type and its fields."""
    if isinstance(event, Record):
        if fields:
            raise TypeError("give a record or a type with fields, not both")
        return str(event.TYPE), event.fields()
    return str(event), fields


def redacted_body(redactor: Redactor, fields: dict[str, Any]) -> dict[str, Any]:
    """An event's own fields, redacted; ValueError when one reuses a header field's name."""
    clash = [name for name in fields if name in HEADER_FIELDS]
    if clash:
        raise ValueError(f"event fields may not be named {', '.join(clash)}")
    body: dict[str, Any] = redactor.redact(fields)
    return body


_ACTING: ContextVar[str | None] = ContextVar("drp_acting_operator", default=None)


@contextlib.contextmanager
def acting_as(name: str | None) -> Iterator[None]:
    """Events written in this context (and in tasks started from it) name `name` as their
    operator instead of the journal's own: the driver journaling a joiner's command."""
    token = _ACTING.set(name or None)
    try:
        yield
    finally:
        _ACTING.reset(token)


def acting_operator(default: str) -> str:
    """The operator an event written now is recorded under (see `acting_as`)."""
    return _ACTING.get() or default


_COMMAND: ContextVar[int | None] = ContextVar("drp_serving_command", default=None)


@contextlib.contextmanager
def serving_command(command_id: int | None) -> Iterator[None]:
    """Events written in this context (and in tasks started from it) carry out the joiner's
    command `command_id`: the shared journal marks it done in the transaction that appends the
    first of them, so a command is done exactly when its effect is journaled."""
    token = _COMMAND.set(command_id)
    try:
        yield
    finally:
        _COMMAND.reset(token)


def current_command() -> int | None:
    """The joiner's command the events written now carry out (see `serving_command`), or None."""
    return _COMMAND.get()


def new_event(
    seq: int, type: str, operator: str, clock: JournalClock, body: dict[str, Any]
) -> dict[str, Any]:
    """One event: the header every journal line starts with, then its (redacted) fields."""
    event: dict[str, Any] = {
        "v": SCHEMA_VERSION,
        "seq": seq,
        "ts": clock.now().astimezone(UTC).isoformat(timespec="microseconds"),
        "mono": round(clock.monotonic(), 6),
        "boot": boot_id(),
        "type": type,
        "operator": operator,
    }
    event.update(body)
    return event


def encode_event(event: dict[str, Any]) -> bytes:
    """An event as its journal line (compact UTF-8 JSON and a newline), the same in every backend."""
    return (json.dumps(event, ensure_ascii=False, separators=(",", ":"), allow_nan=False) + "\n").encode(
        "utf-8"
    )


JournalClock = TimeSource
"""Where event times come from: the one clock's `monotonic()` and `now()` (`drp_console.clock`)."""

SystemTime = SystemClock
"""The system's clocks (the default), the one `drp_console.clock.SystemClock`."""


@dataclass
class Pending:
    event: dict[str, Any]
    line: bytes
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[dict[str, Any]] | None = None
    done: threading.Event | None = None
    error: JournalError | None = None
    command: int | None = None
    """The joiner's command this event carries out (`serving_command`), if any."""

    def settle(self, error: JournalError | None) -> None:
        self.error = error
        if self.done is not None:
            self.done.set()
            return
        assert self.loop is not None and self.future is not None
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            self.loop.call_soon_threadsafe(settle_future, self.future, self.event, error)


def settle_future(
    future: asyncio.Future[dict[str, Any]], event: dict[str, Any], error: JournalError | None
) -> None:
    if future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(event)


def settle_all(batch: list[Pending], error: JournalError | None) -> None:
    """Acknowledge (or fail) a batch, in order, waking each waiting loop once for all of it."""
    loops: dict[asyncio.AbstractEventLoop, list[Pending]] = {}
    for pending in batch:
        if pending.done is not None or pending.loop is None:
            pending.settle(error)
        else:
            pending.error = error
            loops.setdefault(pending.loop, []).append(pending)
    for loop, waiting in loops.items():
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is waiting any more
            loop.call_soon_threadsafe(_settle_futures, waiting)


def _settle_futures(batch: list[Pending]) -> None:
    for pending in batch:
        assert pending.future is not None
        settle_future(pending.future, pending.event, pending.error)


class QueuedWriter:
    """`write` and `write_sync` over a writer thread's queue (`_enqueue`), and the thread's
    batching: shared by every backend."""

    _lock: threading.Lock
    _wake: threading.Condition
    _queue: list[Pending]
    _closing: bool
    _events: list[dict[str, Any]]
    _commits: int

    def _enqueue(self, type: str, fields: dict[str, Any], pending: Pending) -> None:
        raise NotImplementedError

    _holding = 0
    """Callers queueing events that must share one commit (`submit`): the thread waits."""

    def _next_batch(self) -> list[Pending] | None:
        """Every queued event once there is one (and no caller is still queueing a group); None
        when closing with nothing left."""
        with self._lock:
            while (not self._queue or self._holding) and not self._closing:
                self._wake.wait()
            if not self._queue:
                return None
            batch, self._queue = self._queue, []
            return batch

    def events(self) -> list[dict[str, Any]]:
        """Every durable event of this run, in sequence order (a new list)."""
        with self._lock:
            return list(self._events)

    @property
    def last_seq(self) -> int:
        """The sequence number of the last durable event (0 when empty)."""
        with self._lock:
            return len(self._events)

    @property
    def commits(self) -> int:
        """How many fsyncs or transactions have committed events (fewer than events when
        grouped)."""
        with self._lock:
            return self._commits

    def _committed(self, batch: list[Pending]) -> None:
        """Record a durable batch and acknowledge it to its writers."""
        with self._lock:
            self._events.extend(p.event for p in batch)
            self._commits += 1
        settle_all(batch, None)

    async def write(self, event: Record | str, **fields: Any) -> dict[str, Any]:
        """Journal one event (a record, or a type and its fields); returns it (with seq, ts,
        mono) once it is durable (fsynced, committed)."""
        kind, body = unpack_event(event, fields)
        (future,) = self.submit([(kind, body)])
        written: dict[str, Any] = await future
        return written

    def submit(self, events: list[tuple[str, dict[str, Any]]]) -> list[asyncio.Future[dict[str, Any]]]:
        """Queue events (type and fields) at once, in order, to be written in one commit;
        each future resolves with its event once durable (or fails with a JournalError).

        Called on the running loop. A JournalError raised here (closed, broken) means none
        of the events from the first refused one on was queued."""
        loop = asyncio.get_running_loop()
        futures = []
        with self._lock:
            self._holding += 1
        try:
            for kind, body in events:
                future = loop.create_future()
                self._enqueue(kind, body, Pending({}, b"", loop=loop, future=future))
                futures.append(future)
        finally:
            with self._lock:
                self._holding -= 1
                self._wake.notify()
        return futures

    def write_sync(self, event: Record | str, **fields: Any) -> dict[str, Any]:
        """Journal one event from a thread without a running loop; returns it once durable."""
        pending = Pending({}, b"", done=threading.Event())
        kind, body = unpack_event(event, fields)
        self._enqueue(kind, body, pending)
        assert pending.done is not None
        pending.done.wait()
        if pending.error is not None:
            raise pending.error
        return pending.event
