"""Measures the journal: microseconds per acknowledged event (sequential and concurrent) and fold time.

Run: `python benchmarks/bench_journal.py [--events N]`. Prints medians of a few repetitions;
nothing is asserted (the goals live in DESIGN.md / the research notes: ~0.2 ms per durable event,
a 10,000-event journal folds and reopens well under a second).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from drp_console.journal import Journal, Redactor, RunState, read_events

DOC = {"id": "bench", "title": "Bench",
       "steps": [{"id": f"s{i}", "title": f"Step {i}", "type": "gcp"} for i in range(200)]}


def _fields(i: int) -> tuple[str, dict]:
    step = f"s{i % 200}"
    kind = i % 5
    if kind == 0:
        return "step_started", {"step": step, "attempt": 1}
    if kind == 1:
        return "call_intent", {"step": step, "attempt": 1, "call": "compute.instances.start",
                               "request_id": f"c0ffee00-0000-4000-8000-{i:012d}",
                               "args": {"project": "acme-prod", "zone": "europe-west1-b",
                                        "instance": "web-1"}}
    if kind == 2:
        return "operation_submitted", {"step": step, "attempt": 1,
                                       "operation": {"name": f"op-{i}", "service": "compute"}}
    if kind == 3:
        return "operation_progress", {"step": step, "operation": f"op-{i}", "status": "DONE",
                                      "progress": 100}
    return "step_finished", {"step": step, "status": "succeeded", "reason": None, "outputs": {},
                             "changed": True, "attempts": 1}


def bench_sequential(runs_dir: Path, n: int) -> float:
    journal = Journal.create(runs_dir, f"seq-{time.monotonic_ns()}", Redactor(["secret-value"]))
    start = time.perf_counter()
    for i in range(n):
        kind, fields = _fields(i)
        journal.write_sync(kind, **fields)
    elapsed = time.perf_counter() - start
    journal.close()
    return elapsed / n * 1e6


def bench_concurrent(runs_dir: Path, n: int, writers: int) -> tuple[float, float]:
    journal = Journal.create(runs_dir, f"con-{time.monotonic_ns()}", Redactor(["secret-value"]))

    async def writer(w: int) -> None:
        for i in range(w, n, writers):
            kind, fields = _fields(i)
            await journal.write(kind, **fields)

    async def main() -> None:
        await asyncio.gather(*(writer(w) for w in range(writers)))

    start = time.perf_counter()
    asyncio.run(main())
    elapsed = time.perf_counter() - start
    commits = journal.commits
    journal.close()
    return elapsed / n * 1e6, n / max(commits, 1)


def bench_fold(runs_dir: Path, n: int) -> tuple[float, float]:
    journal = Journal.create(runs_dir, f"fold-{time.monotonic_ns()}", Redactor())
    journal.write_sync("run_started", run_id="b", runbook={"id": "bench"}, runbook_doc=DOC, params={},
                       secret_params=[], mode="simulate", scenario=None, project="acme-prod", regions=[],
                       incident_start=None, tool_version="0", host="h", pid=1)

    async def write(i: int) -> dict:
        kind, fields = _fields(i)
        return await journal.write(kind, **fields)

    async def fill() -> None:
        for chunk in range(0, n - 1, 500):
            await asyncio.gather(*(write(i) for i in range(chunk, min(n - 1, chunk + 500))))

    asyncio.run(fill())
    path, run_dir = journal.path, journal.run_dir
    journal.close()
    events = read_events(path)
    start = time.perf_counter()
    state = RunState.fold(events)
    fold = time.perf_counter() - start
    assert state.last_seq == n
    start = time.perf_counter()
    reopened = Journal.open(run_dir, Redactor())
    RunState.fold(reopened.events())
    reopen = time.perf_counter() - start
    reopened.close()
    return fold * 1e3, reopen * 1e3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000, help="events per write measurement")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp)
        seq = [bench_sequential(runs, args.events) for _ in range(args.repeat)]
        print(f"sequential write_sync (one event per fsync): {statistics.median(seq):8.1f} µs per "
              "acknowledged event")
        for writers in (8, 64):
            results = [bench_concurrent(runs, args.events, writers) for _ in range(args.repeat)]
            us = statistics.median(r[0] for r in results)
            group = statistics.median(r[1] for r in results)
            print(f"{writers:3d} concurrent async writers:                {us:8.1f} µs per "
                  f"acknowledged event ({group:.1f} events per fsync)")
        folds = [bench_fold(runs, 10_000) for _ in range(args.repeat)]
        fold_ms = statistics.median(f[0] for f in folds)
        reopen_ms = statistics.median(f[1] for f in folds)
        print(f"fold of 10,000 events:                       {fold_ms:8.1f} ms")
        print(f"reopen (read, check, repair) + fold, 10,000: {reopen_ms:8.1f} ms")


if __name__ == "__main__":
    main()
