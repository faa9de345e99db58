"""Catalog calls against the project's own scenarios (runbooks/scenarios/), sped up for tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from drp_console.actions import CloudError, invoke, request_id_for
from drp_console.gcp.clients import Cloud

P = "acme-prod"
SCENARIOS = Path(__file__).resolve().parents[2] / "runbooks" / "scenarios"


@pytest.fixture
def world(google_clients: None, request: pytest.FixtureRequest) -> Iterator[tuple[Cloud, Any]]:
    """The scenario named by the test's parameter, at a speed that keeps operations short."""
    from drp_console.sim.scenario import load_scenario
    from drp_console.sim.server import SimServer

    scenario = load_scenario(SCENARIOS / f"{request.param}.yaml")
    server = SimServer(scenario.model_copy(update={"speed": 5000.0}))
    server.start()
    try:
        yield Cloud(server.endpoint, scenario.project), server
    finally:
        server.stop()


def _state(server: Any) -> dict[str, Any]:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{server.endpoint}/_sim/state", timeout=10) as response:
        return json.loads(response.read())


def _sql_sim(server: Any, name: str) -> dict[str, Any]:
    return next(i for i in _state(server)["sql"]["instances"] if i["name"] == name)["simulation"]


@pytest.mark.parametrize("world", ["ew1b-zone-outage"], indirect=True)
def test_zone_outage_then_rebuild_from_the_newest_snapshot(world: tuple[Cloud, Any],
                                                           finish: Callable) -> None:
    cloud, _ = world
    where = {"project": P, "zone": "europe-west1-b", "instance": "web-1"}
    assert invoke(cloud, "compute.instances.get", where).result["status"] != "RUNNING"
    with pytest.raises(CloudError) as down:
        invoke(cloud, "compute.instances.reset", where, request_id=request_id_for("r", "x", 1))
    assert down.value.transient is True and down.value.http_status == 503
    snaps = invoke(cloud, "compute.snapshots.list", {"project": P}).result["items"]
    newest = sorted(s["name"] for s in snaps if s["name"].startswith("web-1-boot-"))[-1]
    args = {"project": P, "zone": "europe-west1-c", "name": "web-1", "machineType": "e2-standard-4",
            "sourceSnapshot": newest}
    first = finish(cloud, invoke(cloud, "compute.instances.insert", args,
                                 request_id=request_id_for("run", "rebuild-web-1", 1)))
    assert first.error is not None and first.error.transient is True
    assert first.error.code == "ZONE_RESOURCE_POOL_EXHAUSTED"
    again = finish(cloud, invoke(cloud, "compute.instances.insert", args,
                                 request_id=request_id_for("run", "rebuild-web-1", 2)))
    assert again.error is None
    vm = invoke(cloud, "compute.instances.get",
                {"project": P, "zone": "europe-west1-c", "instance": "web-1"}).result
    assert vm["status"] == "RUNNING"


@pytest.mark.parametrize("world", ["orders-db-corrupted"], indirect=True)
def test_restore_point_is_the_data_time_the_simulator_restored(world: tuple[Cloud, Any],
                                                               finish: Callable) -> None:
    cloud, server = world
    runs = invoke(cloud, "sql.backupRuns.list", {"project": P, "instance": "orders-db"})
    newest = runs.result["items"][0]
    out = invoke(cloud, "sql.instances.restoreBackup",
                 {"project": P, "instance": "orders-db", "backupRunId": newest["id"]})
    assert finish(cloud, out).error is None
    data_as_of = _sql_sim(server, "orders-db")["dataAsOf"]
    assert datetime.fromisoformat(out.restore_point) == datetime.fromisoformat(data_as_of)
    assert _sql_sim(server, "orders-db")["dataCorrupted"] is False


@pytest.mark.parametrize("world", ["orders-db-corrupted"], indirect=True)
def test_clone_restore_point_is_the_data_time_of_the_clone(world: tuple[Cloud, Any],
                                                           finish: Callable) -> None:
    cloud, server = world
    point = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    out = invoke(cloud, "sql.instances.clone", {
        "project": P, "instance": "orders-db", "destinationInstanceName": "orders-db-pitr",
        "pointInTime": point.isoformat()})
    assert finish(cloud, out).error is None
    clone = _sql_sim(server, "orders-db-pitr")
    assert datetime.fromisoformat(out.restore_point) == datetime.fromisoformat(clone["dataAsOf"])
    assert clone["dataCorrupted"] is False


@pytest.mark.parametrize("world", ["calm"], indirect=True)
def test_drill_clone_restore_and_teardown(world: tuple[Cloud, Any], finish: Callable) -> None:
    cloud, server = world
    clone = invoke(cloud, "sql.instances.clone", {
        "project": P, "instance": "orders-db", "destinationInstanceName": "orders-db-drill"})
    assert clone.restore_point is None
    assert finish(cloud, clone).error is None
    newest = invoke(cloud, "sql.backupRuns.list",
                    {"project": P, "instance": "orders-db"}).result["items"][0]
    restore = invoke(cloud, "sql.instances.restoreBackup", {
        "project": P, "instance": "orders-db-drill", "backupRunId": str(newest["id"]),
        "backupInstance": "orders-db"})
    assert finish(cloud, restore).error is None
    restored = _sql_sim(server, "orders-db-drill")
    assert restored["restoredFrom"] is not None
    assert datetime.fromisoformat(restored["dataAsOf"]) == \
        datetime.fromisoformat(restore.restore_point)
    gone = invoke(cloud, "sql.instances.delete", {"project": P, "instance": "orders-db-drill"})
    assert finish(cloud, gone).error is None
    mig = invoke(cloud, "compute.regionInstanceGroupManagers.resize", {
        "project": P, "region": "europe-west4", "instanceGroupManager": "web-mig-ew4",
        "size": "2"}, request_id=request_id_for("drill", "scale-ew4", 1))
    assert finish(cloud, mig).error is None
