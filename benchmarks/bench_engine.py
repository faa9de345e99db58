"""Engine overhead: a generated 200-step graph on the embedded simulator vs its critical path.

Every step is a Compute call whose operation takes a fixed simulated latency (start 20 s,
stop 10 s, reset 5 s at speed 1, divided by the scenario's speed), or a manual step answered at
once. The critical path is the longest chain of latencies through the graph; the engine's wall
time from `run_started` to `run_finished` is compared with it. Journaling is durable (fsync).

    python benchmarks/bench_engine.py [--steps 200] [--speed 20] [--seed 7] [--embedded]
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

LATENCY = {"compute.instances.start": 20.0, "compute.instances.stop": 10.0,
           "compute.instances.reset": 5.0}
ZONE = "europe-west1-b"


def generate(steps: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Random DAG steps (each needing 0-2 earlier ones) and the instances they act on."""
    rng = random.Random(seed)
    out, instances = [], []
    for i in range(steps):
        sid = f"s{i:03d}"
        needs = sorted(rng.sample([s["id"] for s in out[-30:]], k=min(len(out), rng.choice([0, 1, 1, 2, 2]))))
        if rng.random() < 0.15:
            out.append({"id": sid, "title": sid, "type": "manual", "needs": needs})
            continue
        call = rng.choice(sorted(LATENCY))
        status = "TERMINATED" if call.endswith("start") else "RUNNING"
        instances.append({"name": f"vm-{i:03d}", "zone": ZONE, "status": status,
                          "machineType": "e2-small"})
        out.append({"id": sid, "title": sid, "type": "gcp", "needs": needs, "call": call,
                    "with": {"project": "acme-prod", "zone": ZONE, "instance": f"vm-{i:03d}"}})
    return out, instances


def critical_path(steps: list[dict], speed: float) -> float:
    """Seconds along the longest chain of operation latencies."""
    finish: dict[str, float] = {}
    for s in steps:
        own = LATENCY.get(s.get("call", ""), 0.0) / speed
        finish[s["id"]] = max((finish[n] for n in s["needs"]), default=0.0) + own
    return max(finish.values())


def write_files(root: Path, steps: list[dict], instances: list[dict], speed: float) -> Path:
    import yaml

    scenario = {"format": "drp-sim/v1", "id": "bench", "title": "benchmark world",
                "project": "acme-prod", "speed": speed, "compute": {"instances": instances},
                "latency": {k: f"{int(v)}s" for k, v in LATENCY.items()}}
    runbook = {"format": "drp/v1", "id": "bench-graph", "title": "Generated graph",
               "scenario": "scenario.yaml", "steps": steps}
    (root / "scenario.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    path = root / "runbook.yaml"
    path.write_text(yaml.safe_dump(runbook, sort_keys=False))
    return path


def serve(scenario: Path) -> tuple[subprocess.Popen, str]:
    """`drp sim serve` in its own process, as the real cloud is elsewhere; its endpoint."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "drp_console", "sim", "serve", "--scenario",
                             str(scenario), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            urllib.request.urlopen(endpoint + "/_sim/health", timeout=1).read()
            return proc, endpoint
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise SystemExit("the simulator did not start")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--speed", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--embedded", action="store_true",
                        help="serve the world inside the engine's process (shares its GIL)")
    args = parser.parse_args()

    from drp_console.runner.headless import HeadlessResponder
    from drp_console.runner.session import RunSession

    steps, instances = generate(args.steps, args.seed)
    path_s = critical_path(steps, args.speed)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        runbook = write_files(root, steps, instances, args.speed)
        server, endpoint = (None, None) if args.embedded else serve(root / "scenario.yaml")
        session = RunSession.start(runbook, runs_dir=root / "runs", operator="bench",
                                   sim_endpoint=endpoint)
        try:
            session.cloud.warm_up()  # client import (~2 s) is start-up cost, not engine cost
            engine = session.engine(HeadlessResponder(auto_approve=True))
            import asyncio

            t0 = time.monotonic()
            state = asyncio.run(engine.run())
            wall = time.monotonic() - t0
            events = len(session.journal.events())
            commits = getattr(session.journal, "commits", None)
        finally:
            session.close()
            if server is not None:
                server.terminate()
                server.wait()
    where = "embedded" if args.embedded else "separate process"
    print(f"steps {args.steps}  gcp {sum(s['type'] == 'gcp' for s in steps)}  speed {args.speed:g}x"
          f"  simulator: {where}  status {state.status}")
    print(f"critical path {path_s:.2f} s   wall {wall:.2f} s   ratio {wall / path_s:.3f}"
          f"   overhead {100 * (wall / path_s - 1):+.1f}%")
    print(f"events {events}   fsync batches {commits() if callable(commits) else commits}")
    return 0 if state.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
