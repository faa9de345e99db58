"""Measure what a cloud step costs: client import, one read, one mutation polled to DONE.

Run: /work/venv/bin/python benchmarks/bench_actions.py [N]
Prints medians; asserts nothing (timing goals are judged by a person, not by the test suite).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORLD = ROOT / "tests" / "actions" / "actions_world.yaml"


def _import_seconds() -> float:
    code = ("import time; t = time.perf_counter(); from drp_console.gcp.clients import Cloud; "
            "Cloud('http://127.0.0.1:9', 'p').warm_up(); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def _median_ms(samples: list[float]) -> str:
    return f"{statistics.median(samples) * 1000:.2f} ms (min {min(samples) * 1000:.2f})"


def main(n: int = 200) -> None:
    from drp_console.actions import invoke, poll, request_id_for
    from drp_console.gcp.clients import Cloud
    from drp_console.sim.scenario import load_scenario
    from drp_console.sim.server import SimServer

    imports = [_import_seconds() for _ in range(3)]
    print(f"warm_up (import + build 11 clients), fresh process: {statistics.median(imports):.2f} s")

    server = SimServer(load_scenario(WORLD))
    server.start()
    try:
        cloud = Cloud(server.endpoint, "acme-prod")
        t = time.perf_counter()
        cloud.warm_up()
        print(f"warm_up in this process: {time.perf_counter() - t:.2f} s")
        args = {"project": "acme-prod", "zone": "europe-west1-b", "instance": "web-1"}
        reads = []
        for _ in range(n):
            t = time.perf_counter()
            invoke(cloud, "compute.instances.get", args)
            reads.append(time.perf_counter() - t)
        print(f"compute.instances.get round trip (n={n}): {_median_ms(reads)}")
        sql_reads = []
        for _ in range(n):
            t = time.perf_counter()
            invoke(cloud, "sql.instances.get", {"project": "acme-prod", "instance": "orders-db"})
            sql_reads.append(time.perf_counter() - t)
        print(f"sql.instances.get round trip (n={n}): {_median_ms(sql_reads)}")
        out = invoke(cloud, "compute.instances.stop", args,
                     request_id=request_id_for("bench", "stop", 1))
        polls = []
        for _ in range(n):
            t = time.perf_counter()
            poll(cloud, out.operation)
            polls.append(time.perf_counter() - t)
        print(f"one operation poll (n={n}): {_median_ms(polls)}")
    finally:
        server.stop()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
