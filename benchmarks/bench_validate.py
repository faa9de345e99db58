"""Load and validate a generated 1,000-step runbook; print the time each stage takes.

Goal (issue 2): well under a second on this machine; the research figure was <= 500 ms.
Run: /work/venv/bin/python benchmarks/bench_validate.py [steps] [repeats]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

from drp_console.runbook.loader import load_document
from drp_console.runbook.model import Runbook
from drp_console.runbook.plan import make_plan
from drp_console.runbook.validate import check


def generate(steps: int) -> str:
    """A runbook of `steps` steps: people, reads with checks, mutations, waits, decisions."""
    out = [
        "# yaml-language-server: $schema=../schema/runbook.schema.json",
        "format: drp/v1", "id: bench", "title: Generated benchmark runbook",
        "objectives: {rto: 4h, rpo: 15m}",
        "parameters:", "  project: {default: acme-prod, pattern: \"^[a-z][a-z0-9-]+$\"}",
        "roles: {dba: Database on-call, sre: SRE on-call}", "steps:",
    ]
    for i in range(steps):
        kind = i % 5
        sid = f"s{i}"
        if kind == 0:
            out += [f"  - id: {sid}", "    title: Confirm with the team", "    type: manual",
                    "    role: sre", "    timeout: 10m", "    budget: 2m",
                    "    instructions: |", "      Check **{{ params.project }}** and tick below.",
                    "    checklist: [Checked, Posted]"]
        elif kind == 1:
            out += [f"  - id: {sid}", "    title: Read the instance", "    type: gcp",
                    "    role: dba", "    call: sql.instances.get",
                    "    with: {project: \"{{ params.project }}\", instance: orders-db}",
                    "    check: \"result.state == 'RUNNABLE'\"",
                    "    outputs: {state: result.state, zone: result.gceZone}",
                    "    timeout: 2m", "    retry: {attempts: 3, delay: 5s, backoff: 2}"]
        elif kind == 2:
            out += [f"  - id: {sid}", "    title: Restart", "    type: gcp", "    role: dba",
                    "    call: sql.instances.restart",
                    f"    with: {{project: \"{{{{ params.project }}}}\", "
                    f"instance: \"{{{{ steps['s{i - 1}'].outputs.state }}}}\"}}",
                    "    budget: 3m", "    timeout: 20m"]
        elif kind == 3:
            out += [f"  - id: {sid}", "    title: Wait until it serves", "    type: wait",
                    "    role: dba", "    call: sql.instances.get",
                    "    with: {project: \"{{ params.project }}\", instance: orders-db}",
                    "    until: \"result.state == 'RUNNABLE'\"", "    interval: 10s",
                    "    timeout: 15m"]
        else:
            out += [f"  - id: {sid}", "    title: Approve the next block", "    type: approval",
                    "    role: sre", f"    needs: [s{i - 1}, s{i - 3}]",
                    f"    prompt: \"Zone is {{{{ steps['s{i - 3}'].outputs.zone }}}}. Go on?\""]
    return "\n".join(out) + "\n"


def main() -> None:
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    assert yaml.__with_libyaml__, "PyYAML without libyaml: the loader would be ~7x slower"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(generate(steps))
        size = path.stat().st_size
        loads, checks, plans = [], [], []
        for _ in range(repeats):
            t0 = time.perf_counter()
            runbook = load_document(path, Runbook)
            t1 = time.perf_counter()
            diagnostics = check(runbook)
            t2 = time.perf_counter()
            make_plan(runbook, {"project": "acme-prod"})
            t3 = time.perf_counter()
            loads.append(t1 - t0)
            checks.append(t2 - t1)
            plans.append(t3 - t2)
        assert not diagnostics, [str(d) for d in diagnostics[:5]]
    total = [a + b for a, b in zip(loads, checks, strict=True)]
    ms = lambda xs: f"median {statistics.median(xs) * 1000:7.1f} ms  min {min(xs) * 1000:7.1f} ms"  # noqa: E731
    print(f"runbook: {steps} steps, {size / 1024:.0f} KiB, {repeats} repeats")
    print(f"load (strict YAML + model):   {ms(loads)}")
    print(f"validate (graph, templates):  {ms(checks)}")
    print(f"load + validate:              {ms(total)}   goal: well under 1000 ms")
    print(f"first load + validate (cold template cache): {total[0] * 1000:.1f} ms")
    print(f"plan:                         {ms(plans)}")


if __name__ == "__main__":
    main()
