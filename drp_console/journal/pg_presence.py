"""Who is on a shared run, and the files a run keeps beside its events.

Participants: every console on a run (the driver, joiners, watchers) announces itself in
`drp.participants` and renews `seen` while it is open, so each console's header can show who is
on the run and who drives; a row not seen for `stale` seconds no longer counts.

Run files: small named blobs of a run (for a simulated run, `world.json`: the simulated world,
so a takeover on another machine continues the same world). A driver writes them fenced by its
lease token, in one transaction with the token check, like an append.

These functions take a psycopg connection and run inside the caller's transaction.
"""

from __future__ import annotations

import os
import socket
from typing import Any

from drp_console.journal.pg_lease import check_token

ROLES = ("driver", "joiner", "watcher")
"""What a participant does on the run."""


def announce(conn: Any, run_id: str, who: str, role: str, *, host: str | None = None,
             pid: int | None = None) -> None:
    """Say (again) that `who` is on the run in this role; renews `seen`."""
    if role not in ROLES:
        raise ValueError(f"a participant is a driver, joiner or watcher, not {role!r}")
    conn.execute(
        "INSERT INTO drp.participants AS p (run_id, who, host, pid, role) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (run_id, who, host, pid) DO UPDATE SET role = EXCLUDED.role, seen = now()",
        (run_id, who, host or socket.gethostname(), os.getpid() if pid is None else pid, role),
    )


def leave(conn: Any, run_id: str, who: str, *, host: str | None = None, pid: int | None = None) -> None:
    """Take this console off the run's participants."""
    conn.execute("DELETE FROM drp.participants WHERE run_id = %s AND who = %s AND host = %s"
                 " AND pid = %s",
                 (run_id, who, host or socket.gethostname(), os.getpid() if pid is None else pid))


def participants(conn: Any, run_id: str, *, stale: float = 30.0) -> list[dict[str, Any]]:
    """The consoles seen on the run in the last `stale` seconds: who, host, pid, role, joined,
    seen; drivers first, then by name."""
    rows = conn.execute(
        "SELECT who, host, pid, role, joined, seen FROM drp.participants WHERE run_id = %s"
        " AND seen > now() - %s * interval '1 second'"
        " ORDER BY role <> 'driver', who, host, pid",
        (run_id, stale),
    ).fetchall()
    return [dict(zip(("who", "host", "pid", "role", "joined", "seen"), r, strict=False)) for r in rows]


def put_file(conn: Any, run_id: str, name: str, data: bytes, *, token: int) -> None:
    """Store a run file, only while `token` still drives the run (LeaseLost otherwise)."""
    check_token(conn, run_id, token)
    conn.execute(
        "INSERT INTO drp.run_files (run_id, name, data, token) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (run_id, name) DO UPDATE SET data = EXCLUDED.data, token = EXCLUDED.token,"
        " updated = now()",
        (run_id, name, data, token),
    )


def get_file(conn: Any, run_id: str, name: str) -> bytes | None:
    """A run file's content, None when the run has none by that name."""
    row = conn.execute("SELECT data FROM drp.run_files WHERE run_id = %s AND name = %s",
                       (run_id, name)).fetchone()
    return bytes(row[0]) if row is not None else None
