"""Engine overhead, in this process with the embedded simulator, each against its baseline.

1. Per-step overhead of journaled shell steps: N `true` steps one after another. From the run's
   own journal (the events' `mono` clock): a step's time (step_started -> step_finished) and the
   gap to the next step's start. Overhead per step = step time - a bare process spawn (`true`
   run and waited for here, output piped; the lower median of before and after the run) + gap.
   The engine's CPU time per step (this process, every thread) is printed too: it depends
   less on how busy the machine is.
2. A random graph of shell steps sleeping 50-300 ms, each needing 0-2 of the last 30 steps:
   wall time (the engine's start -> run_finished) against the critical path of the sleeps
   (and, for reference, against that path plus a bare `sleep`'s own start and exit here for
   each step on it).
3. A random graph of Compute calls whose operations take a fixed simulated latency (start 20 s,
   stop 10 s, reset 5 s at speed 1, divided by the speed) and manual steps answered at once:
   wall time against the longest chain of latencies (`--gcp 0` leaves it out).

Journaling is durable (fsync) throughout. Prints, asserts nothing; the machine is shared, so
compare the numbers of one run with each other.

    python benchmarks/bench_engine.py [--steps 200] [--graph 120] [--gcp 200] [--speed 20]
                                      [--seed 7] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LATENCY = {"compute.instances.start": 20.0, "compute.instances.stop": 10.0,
           "compute.instances.reset": 5.0}
ZONE = "europe-west1-b"


def _needs(rng: random.Random, steps: list[dict]) -> list[str]:
    """0-2 of the last 30 steps."""
    return sorted(rng.sample([s["id"] for s in steps[-30:]],
                             k=min(len(steps), rng.choice([0, 1, 1, 2, 2]))))


@dataclass
class Run:
    """One generated run: its journal's events, the fsync batches that wrote them, the CPU
    seconds it took, and when the engine started (on the journal's `mono` clock)."""

    events: list[dict]
    commits: int
    cpu: float
    begun: float

    def wall(self) -> float:
        """Seconds from the engine's start to run_finished (the session's start-up before it,
        the cloud clients' import included, is bench_start.py's subject)."""
        return mono_of(self.events, "run_finished")[0] - self.begun


def chain(n: int) -> list[dict]:
    """n `true` steps, each after the previous one."""
    return [{"id": f"s{i:03d}", "title": f"s{i:03d}", "type": "shell", "run": ["true"],
             "needs": [f"s{i - 1:03d}"] if i else []} for i in range(n)]


def sleep_graph(n: int, seed: int) -> tuple[list[dict], float, int]:
    """A random DAG of 50-300 ms sleeps, its critical path (seconds) and how many steps are on
    it."""
    rng = random.Random(seed)
    steps: list[dict] = []
    finish: dict[str, tuple[float, int]] = {}
    for i in range(n):
        sid, needs, sleep = f"g{i:03d}", _needs(rng, steps), rng.randint(50, 300) / 1000
        steps.append({"id": sid, "title": sid, "type": "shell", "needs": needs,
                      "run": ["sleep", f"{sleep:.3f}"]})
        before, hops = max((finish[x] for x in needs), default=(0.0, 0))
        finish[sid] = (before + sleep, hops + 1)
    critical, hops = max(finish.values())
    return steps, critical, hops


def sleep_extra_ms(n: int = 10) -> float:
    """Median ms a bare `sleep 0.05` run here takes beyond its 50 ms (start, exec, wake-up)."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(["sleep", "0.05"], stdin=subprocess.DEVNULL, capture_output=True,
                       check=True, start_new_session=True)
        times.append(time.perf_counter() - t0 - 0.05)
    return 1000 * statistics.median(times)


def gcp_graph(n: int, seed: int, speed: float) -> tuple[list[dict], list[dict], float]:
    """A random DAG of Compute calls and manual steps, the instances they act on, and its
    critical path (seconds at `speed`)."""
    rng = random.Random(seed)
    steps: list[dict] = []
    instances: list[dict] = []
    finish: dict[str, float] = {}
    for i in range(n):
        sid, needs = f"c{i:03d}", _needs(rng, steps)
        if rng.random() < 0.15:
            steps.append({"id": sid, "title": sid, "type": "manual", "needs": needs})
            own = 0.0
        else:
            call = rng.choice(sorted(LATENCY))
            status = "TERMINATED" if call.endswith("start") else "RUNNING"
            instances.append({"name": f"vm-{i:03d}", "zone": ZONE, "status": status,
                              "machineType": "e2-small"})
            steps.append({"id": sid, "title": sid, "type": "gcp", "needs": needs, "call": call,
                          "with": {"project": "acme-prod", "zone": ZONE,
                                   "instance": f"vm-{i:03d}"}})
            own = LATENCY[call] / speed
        finish[sid] = max((finish[x] for x in needs), default=0.0) + own
    return steps, instances, max(finish.values())


def run(root: Path, name: str, steps: list[dict], instances: list[dict] | None = None,
        speed: float = 1.0) -> Run:
    """Run a generated runbook in this process on the embedded simulator (auto-approving)."""
    import yaml

    from drp_console.runner.headless import HeadlessResponder
    from drp_console.runner.session import RunSession

    scenario = {"format": "drp-sim/v1", "id": name, "title": name, "project": "acme-prod",
                "speed": speed, "compute": {"instances": instances or []},
                "latency": {k: f"{int(v)}s" for k, v in LATENCY.items()}}
    (root / f"{name}-world.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    path = root / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"format": "drp/v1", "id": name, "title": name,
                                    "scenario": f"{name}-world.yaml", "steps": steps},
                                   sort_keys=False))
    session = RunSession.start(path, runs_dir=root / "runs", operator="bench")
    try:
        if instances:
            session.cloud.warm_up()  # the client import is start-up cost, not engine cost
        engine = session.engine(HeadlessResponder(auto_approve=True))
        cpu, begun = time.process_time(), time.monotonic()  # the journal's `mono` clock
        state = asyncio.run(engine.run())
        cpu = time.process_time() - cpu
        events, commits = session.journal.events(), session.journal.commits
    finally:
        session.close()
    if state.status != "succeeded":
        raise SystemExit(f"the {name} run ended {state.status}")
    return Run(events, commits, cpu, begun)


def mono_of(events: list[dict], kind: str) -> list[float]:
    """The `mono` times of the events of one type, in order."""
    return [e["mono"] for e in events if e["type"] == kind]


def spawn_ms(n: int = 50) -> float:
    """Median ms to run `true` here as the engine starts a command (its own session, output
    piped), and wait for it, with nothing else around it."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(["true"], stdin=subprocess.DEVNULL, capture_output=True, check=True,
                       start_new_session=True)
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def report_chain(n: int, done: Run, spawns: tuple[float, float]) -> None:
    events, commits, cpu = done.events, done.commits, done.cpu
    started, finished = mono_of(events, "step_started"), mono_of(events, "step_finished")
    inside = [f - s for s, f in zip(started, finished, strict=True)]
    gaps = [s - f for f, s in zip(finished, started[1:], strict=False)]
    per = (finished[-1] - started[0]) / len(started)
    step, gap, spawn = 1000 * statistics.median(inside), 1000 * statistics.median(gaps), \
        min(spawns)
    print(f"{n} journaled `true` shell steps, one after another ({len(events)} events, "
          f"{commits} fsync batches):")
    print(f"  step median {step:6.2f} ms (p90 {1000 * statistics.quantiles(inside, n=10)[-1]:.2f})"
          f"   gap median {gap:5.2f} ms   per step (mean) {1000 * per:6.2f} ms"
          f"   engine CPU per step {1000 * cpu / n:.2f} ms")
    print(f"  bare spawn of `true` here {spawn:5.2f} ms (the lower median: {spawns[0]:.2f} "
          f"before the run, {spawns[1]:.2f} after)")
    print(f"  overhead per step = step {step:.2f} - spawn {spawn:.2f} + gap {gap:.2f} = "
          f"{step - spawn + gap:.2f} ms   (goal <= 5 ms)")


