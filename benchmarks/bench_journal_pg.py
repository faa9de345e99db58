"""Measures event append latency, file journal vs PostgreSQL journal (p50/p99), and a joiner's
view lag (from the driver's write until a follower holds the event).

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
    finally:
        if server is not None:
            server.remove()


if __name__ == "__main__":
    main()
