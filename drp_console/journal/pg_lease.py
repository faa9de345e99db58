"""The driver's lease on a shared run, with a fencing token checked on every append.

One row per run in `drp.leases`: who drives (holder, host, pid), their last heartbeat, when the
lease expires, and a token that only ever grows. `acquire` succeeds only when the lease is free
(released) or expired, and then increments the token; `heartbeat` extends it only for the token
that holds it. Every append locks the row and compares the caller's token with the current one in
the same transaction, so a driver that was stopped (SIGSTOP, a dead network) and comes back after
someone took over cannot write anything: it gets `LeaseLost`. Expiry uses the database's clock,
so machines with skewed clocks agree.

These functions take a psycopg connection and run inside the caller's transaction.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drp_console.journal.events import JournalError
from drp_console.settings import settings

DEFAULT_LEASE_SECONDS = 15.0
"""How long a driver's lease lasts without a heartbeat (`--lease` / `DRP_LEASE_SECONDS`)."""


def lease_seconds(option: float | None = None) -> float:
    """The lease time to use: the option, else `DRP_LEASE_SECONDS`, else 15 s."""
    if option is not None:
        value = float(option)
    else:
        raw = settings().lease_seconds or ""
        try:
            value = float(raw) if raw else DEFAULT_LEASE_SECONDS
        except ValueError:
            raise JournalError(f"DRP_LEASE_SECONDS={raw!r} is not a number of seconds") from None
    if not 1 <= value <= 3600:
        raise JournalError(f"a lease of {value:g} s is not allowed: give 1 to 3600 seconds")
    return value


@dataclass(frozen=True)
class Lease:
    """A lease this process holds on a run."""

    run_id: str
    holder: str
    """Who drives (the operator's name)."""
    host: str
    pid: int
    token: int
    """The fencing token: higher than every earlier holder's."""
    ttl: float
    """Seconds the lease lasts without a heartbeat."""
    expires_at: datetime
    """When it expires unless renewed (database clock)."""


class LeaseHeld(JournalError):
    """Someone else drives the run and their lease has not expired."""

    def __init__(self, run_id: str, holder: dict[str, Any]) -> None:
        self.run_id = run_id
        """The run asked for."""
        self.holder = holder
        """The current lease row: holder, host, pid, heartbeat, expires_at, token."""
        super().__init__(
            f"run {run_id} is driven by {describe(holder)}; join it to follow and act through "
            f"the driver, or take it over once their lease expires ({holder.get('expires_at')})"
            " if their console has stopped"
        )


class LeaseLost(JournalError):
    """This process's lease was taken over: it may no longer write to the run or act on it."""

    def __init__(self, run_id: str, token: int, current: dict[str, Any] | None) -> None:
        self.run_id = run_id
        """The run."""
        self.token = token
        """The token this process held."""
        self.current = current
        """The lease row now (None when it is gone)."""
        now = f"{describe(current)} drives it now (token {current['token']})" if current else \
            "nobody holds it now"
        super().__init__(
            f"this console no longer drives run {run_id}: its lease (token {token}) was taken "
            f"over and {now}. Nothing more was written; join the run to follow it"
        )


def describe(row: dict[str, Any] | None) -> str:
    """`alice (pid 12 on laptop-3)`, for messages."""
    if not row:
        return "nobody"
    return f"{row.get('holder') or 'someone'} (pid {row.get('pid', '?')} on {row.get('host', '?')})"


_COLUMNS = "run_id, holder, host, pid, heartbeat, expires_at, token"


def current(conn: Any, run_id: str, *, lock: bool = False) -> dict[str, Any] | None:
    """The run's lease row (holder, host, pid, heartbeat, expires_at, token), whether it is
    `live` (not expired), and for how many seconds its holder has been `silent` (since the
    last heartbeat; both on the database's clock), or None."""
    sql = (f"SELECT {_COLUMNS}, expires_at > now(), extract(epoch from now() - heartbeat)"
           " FROM drp.leases WHERE run_id = %s")
    row = conn.execute(sql + (" FOR UPDATE" if lock else ""), (run_id,)).fetchone()
    if row is None:
        return None
    names = _COLUMNS.split(", ") + ["live", "silent"]
    found = dict(zip(names, row, strict=False))
    found["silent"] = max(0.0, float(found["silent"] or 0))
    return found


def acquire(conn: Any, run_id: str, holder: str, ttl: float, *, host: str | None = None,
            pid: int | None = None) -> Lease:
    """Take the run's lease when it is free or expired (token + 1); LeaseHeld otherwise."""
    host = host or socket.gethostname()
    pid = os.getpid() if pid is None else pid
    row = conn.execute(
        "INSERT INTO drp.leases AS l (run_id, holder, host, pid, heartbeat, expires_at, token)"
        " VALUES (%s, %s, %s, %s, now(), now() + %s * interval '1 second', 1)"
        " ON CONFLICT (run_id) DO UPDATE SET holder = EXCLUDED.holder, host = EXCLUDED.host,"
        " pid = EXCLUDED.pid, heartbeat = now(), expires_at = EXCLUDED.expires_at,"
        " token = l.token + 1 WHERE l.expires_at <= now()"
        " RETURNING token, expires_at",
        (run_id, holder, host, pid, ttl),
    ).fetchone()
    if row is None:
        raise LeaseHeld(run_id, current(conn, run_id) or {})
    return Lease(run_id, holder, host, pid, int(row[0]), ttl, row[1])


def heartbeat(conn: Any, lease: Lease) -> Lease:
    """Extend the lease by its ttl; LeaseLost when another holder has taken it."""
    row = conn.execute(
        "UPDATE drp.leases SET heartbeat = now(), expires_at = now() + %s * interval '1 second'"
        " WHERE run_id = %s AND token = %s RETURNING expires_at",
        (lease.ttl, lease.run_id, lease.token),
    ).fetchone()
    if row is None:
        raise LeaseLost(lease.run_id, lease.token, current(conn, lease.run_id))
    return Lease(lease.run_id, lease.holder, lease.host, lease.pid, lease.token, lease.ttl, row[0])


def release(conn: Any, lease: Lease) -> bool:
    """Give the lease up (the token stays, so the next holder's is higher); False if it was lost."""
    row = conn.execute(
        "UPDATE drp.leases SET holder = NULL, expires_at = now()"
        " WHERE run_id = %s AND token = %s RETURNING token",
        (lease.run_id, lease.token),
    ).fetchone()
    return row is not None


def check_token(conn: Any, run_id: str, token: int) -> None:
    """Lock the lease row and raise LeaseLost unless `token` still holds it (an expired lease
    nobody took yet still holds; a released one does not)."""
    row = current(conn, run_id, lock=True)
    if row is None or row["token"] != token or row["holder"] is None:
        raise LeaseLost(run_id, token, row)
