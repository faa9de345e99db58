"""Commands from the people who joined a shared run, for its driver to check and journal.

A joiner never writes the journal: an action (tick, approve, decide, retry, skip, note,
milestone, resolve UNKNOWN...) becomes a row in `drp.commands` (`submit_command`), which notifies
`drp_commands`. The driver takes pending rows (`take_commands`: `FOR UPDATE SKIP LOCKED`, marked
`taken` with its lease token, fenced by that token so a driver that lost the run takes nothing),
decides whether each is valid now, and journals the action under the joiner's name.

A command is `done` only in the transaction that appends the first event carrying it out
(`mark_journaled`, called by the journal's writer), so a driver killed at any point leaves
each command either done with its effect in the journal, or not done. A claim by an earlier
lease (a driver that died or was taken over) is stale: the next driver takes the command again
(`take_commands`), and it is applied once. A refused command is recorded `rejected` with the
reason the joiner's console shows (`record_outcome`; `finish_command` sets a status outright).

These functions take a psycopg connection and run inside the caller's transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drp_console.journal.events import JournalError
from drp_console.journal.pg_lease import check_token

COMMAND_KINDS = (
    "tick", "done", "approve", "reject", "decide", "retry", "skip", "note", "milestone",
    "resolve", "pause", "unpause",
)
"""The operator actions a joiner can send (the driver decides what each means at that moment)."""

FINISHED = ("done", "rejected")
"""Final states of a command."""

_KIND = re.compile(r"^[a-z][a-z_]{0,39}$")


@dataclass(frozen=True)
class Command:
    """One action a joiner asked the driver to take."""

    id: int
    run_id: str
    kind: str
    """One of COMMAND_KINDS."""
    step: str | None
    """The step it is about, if any."""
    payload: dict[str, Any]
    """What the action needs (an option, a note's text, a checklist item...)."""
    by: str
    """Who asked: the joiner's name, which the driver journals as the event's operator."""
    created: datetime
    status: str
    """pending, taken, done or rejected."""
    result: dict[str, Any] | None
    """What the driver answered, once finished."""


_COLUMNS = 'id, run_id, kind, step, payload, "by", created, status, result'


def _command(row: tuple[Any, ...]) -> Command:
    return Command(int(row[0]), row[1], row[2], row[3], row[4] or {}, row[5], row[6], row[7], row[8])


def submit_command(conn: Any, run_id: str, kind: str, *, by: str, step: str | None = None,
                   payload: dict[str, Any] | None = None) -> int:
    """Queue a joiner's action for the driver; returns the command's id."""
    from psycopg.types.json import Jsonb

    if kind not in COMMAND_KINDS:
        known = ", ".join(COMMAND_KINDS)
        raise JournalError(f"{kind!r} is not an action a joiner can send: use one of {known}")
    if not by.strip():
        raise JournalError("a command needs the name of the person who sends it")
    row = conn.execute(
        'INSERT INTO drp.commands (run_id, kind, step, payload, "by") VALUES (%s, %s, %s, %s, %s)'
        " RETURNING id",
        (run_id, kind, step, Jsonb(payload or {}), by),
    ).fetchone()
    return int(row[0])


def take_commands(conn: Any, run_id: str, *, token: int | None = None, limit: int = 100) -> list[Command]:
    """The run's pending commands, oldest first, now marked `taken` (rows another driver is
    taking are skipped). With `token`, LeaseLost unless that lease still drives the run, and
    the commands an earlier lease took but never journaled (it died) are taken again."""
    if token is not None:
        check_token(conn, run_id, token)
    rows = conn.execute(
        "UPDATE drp.commands SET status = 'taken', taken = now(), token = %(token)s WHERE id IN ("
        " SELECT id FROM drp.commands WHERE run_id = %(run)s AND (status = 'pending' OR"
        "  (status = 'taken' AND %(token)s::bigint IS NOT NULL AND"
        "   (token IS NULL OR token < %(token)s::bigint)))"
        " ORDER BY id LIMIT %(limit)s FOR UPDATE SKIP LOCKED)"
        f" RETURNING {_COLUMNS}",
        {"run": run_id, "token": token, "limit": limit},
    ).fetchall()
    return sorted((_command(r) for r in rows), key=lambda c: c.id)


def mark_journaled(conn: Any, run_id: str, first_seqs: dict[int, int]) -> None:
    """The commands whose first events are being appended in this transaction are done
    (command id -> seq of its first event, kept as the result's `seq`)."""
    for command_id, seq in sorted(first_seqs.items()):
        conn.execute("UPDATE drp.commands SET status = 'done',"
                     " result = jsonb_build_object('seq', %s::bigint) || coalesce(result, '{}')"
                     " WHERE run_id = %s AND id = %s AND status <> 'done'",
                     (seq, run_id, command_id))


def record_outcome(conn: Any, command_id: int, status: str, result: dict[str, Any], *,
                   token: int | None = None) -> None:
    """What the driver made of a taken command: `rejected` (unless its effect was journaled),
    or `done` with a result, the status itself left to the journal (`mark_journaled`), which
    sets it once the command's effect is durable. With `token`, only while the command is
    still claimed under that lease token (a driver that was taken over records nothing)."""
    from psycopg.types.json import Jsonb

    if status not in FINISHED:
        raise ValueError(f"a command finishes as done or rejected, not {status!r}")
    claim = " AND token = %(token)s::bigint" if token is not None else ""
    values = {"result": Jsonb(result), "id": command_id, "token": token}
    if status == "rejected":
        conn.execute("UPDATE drp.commands SET status = 'rejected', result = %(result)s"
                     " WHERE id = %(id)s AND status <> 'done'" + claim, values)
    else:
        conn.execute("UPDATE drp.commands SET result = coalesce(result, '{}') || %(result)s"
                     " WHERE id = %(id)s" + claim, values)


def finish_command(conn: Any, command_id: int, status: str, result: dict[str, Any] | None = None) -> None:
    """Record what the driver did with a taken command: `done` or `rejected`, and why."""
    from psycopg.types.json import Jsonb

    if status not in FINISHED:
        raise ValueError(f"a command finishes as done or rejected, not {status!r}")
    row = conn.execute(
        "UPDATE drp.commands SET status = %s, result = %s WHERE id = %s RETURNING id",
        (status, Jsonb(result) if result is not None else None, command_id),
    ).fetchone()
    if row is None:
        raise JournalError(f"there is no command {command_id} in the journal database")


def list_commands(conn: Any, run_id: str) -> list[Command]:
    """Every command of the run, oldest first (for a console's history of requests)."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM drp.commands WHERE run_id = %s ORDER BY id",
                        (run_id,)).fetchall()
    return [_command(r) for r in rows]


def get_command(conn: Any, command_id: int) -> Command:
    """One command by id (JournalError when there is none)."""
    row = conn.execute(f"SELECT {_COLUMNS} FROM drp.commands WHERE id = %s", (command_id,)).fetchone()
    if row is None:
        raise JournalError(f"there is no command {command_id} in the journal database")
    return _command(row)
