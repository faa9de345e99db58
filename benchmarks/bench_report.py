"""Benchmark: build and render the report of a generated 1,000-step run in every format.

Run: `python benchmarks/bench_report.py [--steps N] [--repeat R]`. Prints the median time of
each phase; the goal (issue 6) is well under a second for all formats together.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

from drp_console.report import FORMATS, build_report, render

BASE = datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC)


def synthetic_run(steps: int) -> list[dict]:
    """Journal events of a run of `steps` steps in four parallel branches, with approvals every
    25th step, an operation on every 3rd, a retry every 50th, notes and milestones."""
    events: list[dict] = []
    doc_steps = []
    for n in range(steps):
        step = {"id": f"step-{n:04d}", "title": f"Step number {n}",
                "type": "approval" if n % 25 == 0 else "gcp", "budget": "30s",
                "needs": [f"step-{n - 4:04d}"] if n >= 4 else []}
        if n % 25 != 0:
            step["call"] = "compute.instances.start"
        doc_steps.append(step)
    doc = {"format": "drp/v1", "id": "generated", "title": "Generated 1,000-step runbook",
           "version": 1, "objectives": {"rto": "2h", "rpo": "15m"}, "steps": doc_steps}

    def add(t: float, type_: str, **fields: object) -> None:
        events.append({"v": 1, "seq": len(events) + 1,
                       "ts": (BASE + timedelta(seconds=t)).isoformat(timespec="microseconds"),
                       "mono": 1000.0 + t, "boot": "b", "type": type_, "operator": "bench",
                       **fields})

    add(0, "run_started", run_id="bench", runbook={"id": "generated", "title": doc["title"],
        "version": 1, "hash": "0" * 64, "path": "gen.yaml"}, runbook_doc=doc, params={},
        secret_params=[], mode="simulate",
        scenario={"id": "s", "title": "s", "path": "s.yaml", "speed": 1}, project="acme-prod",
        regions=["europe-west1"], incident_start=None, tool_version="0.1.0", host="h", pid=1)
    add(1, "milestone", name="detected", step=None, source="operator")
    for n in range(steps):
        sid = f"step-{n:04d}"
        t0 = 2 + (n // 4) * 10 + (n % 4) * 0.1
        add(t0, "step_started", step=sid, attempt=1)
        if n % 25 == 0:
            add(t0 + 1, "waiting", step=sid, kind="approval", role="commander", prompt="ok?",
                options=[], checklist=[], recommended=None)
            add(t0 + 8, "answered", step=sid, kind="approval", answer="approve", by="ic",
                role="commander", reason=None, checklist=[])
        elif n % 3 == 0:
            add(t0 + 1, "operation_submitted", step=sid, attempt=1,
                operation={"name": f"op-{n}", "service": "compute", "scope": "zone",
                           "location": "europe-west1-b", "project": "acme-prod"})
            add(t0 + 8, "operation_progress", step=sid, operation=f"op-{n}", status="DONE",
                progress=100)
        if n % 50 == 1:
            add(t0 + 2, "attempt_failed", step=sid, attempt=1,
                error={"message": "503", "code": "503", "http_status": 503, "transient": True,
                       "hint": "retrying"}, retry_in=1)
        if n % 100 == 7:
            add(t0 + 3, "note", text=f"note on {sid} <b>bold</b>", tag="observation", step=sid)
        add(t0 + 9, "step_finished", step=sid, status="succeeded", reason=None, outputs={},
            changed=n % 3 == 0, attempts=1)
    last = events[-1]["mono"] - 1000.0
    add(last, "milestone", name="restored", step=None, source="operator")
    add(last + 1, "run_finished", status="succeeded", reason="done")
    return events


def _median(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall and CPU seconds of `fn` (CPU time is steadier on a shared machine)."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    events = synthetic_run(args.steps)
    print(f"{args.steps} steps, {len(events)} events, median of {args.repeat} (wall / CPU)")
    render(build_report(events, "Europe/Berlin"), "html")  # warm the template cache
    wall, cpu, report = _median(lambda: build_report(events, "Europe/Berlin"), args.repeat)
    print(f"  build_report      {wall * 1000:8.1f} ms {cpu * 1000:8.1f} ms")
    total_wall, total_cpu = wall, cpu
    for fmt in FORMATS:
        wall, cpu, text = _median(lambda fmt=fmt: render(report, fmt), args.repeat)
        total_wall, total_cpu = total_wall + wall, total_cpu + cpu
        print(f"  render {fmt:<10} {wall * 1000:8.1f} ms {cpu * 1000:8.1f} ms "
              f"{len(text) / 1024:8.0f} KiB")
    print(f"  all formats       {total_wall * 1000:8.1f} ms {total_cpu * 1000:8.1f} ms  "
          "(goal: well under 1000 ms)")


if __name__ == "__main__":
    main()
