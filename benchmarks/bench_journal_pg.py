"""Measures event append latency, file journal vs PostgreSQL journal (p50/p99), a joiner's
view lag (from the driver's write until a follower holds the event), and the lag of a joiner's
action on the driver's side (from a joiner's tick command until the driver's engine hands the
journaled tick to its screen, which draws it at its next redraw, every 0.25 s; the issue's
bound for the driver's screen is one second).

Run: `python benchmarks/bench_journal_pg.py [--events N] [--journal URL]`. Without --journal (or
DRP_JOURNAL) it starts a throwaway server in a temporary directory, as the tests do (needs the
PostgreSQL server binaries). Prints the measurements; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "pg"))

from drp_console.journal import Journal, Redactor
from drp_console.journal.pg import PgJournal
from drp_console.journal.pg_follow import follow
from drp_console.journal.pg_store import init_database


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return f"p50 {statistics.median(ordered) * 1e3:7.3f} ms   p99 {p99 * 1e3:7.3f} ms"


def _fields(i: int) -> dict[str, Any]:
    return {"step": f"s{i % 50}", "attempt": 1, "call": "compute.instances.start",
            "request_id": f"c0ffee00-0000-4000-8000-{i:012d}",
            "args": {"project": "acme-prod", "zone": "europe-west1-b", "instance": "web-1"}}


def _latencies(journal: Any, n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        journal.write_sync("call_intent", **_fields(i))
        out.append(time.perf_counter() - start)
    return out


def bench_file(n: int) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal.create(Path(tmp), "bench-file", Redactor(["secret-value"]))
        try:
            return _latencies(journal, n)
        finally:
            journal.close()


def bench_pg(url: str, n: int) -> list[float]:
    journal = PgJournal.create(url, f"bench-pg-{time.time_ns()}", Redactor(["secret-value"]))
    try:
        return _latencies(journal, n)
    finally:
        journal.close()


def bench_view_lag(url: str, n: int) -> list[float]:
    """Seconds from the start of the driver's write to the follower's receipt, per event."""
    journal = PgJournal.create(url, f"bench-lag-{time.time_ns()}", Redactor())

    async def run() -> list[float]:
        stream = follow(url, journal.run_id, poll=600)
        lags = []
        for i in range(n):
            start = time.perf_counter()
            receiving = asyncio.ensure_future(anext(stream))
            await journal.write("note", text=f"n{i}", tag=None, step=None)
            await receiving
            lags.append(time.perf_counter() - start)
        await stream.aclose()
        return lags

    try:
        return asyncio.run(run())
    finally:
        journal.close()


TICK_RUNBOOK = """\
format: drp/v1
id: bench-ticks
title: A long checklist
scenario: {world}
steps:
  - id: declare
    title: Declare the incident
    type: manual
    instructions: Tick every item.
    checklist: [{items}]
"""


def bench_command_lag(url: str, n: int) -> list[float]:
    """Seconds from a joiner's tick command to the driver's engine handing the journaled tick
    to its subscribers (the driver's screen), per tick, on a real driven run."""
    from drp_console.journal.pg_store import PgStore
    from drp_console.runner.session import RunSession
    from drp_console.ui.responder import UIResponder

    world = Path(__file__).resolve().parents[1] / "tests" / "engine" / "data" / "faulty-world.yaml"
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "ticks.yaml"
        book.write_text(TICK_RUNBOOK.format(world=world, items=", ".join(
            f"item {i}" for i in range(n))), encoding="utf-8")
        session = RunSession.start(book, operator="alice", runs_dir=Path(tmp) / "runs",
                                   journal_url=url)
        store = PgStore(url)

        async def run() -> list[float]:
            engine = session.engine(UIResponder())
            seen: dict[int, float] = {}
            engine.subscribe(lambda e: seen.setdefault(e["item"], time.perf_counter())
                             if e.get("type") == "checklist_ticked" else None)
            running = asyncio.ensure_future(engine.run())
            while engine.waiting_question("declare") is None:
                await asyncio.sleep(0.01)
            lags = []
            for i in range(n):
                start = time.perf_counter()
                await asyncio.to_thread(store.submit_command, session.ctx.run_id, "tick",
                                        by="bob", step="declare", payload={"item": i})
                while i not in seen:
                    await asyncio.sleep(0.001)
                lags.append(seen[i] - start)
            engine.stop()
            await running
            return lags

        try:
            return asyncio.run(run())
        finally:
            store.close()
            session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--journal", default=os.environ.get("DRP_JOURNAL"))
    args = parser.parse_args()
    server = None
    url = args.journal
    if not url:
        from pg_server import start_server

        server = start_server()
        url = server.url()
    try:
        init_database(url)
        print(f"{args.events} sequential appends, each acknowledged once durable:")
        print(f"  file journal (fsync)        {_percentiles(bench_file(args.events))}")
        print(f"  PostgreSQL journal (commit) {_percentiles(bench_pg(url, args.events))}")
        lag = bench_view_lag(url, min(args.events, 200))
        print(f"joiner's view lag (write -> follower, LISTEN/NOTIFY): {_percentiles(lag)}")
        ticks = bench_command_lag(url, min(args.events, 50))
        print(f"joiner's tick -> driver's engine (its screen redraws within 0.25 s more; "
              f"bound 1 s): {_percentiles(ticks)}")
    finally:
        if server is not None:
            server.remove()


if __name__ == "__main__":
    main()
