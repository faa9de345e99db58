"""Measure the cost of one round trip through the real Google clients to the simulator."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N = 300


def _measure(label: str, fn, n: int = N) -> None:
    fn()  # warm the connection
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    print(f"{label:<44} median {statistics.median(samples):6.2f} ms   "
          f"p95 {samples[int(n * 0.95)]:6.2f} ms   max {samples[-1]:6.2f} ms   (n={n})")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from drp_console.sim.scenario import load_scenario
    from drp_console.sim.server import SimServer

    t0 = time.perf_counter()
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import compute_v1
    from google.cloud import sqladmin_v1beta4 as sql

    print(f"import google clients: {time.perf_counter() - t0:.2f} s (once per process)")
    scenario = load_scenario(ROOT / "runbooks/scenarios/calm.yaml").model_copy(update={"speed": 1e5})
    with SimServer(scenario) as sim:
        opts = {"api_endpoint": sim.endpoint}
        kw = {"credentials": AnonymousCredentials(), "transport": "rest", "client_options": opts}
        instances = compute_v1.InstancesClient(**kw)
        zone_ops = compute_v1.ZoneOperationsClient(**kw)
        sqli = sql.SqlInstancesServiceClient(**kw)
        P, Z = "acme-prod", "europe-west1-b"
        _measure("compute.instances.get", lambda: instances.get(project=P, zone=Z, instance="web-1"))
        _measure("sql.instances.get", lambda: sqli.get(
            request=sql.SqlInstancesGetRequest(project=P, instance="orders-db"), timeout=5))

        def reset_and_wait() -> None:
            op = instances.reset_unary(project=P, zone=Z, instance="web-1")
            zone_ops.wait(project=P, zone=Z, operation=op.name)

        _measure("compute.instances.reset + operations.wait", reset_and_wait, n=100)
    with SimServer(scenario, state_file=Path("/tmp") / f"bench-world-{time.time_ns()}.json") as sim:
        kw["client_options"] = {"api_endpoint": sim.endpoint}
        instances = compute_v1.InstancesClient(**kw)
        _measure("compute.instances.reset with state file (fsync)",
                 lambda: instances.reset_unary(project=P, zone=Z, instance="web-2"), n=100)
        Path(sim.state_file).unlink(missing_ok=True)
    print("goal: a read round trip costs a few milliseconds, not tens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
