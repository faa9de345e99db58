"""Following a shared run live: new events and new commands as they are committed.

Each follower holds one asynchronous connection that LISTENs on the channel (the append and the
command triggers NOTIFY in their own transactions, so a notification means the row is
committed). It LISTENs before it reads, so nothing committed in between is missed; it then reads
whatever is newer than what it has, and waits for the next notification for its run, or at most
`poll` seconds (the slow fallback, for notifications lost with a connection). A lost connection is
reopened with a pause of `poll` seconds; `on_error` hears the JournalError (and None once it is
back), so a console can say the database is unreachable.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import psycopg

from drp_console.journal.pg_schema import COMMANDS_CHANNEL, EVENTS_CHANNEL
from drp_console.journal.pg_store import CONNECTION_OPTIONS, translate

DEFAULT_POLL = 2.0
"""Seconds between reads when no notification arrives."""

ErrorHook = Callable[[Exception | None], None]


Fetch = Callable[[psycopg.AsyncConnection[Any]], Awaitable[list[Any]]]


async def _watch(url: str, channel: str, run_id: str, poll: float, on_error: ErrorHook | None,
                 fetch: Fetch) -> AsyncIterator[list[Any]]:
    """What `fetch` reads each time there may be news for the run (first at once)."""
    failing = False
    while True:
        try:
            conn = await psycopg.AsyncConnection.connect(url, autocommit=True, **CONNECTION_OPTIONS)
            async with conn:
                await conn.execute(f"LISTEN {channel}")
                while True:
                    batch = await fetch(conn)
                    if failing and on_error is not None:
                        on_error(None)
                    failing = False
                    yield batch
                    async for note in conn.notifies(timeout=poll):
                        if note.payload.rsplit(" ", 1)[0] == run_id:
                            break
        except psycopg.Error as exc:
            failing = True
            if on_error is not None:
                on_error(translate(url, exc, f"follow run {run_id}"))
            await asyncio.sleep(poll)


async def follow(url: str, run_id: str, after_seq: int = 0, *, poll: float = DEFAULT_POLL,
                 on_error: ErrorHook | None = None) -> AsyncIterator[dict[str, Any]]:
    """Every event of the run after `after_seq`, in order, then each new one as it is committed
    (forever: stop iterating, or cancel the task, to stop following)."""
    last = after_seq

    async def fetch(conn: psycopg.AsyncConnection[Any]) -> list[Any]:
        cur = await conn.execute("SELECT line FROM drp.events WHERE run_id = %s AND seq > %s"
                                 " ORDER BY seq", (run_id, last))
        return [json.loads(row[0]) for row in await cur.fetchall()]

    async for batch in _watch(url, EVENTS_CHANNEL, run_id, poll, on_error, fetch):
        for event in batch:
            last = int(event["seq"])
            yield event


async def command_wakeups(url: str, run_id: str, *, poll: float = DEFAULT_POLL,
                          on_error: ErrorHook | None = None) -> AsyncIterator[None]:
    """For the driver: a tick at once and whenever a joiner submits a command to the run (or
    `poll` seconds pass); call `take_commands` on each."""

    async def fetch(conn: psycopg.AsyncConnection[Any]) -> list[Any]:
        return []

    async for _ in _watch(url, COMMANDS_CHANNEL, run_id, poll, on_error, fetch):
        yield None
