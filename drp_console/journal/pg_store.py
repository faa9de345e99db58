"""The shared journal database: connections, readable errors, runs, leases and commands.

`PgStore(url)` is what every console holds on a shared run (driver or joiner): a small psycopg
pool, and one method per operation, each in its own transaction. Every database failure becomes a
`JournalError` that says what happened and what to do, with the URL's password never shown.
psycopg is imported here and in the other `pg_*` modules only, so local runs never load it.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from drp_console.journal.events import (
    SCHEMA_VERSION,
    JournalError,
    newer_schema_message,
)

try:
    import psycopg
    from psycopg_pool import ConnectionPool, PoolTimeout
except ImportError as _missing:  # installed with drp-console; a trimmed install may lack them
    raise JournalError(
        f"a shared journal needs psycopg 3 and psycopg-pool ({_missing}): "
        "pip install 'psycopg[binary]' psycopg-pool, or leave --journal/DRP_JOURNAL unset"
    ) from None

from drp_console.journal import pg_commands, pg_lease, pg_presence, pg_schema
from drp_console.journal.backend import safe_url
from drp_console.journal.pg_commands import Command
from drp_console.journal.pg_lease import Lease
from drp_console.journal.rundir import RunNotFound, RunSummary
from drp_console.journal.state import RunState

CONNECT_TIMEOUT = 5
"""Seconds to wait for the server before saying it is unreachable."""

CONNECTION_OPTIONS: dict[str, Any] = {
    "connect_timeout": CONNECT_TIMEOUT,
    # a server that vanished from the network (no refusal, no reset) is noticed in ~11 s
    # instead of hanging an append for the kernel's two hours
    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
}
"""What every connection to the journal database is opened with."""

logging.getLogger("psycopg.pool").addHandler(logging.NullHandler())
logging.getLogger("psycopg.pool").propagate = False  # retries are reported as JournalErrors


class Unreachable(JournalError):
    """The journal database cannot be reached (or dropped the connection): nothing was written."""


def unreachable(url: str, exc: BaseException) -> JournalError:
    """The error for a server that cannot be reached or dropped the connection."""
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return Unreachable(
        f"the journal database {safe_url(url)} is unreachable ({reason}): nothing was written; "
        "the run does not act until it is back. Check the server and the URL (--journal or "
        "DRP_JOURNAL)"
    )


def translate(url: str, exc: BaseException, action: str) -> JournalError:
    """A database exception as a JournalError a person can act on."""
    if isinstance(exc, JournalError):
        return exc
    if isinstance(exc, (psycopg.OperationalError, PoolTimeout)) and not isinstance(
            exc, psycopg.errors.QueryCanceled):
        return unreachable(url, exc)
    if isinstance(exc, psycopg.errors.UndefinedTable):
        return JournalError(f"the database {safe_url(url)} holds no drp journal yet: run "
                            f"`drp journal init {safe_url(url)}` once, then try again")
    diag = getattr(exc, "diag", None)
    detail = (diag.message_primary if diag is not None and diag.message_primary else str(exc)).strip()
    return JournalError(f"the journal database {safe_url(url)} refused to {action}: {detail}")


def connect(url: str, *, autocommit: bool = False) -> psycopg.Connection[Any]:
    """One connection to the journal database (JournalError when unreachable)."""
    try:
        return psycopg.connect(url, autocommit=autocommit, **CONNECTION_OPTIONS)
    except psycopg.Error as exc:
        raise unreachable(url, exc) from None


def init_database(url: str) -> tuple[int, int]:
    """Create or upgrade the journal's tables (`drp journal init`); (version before, after)."""
    with connect(url) as conn:
        try:
            return pg_schema.migrate(conn)
        except psycopg.Error as exc:
            raise translate(url, exc, "create the journal's tables") from None


