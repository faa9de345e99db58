"""The shared run journal: events committed to PostgreSQL by a group-commit thread, under a lease.

`PgJournal` is the PostgreSQL `JournalBackend`. It behaves like the file `Journal`: `write`
returns only once the event is committed; events carry the same header and the same JSON line;
fields are redacted in the caller's thread, before anything leaves the process. A writer thread
takes every queued event and appends them in one transaction that (1) locks the run's lease row and
checks this journal's fencing token, (2) numbers them after the run's last seq, and (3) inserts
them (the database refuses a gap and notifies `drp_events`), marking done the joiners' commands
they carry out (`serving_command`). A failed transaction writes nothing;
the batch and everything queued behind it fail with a `JournalError`. A lost connection is
reopened for the next write (a commit whose acknowledgement was lost is found on reconnect and
kept: write-ahead means an intent may be journaled without its action, never the reverse). A lost
lease (`LeaseLost`) is final: this journal refuses every further write.

A heartbeat thread renews the lease every third of its time; `close()` releases it.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from drp_console.journal import pg_commands, pg_lease
from drp_console.journal.backend import safe_url
from drp_console.journal.events import JournalError
from drp_console.journal.login import login_name
from drp_console.journal.pg_commands import Command
from drp_console.journal.pg_lease import Lease, LeaseLost
from drp_console.journal.pg_store import PgStore, Unreachable, connect, insert_events, translate
from drp_console.journal.queued import (
    JournalClock,
    Pending,
    QueuedWriter,
    SystemTime,
    acting_operator,
    current_command,
    encode_event,
    new_event,
    redacted_body,
    settle_all,
)
from drp_console.journal.redact import Redactor

RETRY_SECONDS = 1.0
"""How often a patient journal tries again while the database is unreachable."""


class PgJournal(QueuedWriter):
    """One run's events in the shared journal database, written by the lease holder."""

    def __init__(self, store: PgStore, run_id: str, lease: Lease, redactor: Redactor,
                 events: list[dict[str, Any]], *, operator: str | None = None,
                 clock: JournalClock | None = None, heartbeat: bool = True,
                 patient: bool = False) -> None:
        self.store = store
        """The database handle (also for commands and reads)."""
        self.lease = lease
        """The lease this journal writes under (its token fences every append)."""
        self.operator = operator or login_name()
        """The name written into every event's `operator` field; may be changed between events."""
        self.redactor = redactor
        """Applied to every event's fields before it is sent to the database."""
        self.patient = patient
        """While the database is unreachable, hold every write (the engine waits at its
        intent, so nothing acts) and retry until it is back, instead of failing the write."""
        self.on_unreachable: Callable[[JournalError | None], None] | None = None
        """Told (from the writer thread) when a patient journal starts waiting for the
        database (the error) and when it is back (None)."""
        self._retry = threading.Event()
        self._run_id = run_id
        self._clock: JournalClock = clock or SystemTime()
        self._events = events
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: list[Pending] = []
        self._closing = self._closed = False
        self._failure: JournalError | None = None
        self._conn: psycopg.Connection[Any] | None = None
        self._commits = 0
        self._provisional = False
        self._thread = threading.Thread(target=self._run, name=f"pg-journal:{run_id}", daemon=True)
        self._thread.start()
        self._stop_beat = threading.Event()
        self._beat = threading.Thread(target=self._heartbeats, name=f"pg-lease:{run_id}", daemon=True)
        if heartbeat:
            self._beat.start()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def create(cls, url: str, run_id: str, redactor: Redactor, *, operator: str | None = None,
               clock: JournalClock | None = None, ttl: float | None = None,
               heartbeat: bool = True, patient: bool = False,
               provisional: bool = False) -> PgJournal:
        """A new, empty run in the database, its lease held by this process. A `provisional`
        run is removed again by `close()` if no event was written (a start that failed before
        `run_started` leaves no empty run behind)."""
        store = PgStore(url)
        try:
            store.check_schema()
            store.create_run(run_id)
            who = operator or login_name()
            lease = store.acquire(run_id, who, pg_lease.lease_seconds(ttl))
        except BaseException:
            store.close()
            raise
        journal = cls(store, run_id, lease, redactor, [], operator=who, clock=clock,
                      heartbeat=heartbeat, patient=patient)
        journal._provisional = provisional
        return journal

    @classmethod
    def open(cls, url: str, run_ref: str, redactor: Redactor, *, operator: str | None = None,
             clock: JournalClock | None = None, ttl: float | None = None,
             heartbeat: bool = True, patient: bool = False) -> PgJournal:
        """An existing run (id or unique prefix), to drive: takes its lease when free or expired
        (a takeover: the token grows, the old driver is fenced off), LeaseHeld otherwise."""
        store = PgStore(url)
        try:
            store.check_schema()
            run_id = store.find_run(run_ref)
            who = operator or login_name()
            lease = store.acquire(run_id, who, pg_lease.lease_seconds(ttl))
            events = store.events(run_id)
        except BaseException:
            store.close()
            raise
        return cls(store, run_id, lease, redactor, events, operator=who, clock=clock, heartbeat=heartbeat,
                   patient=patient)

    # -- writing -------------------------------------------------------------------------------

    def _enqueue(self, type: str, fields: dict[str, Any], pending: Pending) -> None:
        body = redacted_body(self.redactor, fields)
        with self._lock:
            if self._closing or self._closed:
                raise JournalError(f"the journal of run {self._run_id} is closed; reopen the run "
                                   "to write to it")
            if self._failure is not None:
                raise self._failure
            pending.event = new_event(0, type, acting_operator(self.operator), self._clock, body)
            pending.command = current_command()
            self._queue.append(pending)
            self._wake.notify()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                if self._commit_patiently(batch):
                    continue
            except JournalError as exc:
                with self._lock:
                    failed, self._queue = batch + self._queue, []
                    if isinstance(exc, LeaseLost):
                        self._failure = exc
                settle_all(failed, exc)
                continue
            self._committed(batch)

    def _commit_patiently(self, batch: list[Pending]) -> bool:
        """Commit a batch; a patient journal waits out an unreachable database (retrying every
        `RETRY_SECONDS`). True when the batch proved committed before an acknowledgement was
        lost (already settled here)."""
        waiting: JournalError | None = None
        try:
            while True:
                try:
                    if waiting is not None and self._found_committed(batch):
                        return True
                    self._commit(batch)
                    return False
                except Unreachable as exc:
                    if not self.patient or self._closing:
                        raise
                    if waiting is None and self.on_unreachable is not None:
                        self.on_unreachable(exc)
                    waiting = exc
                    self._retry.wait(RETRY_SECONDS)
        finally:
            if waiting is not None and self.on_unreachable is not None:
                self.on_unreachable(None)

    def _found_committed(self, batch: list[Pending]) -> bool:
        """After a reconnect: whether an earlier try of this batch committed (its events are
        among those found on reconnect); if so, acknowledge them as they are."""
        if not batch[0].event.get("seq"):
            return False  # never numbered: no try reached the insert
        try:
            self._connection()
        except psycopg.Error as exc:
            self._conn = None
            raise translate(self.store.url, exc, f"append to run {self._run_id}") from None
        with self._lock:
            tail = self._events[-len(batch):]
            found = [e.get("seq") for e in tail] == [p.event["seq"] for p in batch] and \
                tail == [json.loads(p.line) for p in batch]
            if found:
                self._commits += 1
        if found:
            settle_all(batch, None)
        return found

    def _commit(self, batch: list[Pending]) -> None:
        """Append a batch in one fenced transaction (JournalError, nothing written, on failure)."""
        try:
            conn = self._connection()
            with conn.transaction():
                pg_lease.check_token(conn, self._run_id, self.lease.token)
                row = conn.execute("SELECT last_seq FROM drp.runs WHERE run_id = %s FOR UPDATE",
                                   (self._run_id,)).fetchone()
                if row is None:
                    raise JournalError(f"run {self._run_id} is gone from {self.where}: it was "
                                       "deleted from the journal database; nothing was written")
                last = int(row[0])
                for i, pending in enumerate(batch, 1):
                    pending.event["seq"] = last + i
                    pending.line = encode_event(pending.event)
                insert_events(conn, self._run_id,
                              [(p.event, p.line.decode("utf-8")) for p in batch])
                firsts: dict[int, int] = {}
                for p in batch:
                    if p.command is not None:
                        firsts.setdefault(p.command, p.event["seq"])
                pg_commands.mark_journaled(conn, self._run_id, firsts)
        except psycopg.Error as exc:
            if self._conn is not None and self._conn.broken:
                self._conn = None
            raise translate(self.store.url, exc, f"append to run {self._run_id}") from None

    def _connection(self) -> psycopg.Connection[Any]:
        """The writer's connection; a new one (and any events committed unseen) after a loss."""
        if self._conn is not None and not self._conn.closed:
            return self._conn
        conn = connect(self.store.url)
        with self._lock:
            known = len(self._events)
        try:
            with conn.transaction():
                rows = conn.execute("SELECT line FROM drp.events WHERE run_id = %s AND seq > %s"
                                    " ORDER BY seq", (self._run_id, known)).fetchall()
        except BaseException:
            conn.close()
            raise
        with self._lock:
            self._events.extend(json.loads(r[0]) for r in rows)
        self._conn = conn
        return conn

    def _heartbeats(self) -> None:
        while not self._stop_beat.wait(self.lease.ttl / 3):
            try:
                self.lease = self.store.heartbeat(self.lease)
            except LeaseLost as exc:
                with self._lock:
                    self._failure = exc
                return
            except JournalError:
                continue  # unreachable: appends fail until it is back; keep trying

    # -- commands, reading, closing -------------------------------------------------------------

    def take_commands(self, limit: int = 100) -> list[Command]:
        """Joiners' pending commands, marked taken, only while this journal drives the run."""
        return self.store.take_commands(self._run_id, token=self.lease.token, limit=limit)

    @property
    def run_id(self) -> str:
        """The run id."""
        return self._run_id

    @property
    def where(self) -> str:
        """The database, for messages (`postgresql://user@host/db`, no password)."""
        return safe_url(self.store.url)

    def close(self, *, release: bool = True) -> None:
        """Commit what is queued, stop the threads, release the lease (unless `release=False`),
        and close the connections (idempotent). A provisional run (see `create`) that never got
        an event is removed instead."""
        with self._lock:
            if self._closed:
                return
            self._closing = True
            self._wake.notify()
        self._stop_beat.set()
        self._retry.set()
        if threading.current_thread() is not self._thread:
            self._thread.join()
        if self._beat.is_alive() and threading.current_thread() is not self._beat:
            self._beat.join()
        with self._lock:
            self._closed = True
            lost = isinstance(self._failure, LeaseLost)
        if release and not lost:
            with contextlib.suppress(JournalError):  # unreachable: the lease simply expires
                if not (self._provisional and not self._events
                        and self.store.drop_unstarted(self.lease)):
                    self.store.release(self.lease)
        if self._conn is not None:
            self._conn.close()
        self.store.close()

    def __enter__(self) -> PgJournal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