def report_graph(title: str, done: Run, critical: float, goal: str = "(goal <= 1.03)") -> None:
    took = done.wall()
    print(f"{title} ({len(done.events)} events, {done.commits} fsync batches, "
          f"{done.cpu:.2f} s CPU):")
    print(f"  critical path {critical:6.2f} s   wall {took:6.2f} s   ratio {took / critical:.3f}"
          f"   {goal}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200, help="`true` steps in the chain")
    parser.add_argument("--graph", type=int, default=120, help="steps in the sleep graph")
    parser.add_argument("--gcp", type=int, default=200, help="steps in the Compute graph (0: none)")
    parser.add_argument("--speed", type=float, default=20.0, help="the Compute graph's speed")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="write a cProfile of the runs to FILE")
    args = parser.parse_args()
    profiler: Any = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.steps:
            before = spawn_ms()
            done = run(root, "chain", chain(args.steps))
            report_chain(args.steps, done, (before, spawn_ms()))
        if args.graph:
            gsteps, critical, hops = sleep_graph(args.graph, args.seed)
            done = run(root, "graph", gsteps)
            report_graph(f"{args.graph}-step graph of 50-300 ms shell sleeps (seed {args.seed})",
                         done, critical)
            extra = sleep_extra_ms() / 1000
            with_starts = critical + hops * extra
            print(f"  a bare `sleep` here takes {1000 * extra:.2f} ms more than it sleeps; with "
                  f"that for each of the {hops} steps on the critical path: {with_starts:.2f} s,"
                  f" ratio {done.wall() / with_starts:.3f}")
        if args.gcp:
            csteps, instances, cpath = gcp_graph(args.gcp, args.seed, args.speed)
            calls = sum(s["type"] == "gcp" for s in csteps)
            report_graph(f"{args.gcp}-step graph, {calls} Compute calls at {args.speed:g}x "
                         f"(seed {args.seed})",
                         run(root, "compute", csteps, instances, args.speed), cpath,
                         "(no goal: each call adds the client's round trips and the simulator's "
                         "world write, in this one process)")
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
