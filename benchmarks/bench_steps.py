"""Per-step overhead of journaled shell steps, and a sleep graph against its critical path.

Both runs are `drp run --headless` processes (own temporary runs dir, the `calm` scenario); the
numbers come from each run's own journal (the events' `mono` clock), so start-up is not counted.

1. 200 `true` steps one after another: a step's time (step_started -> step_finished), the gap to
   the next step, and their sum per step, next to a bare `subprocess.run(["true"])` here.
2. A random graph of 120 shell steps sleeping 50-300 ms, each needing 0-2 earlier steps: wall
   time (run_started -> run_finished) against the critical path of the sleeps.

Prints, asserts nothing.

    python benchmarks/bench_steps.py [--steps 200] [--graph 120] [--seed 7]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "runbooks" / "scenarios" / "calm.yaml"


def run(root: Path, name: str, steps: list[dict]) -> list[dict]:
    """Run a generated runbook headless; its journal's events."""
    import yaml

    path = root / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"format": "drp/v1", "id": name, "title": name,
                                    "steps": steps}, sort_keys=False))
    runs = root / f"runs-{name}"
    env = dict(os.environ, DRP_CACHE_DIR=str(root / "cache"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run([sys.executable, "-m", "drp_console", "run", str(path), "--headless",
                           "--scenario", str(SCENARIO), "--runs-dir", str(runs),
                           "--operator", "bench"], env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise SystemExit(f"the {name} run failed ({proc.returncode}): {proc.stderr[-800:]}")
    journal = next(runs.glob("*/journal.jsonl"))
    return [json.loads(line) for line in journal.read_text().splitlines()]


def chain(n: int) -> list[dict]:
    """n `true` steps, each after the previous one."""
    return [{"id": f"s{i:03d}", "title": f"s{i:03d}", "type": "shell", "run": ["true"]}
            for i in range(n)]


def graph(n: int, seed: int) -> tuple[list[dict], float]:
    """A random DAG of sleeps (each needing 0-2 of the last 30 steps) and its critical path."""
    rng = random.Random(seed)
    steps: list[dict] = []
    finish: dict[str, float] = {}
    for i in range(n):
        sid = f"g{i:03d}"
        needs = sorted(rng.sample([s["id"] for s in steps[-30:]],
                                  k=min(len(steps), rng.choice([0, 1, 1, 2, 2]))))
        sleep = rng.randint(50, 300) / 1000
        steps.append({"id": sid, "title": sid, "type": "shell", "needs": needs,
                      "run": ["sleep", f"{sleep:.3f}"]})
        finish[sid] = max((finish[x] for x in needs), default=0.0) + sleep
    return steps, max(finish.values())


def per_step(events: list[dict]) -> tuple[list[float], list[float]]:
    """Each step's started->finished time and the gaps finished->next started (seconds)."""
    started = [e["mono"] for e in events if e["type"] == "step_started"]
    finished = [e["mono"] for e in events if e["type"] == "step_finished"]
    inside = [f - s for s, f in zip(started, finished, strict=False)]
    gaps = [s - f for f, s in zip(finished, started[1:], strict=False)]
    return inside, gaps


def spawn_ms(n: int = 50) -> float:
    """Median wall time of `subprocess.run(["true"])` in this process, in ms."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(["true"], check=True)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--graph", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        events = run(root, "chain", chain(args.steps))
        gsteps, critical = graph(args.graph, args.seed)
        gevents = run(root, "graph", gsteps)
    inside, gaps = per_step(events)
    starts = [e["mono"] for e in events if e["type"] == "step_started"]
    ends = [e["mono"] for e in events if e["type"] == "step_finished"]
    per = (ends[-1] - starts[0]) / len(starts)
    print(f"{args.steps} journaled `true` steps, one after another ({len(events)} events):")
    print(f"  per step {1000 * per:7.2f} ms   step median {1000 * statistics.median(inside):6.2f} ms"
          f" (p90 {1000 * statistics.quantiles(inside, n=10)[-1]:.2f})   gap median "
          f"{1000 * statistics.median(gaps):6.2f} ms")
    print(f"  a bare subprocess.run(['true']) here: {spawn_ms():.2f} ms median")
    mono = {e["type"]: e["mono"] for e in gevents if e["type"] in ("run_started", "run_finished")}
    wall = mono["run_finished"] - mono["run_started"]
    print(f"{args.graph}-step graph of 50-300 ms sleeps (seed {args.seed}):")
    print(f"  critical path {critical:6.2f} s   wall {wall:6.2f} s   ratio {wall / critical:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
