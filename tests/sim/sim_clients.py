"""The real Google clients against a simulator endpoint, for the conformance tests."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from drp_console.sim.scenario import Fault, Scenario
from drp_console.sim.server import SimServer

ROOT = Path(__file__).resolve().parents[2]
CALM = ROOT / "runbooks" / "scenarios" / "calm.yaml"
PROJECT = "acme-prod"
FAST = 1000.0


class Clients:
    """Every client the catalog needs, built against one simulator endpoint."""

    def __init__(self, g: SimpleNamespace, endpoint: str):
        self.g = g
        self.endpoint = endpoint
        c, s = g.compute, g.sql
        kw: dict[str, Any] = {"credentials": g.creds, "transport": "rest",
                              "client_options": {"api_endpoint": endpoint}}
        self.instances = c.InstancesClient(**kw)
        self.disks = c.DisksClient(**kw)
        self.snapshots = c.SnapshotsClient(**kw)
        self.images = c.MachineImagesClient(**kw)
        self.templates = c.InstanceTemplatesClient(**kw)
        self.igm = c.InstanceGroupManagersClient(**kw)
        self.rigm = c.RegionInstanceGroupManagersClient(**kw)
        self.zone_ops = c.ZoneOperationsClient(**kw)
        self.region_ops = c.RegionOperationsClient(**kw)
        self.global_ops = c.GlobalOperationsClient(**kw)
        self.sql = s.SqlInstancesServiceClient(**kw)
        self.sql_ops = s.SqlOperationsServiceClient(**kw)
        self.backups = s.SqlBackupRunsServiceClient(**kw)

    def wait_compute(self, op: Any, timeout: float = 10.0) -> Any:
        """Poll a Compute operation with `wait` until DONE; the final Operation."""
        done = self.g.compute.Operation.Status.DONE
        deadline = time.monotonic() + timeout
        while op.status != done:
            assert time.monotonic() < deadline, f"operation {op.name} not done in {timeout}s"
            if op.zone:
                op = self.zone_ops.wait(project=PROJECT, zone=op.zone.rsplit("/", 1)[-1],
                                        operation=op.name)
            elif op.region:
                op = self.region_ops.wait(project=PROJECT, region=op.region.rsplit("/", 1)[-1],
                                          operation=op.name)
            else:
                op = self.global_ops.wait(project=PROJECT, operation=op.name)
        return op

    def wait_sql(self, op: Any, timeout: float = 10.0) -> Any:
        """Poll a Cloud SQL operation with `operations.get` until DONE; the final Operation."""
        s = self.g.sql
        seen = [op.status]
        deadline = time.monotonic() + timeout
        while op.status != s.Operation.SqlOperationStatus.DONE:
            assert time.monotonic() < deadline, f"operation {op.name} not done in {timeout}s"
            time.sleep(0.01)
            op = self.sql_ops.get(request=s.SqlOperationsGetRequest(project=PROJECT,
                                                                    operation=op.name), timeout=5)
            seen.append(op.status)
        self.last_statuses = seen
        return op

    def sql_get(self, name: str) -> Any:
        """sql.instances.get."""
        return self.sql.get(request=self.g.sql.SqlInstancesGetRequest(project=PROJECT,
                                                                      instance=name), timeout=5)


def start_sim(scenario: Scenario, speed: float = FAST, faults: list[dict] | None = None,
              state_file: Path | None = None) -> SimServer:
    """A started simulator on the scenario, sped up, with extra faults."""
    update: dict[str, Any] = {"speed": speed}
    if faults is not None:
        update["faults"] = [Fault.model_validate(f) for f in faults]
    sim = SimServer(scenario.model_copy(update=update), state_file=state_file)
    sim.start()
    return sim