class PgStore:
    """A console's handle on the shared journal database (thread-safe; close it when done)."""

    def __init__(self, url: str, *, max_connections: int = 4) -> None:
        self.url = url
        """The database URL (may hold a password: show `safe_url(url)` instead)."""
        self._pool = ConnectionPool(
            url, min_size=1, max_size=max_connections, open=True, timeout=CONNECT_TIMEOUT,
            kwargs=dict(CONNECTION_OPTIONS), check=ConnectionPool.check_connection,
            name="drp-journal",
        )

    @contextmanager
    def transaction(self, action: str) -> Iterator[psycopg.Connection[Any]]:
        """A connection in a transaction, committed on success; errors become JournalErrors."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except (psycopg.Error, PoolTimeout) as exc:
            raise translate(self.url, exc, action) from None

    def check_schema(self) -> None:
        """JournalError unless `drp journal init` created tables this version understands."""
        with connect(self.url) as conn:  # not pooled: an unreachable server says why, at once
            try:
                version = pg_schema.current_version(conn)
            except psycopg.Error as exc:
                raise translate(self.url, exc, "read the schema version") from None
        if version is None:
            raise JournalError(f"the database {safe_url(self.url)} holds no drp journal yet: run "
                               f"`drp journal init {safe_url(self.url)}` once, then try again")
        if version > pg_schema.LATEST:
            raise JournalError(newer_schema_message(safe_url(self.url), version))
        if version < pg_schema.LATEST:
            raise JournalError(f"the journal database {safe_url(self.url)} has schema "
                               f"v{version}; run `drp journal init` to upgrade it to "
                               f"v{pg_schema.LATEST}")

    # -- runs and events ---------------------------------------------------------------------

    def create_run(self, run_id: str) -> None:
        """Register a new run; JournalError when the id is taken."""
        with self.transaction(f"create run {run_id}") as conn:
            created = _insert_run(conn, run_id)
        if not created:
            raise JournalError(f"run {run_id} already exists in {safe_url(self.url)}: resume or "
                               "join it, or start a new run")

    def drop_unstarted(self, lease: Lease) -> bool:
        """Remove a run that has no event yet while `lease` still holds it (a start that failed
        before its first event); False when it has events or the lease is not held."""
        with self.transaction(f"remove the unstarted run {lease.run_id}") as conn:
            row = conn.execute(
                "DELETE FROM drp.runs r USING drp.leases l WHERE r.run_id = %s"
                " AND r.last_seq = 0 AND l.run_id = r.run_id AND l.token = %s"
                " AND l.holder IS NOT NULL RETURNING r.run_id", (lease.run_id, lease.token),
            ).fetchone()
        return row is not None

    def run_ids(self, *, started: bool = False) -> list[str]:
        """Every run in the database, oldest id first; with `started`, only those whose first
        event is there (a start that died before `run_started` is no run to list)."""
        where = " WHERE last_seq > 0" if started else ""
        with self.transaction("list the runs") as conn:
            return [r[0] for r in conn.execute(f"SELECT run_id FROM drp.runs{where} ORDER BY run_id")]

    def find_run(self, ref: str) -> str:
        """The run id `ref` names (an id or a unique prefix); RunNotFound saying what to do."""
        ref = ref.strip()
        ids = self.run_ids()
        if ref in ids:
            return ref
        matches = [r for r in ids if ref and r.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise RunNotFound(f"no run matches {ref!r} in {safe_url(self.url)}: `drp runs "
                              "--journal URL` lists the runs there")
        names = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
        raise RunNotFound(f"{ref!r} matches {len(matches)} runs ({names}): give more of the run id")

    def events(self, run_id: str, after_seq: int = 0) -> list[dict[str, Any]]:
        """The run's events after `after_seq`, in order (exactly as their journal lines say)."""
        with self.transaction(f"read run {run_id}") as conn:
            rows = conn.execute("SELECT line FROM drp.events WHERE run_id = %s AND seq > %s"
                                " ORDER BY seq", (run_id, after_seq)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def lines(self, run_id: str) -> list[str]:
        """The run's journal lines, in order, each ending in a newline (what `export` writes)."""
        with self.transaction(f"read run {run_id}") as conn:
            rows = conn.execute("SELECT line FROM drp.events WHERE run_id = %s ORDER BY seq",
                                (run_id,)).fetchall()
        return [r[0] for r in rows]

    def import_events(self, run_id: str, events: list[dict[str, Any]],
                      lines: list[str] | None = None) -> int:
        """Copy a whole journal into a new run, in one transaction; JournalError if the run id
        exists or the events are not 1..n. `lines` are the events' journal lines as read (kept
        byte for byte); without them each event is encoded as the journal writes it."""
        from drp_console.journal.queued import encode_event

        if lines is None:
            lines = [encode_event(e).decode("utf-8") for e in events]
        if len(lines) != len(events):
            raise ValueError("give one line per event")
        for i, event in enumerate(events, 1):
            if event.get("seq") != i:
                raise JournalError(f"event {i} of the journal has seq {event.get('seq')}: "
                                   "only a journal numbered 1, 2, 3... can be imported")
            if event.get("v", 0) > SCHEMA_VERSION:
                raise JournalError(newer_schema_message(run_id, event["v"]))
        with self.transaction(f"import run {run_id}") as conn:
            if not _insert_run(conn, run_id):
                raise JournalError(f"run {run_id} already exists in {safe_url(self.url)}: it was "
                                   "imported or started there before; nothing was imported")
            insert_events(conn, run_id, list(zip(events, lines, strict=False)))
        return len(events)

    def summaries(self) -> list[RunSummary]:
        """Every shared run as `drp runs` shows it, newest first."""
        out = []
        for run_id in reversed(self.run_ids(started=True)):
            events = self.events(run_id)
            holder = self.lease(run_id)
            live = holder if holder and holder["live"] and holder["holder"] else None
            state = RunState.fold(events, lock_free=live is None)
            out.append(RunSummary(
                run_id=run_id, path=Path(run_id), runbook_id=state.runbook.get("id"),
                runbook_title=state.runbook.get("title"), mode=state.mode, status=state.status,
                started=state.started.ts if state.started else None, operator=state.operator,
                steps_done=state.steps_done, steps_total=state.steps_total,
                holder={"user": live["holder"], "host": live["host"], "pid": live["pid"],
                        "since": str(live["heartbeat"])} if live else None,
                journal=safe_url(self.url)))
        return out

    # -- leases and commands ------------------------------------------------------------------

    def acquire(self, run_id: str, holder: str, ttl: float, *, host: str | None = None,
                pid: int | None = None) -> Lease:
        """Take the run's lease when free or expired (LeaseHeld otherwise)."""
        with self.transaction(f"take the lease of run {run_id}") as conn:
            return pg_lease.acquire(conn, run_id, holder, ttl, host=host, pid=pid)

    def heartbeat(self, lease: Lease) -> Lease:
        """Extend a held lease (LeaseLost when taken over)."""
        with self.transaction(f"renew the lease of run {lease.run_id}") as conn:
            return pg_lease.heartbeat(conn, lease)

    def release(self, lease: Lease) -> bool:
        """Give a lease up; False when it had already been taken over."""
        with self.transaction(f"release the lease of run {lease.run_id}") as conn:
            return pg_lease.release(conn, lease)

    def lease(self, run_id: str) -> dict[str, Any] | None:
        """The run's lease row (holder, host, pid, heartbeat, expires_at, token, live) or None."""
        with self.transaction(f"read the lease of run {run_id}") as conn:
            return pg_lease.current(conn, run_id)

    def submit_command(self, run_id: str, kind: str, *, by: str, step: str | None = None,
                       payload: dict[str, Any] | None = None) -> int:
        """A joiner's action for the driver (see `pg_commands`); returns its id."""
        with self.transaction(f"send a command to run {run_id}") as conn:
            return pg_commands.submit_command(conn, run_id, kind, by=by, step=step, payload=payload)

    def take_commands(self, run_id: str, *, token: int | None = None, limit: int = 100) -> list[Command]:
        """The driver's pending commands, marked taken (fenced by `token` when given)."""
        with self.transaction(f"take the commands of run {run_id}") as conn:
            return pg_commands.take_commands(conn, run_id, token=token, limit=limit)

    def finish_command(self, command_id: int, status: str, result: dict[str, Any] | None = None) -> None:
        """Record a taken command as done or rejected."""
        with self.transaction(f"finish command {command_id}") as conn:
            pg_commands.finish_command(conn, command_id, status, result)

    def record_outcome(self, command_id: int, status: str, result: dict[str, Any], *,
                       token: int | None = None) -> None:
        """What the driver made of a taken command (see `pg_commands.record_outcome`)."""
        with self.transaction(f"record command {command_id}") as conn:
            pg_commands.record_outcome(conn, command_id, status, result, token=token)

    def command(self, command_id: int) -> Command:
        """One command as it is now (a joiner's console watches its status and result)."""
        with self.transaction(f"read command {command_id}") as conn:
            return pg_commands.get_command(conn, command_id)

    def commands(self, run_id: str) -> list[Command]:
        """Every command of the run, oldest first."""
        with self.transaction(f"read the commands of run {run_id}") as conn:
            return pg_commands.list_commands(conn, run_id)

    # -- participants and run files (see `pg_presence`) ---------------------------------------

    def announce(self, run_id: str, who: str, role: str) -> None:
        """Say this console is on the run (driver, joiner or watcher); call it again to stay."""
        with self.transaction(f"join run {run_id}") as conn:
            pg_presence.announce(conn, run_id, who, role)

    def leave(self, run_id: str, who: str) -> None:
        """Take this console off the run's participants."""
        with self.transaction(f"leave run {run_id}") as conn:
            pg_presence.leave(conn, run_id, who)

    def participants(self, run_id: str, *, stale: float = 30.0) -> list[dict[str, Any]]:
        """Who is on the run now (drivers first)."""
        with self.transaction(f"list who is on run {run_id}") as conn:
            return pg_presence.participants(conn, run_id, stale=stale)

    def put_file(self, run_id: str, name: str, data: bytes, *, token: int) -> None:
        """Store a run file (e.g. a simulated run's world.json), fenced by the lease token."""
        with self.transaction(f"store {name} of run {run_id}") as conn:
            pg_presence.put_file(conn, run_id, name, data, token=token)

    def get_file(self, run_id: str, name: str) -> bytes | None:
        """A run file's content, or None."""
        with self.transaction(f"read {name} of run {run_id}") as conn:
            return pg_presence.get_file(conn, run_id, name)

    def close(self) -> None:
        """Close the pool's connections (idempotent)."""
        self._pool.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _insert_run(conn: Any, run_id: str) -> bool:
    """Register a run id; False when it is already there."""
    row = conn.execute("INSERT INTO drp.runs (run_id) VALUES (%s) ON CONFLICT DO NOTHING"
                       " RETURNING run_id", (run_id,)).fetchone()
    return row is not None


def insert_events(conn: Any, run_id: str, rows: list[tuple[dict[str, Any], str]]) -> None:
    """Append (event, line) pairs to a run; the database refuses any seq but last + 1.

    One multi-row INSERT per chunk, not `executemany`: psycopg runs that in libpq's pipeline
    mode, and a server lost mid-pipeline then fails with a pipeline error instead of the
    connection error that says the database is unreachable."""
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start:start + _CHUNK]
        values = ", ".join(["(%s, %s, %s, %s::timestamptz, %s, %s::jsonb, %s)"] * len(chunk))
        params = [value for e, line in chunk
                  for value in (run_id, e["seq"], e["type"], e["ts"], e.get("operator") or "",
                                _jsonb_text(line), line)]
        conn.execute("INSERT INTO drp.events (run_id, seq, type, ts, operator, event, line)"
                     f" VALUES {values}", params)


_CHUNK = 1000
"""Events per INSERT (7 parameters each; PostgreSQL takes at most 65,535)."""


def _jsonb_text(line: str) -> str:
    """The line as JSONB accepts it: JSONB refuses the NUL character (`\\u0000`, which a
    command's output may hold), so the queryable copy has U+FFFD there; `line` keeps it."""
    return _NUL_ESCAPE.sub(r"\1\\ufffd", line.rstrip("\n"))


_NUL_ESCAPE = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")  # an escape, not an escaped backslash
