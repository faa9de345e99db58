"""Every Compute call of the catalog through `invoke` + `poll` against the real simulator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from drp_console.actions import CloudError, OperationRef, ResourceRef, invoke, poll, request_id_for
from drp_console.gcp.clients import Cloud

P, Z = "acme-prod", "europe-west1-b"


def _get(cloud: Cloud, name: str, zone: str = Z) -> dict[str, Any]:
    out = invoke(cloud, "compute.instances.get", {"project": P, "zone": zone, "instance": name})
    assert out.operation is None
    return out.result


def test_get_returns_rest_json_field_names(cloud: Cloud) -> None:
    vm = _get(cloud, "web-1")
    assert vm["name"] == "web-1"
    assert vm["status"] == "RUNNING"
    assert vm["machineType"].endswith("zones/europe-west1-b/machineTypes/e2-standard-4")
    assert vm["networkInterfaces"][0]["network"].endswith("global/networks/default")
    assert isinstance(vm["id"], str)


def test_list_returns_items(cloud: Cloud) -> None:
    out = invoke(cloud, "compute.instances.list", {"project": P, "zone": Z})
    names = {vm["name"] for vm in out.result["items"]}
    assert {"web-1", "web-2", "admin-bastion"} <= names
    assert "web-3" not in names
    snaps = invoke(cloud, "compute.snapshots.list", {"project": P})
    assert "web-1-boot-20261126" in {s["name"] for s in snaps.result["items"]}


def test_stop_is_polled_to_done_and_stops_the_vm(cloud: Cloud, finish: Callable,
                                                 sim_state: Callable) -> None:
    rid = request_id_for("run-1", "stop-web", 1)
    out = invoke(cloud, "compute.instances.stop", {"project": P, "zone": Z, "instance": "web-1"},
                 request_id=rid)
    assert out.operation == OperationRef(out.result["name"], "compute", "zone", Z, P)
    assert out.result["status"] in ("PENDING", "RUNNING", "DONE")
    done = finish(cloud, out)
    assert done.status == "DONE" and done.error is None
    assert done.progress == 100
    assert done.result["operationType"] == "stop"
    assert _get(cloud, "web-1")["status"] == "TERMINATED"
    state = sim_state()
    assert state["requestIds"][rid] == out.operation.name
    assert [m["requestId"] for m in state["mutations"]["zones/europe-west1-b/instances/web-1"]
            if m["method"] == "compute.instances.stop"] == [rid]


def test_same_request_id_is_applied_once(cloud: Cloud, finish: Callable,
                                         sim_state: Callable) -> None:
    rid = request_id_for("run-1", "stop-bastion", 1)
    args = {"project": P, "zone": Z, "instance": "admin-bastion"}
    first = invoke(cloud, "compute.instances.stop", args, request_id=rid)
    finish(cloud, first)
    again = invoke(cloud, "compute.instances.stop", args, request_id=rid)
    assert again.operation.name == first.operation.name
    state = sim_state()
    sent = sum(n for key, n in state["calls"].items() if key.endswith(rid))
    applied = [m for ms in state["mutations"].values() for m in ms if m["requestId"] == rid]
    assert sent == 2, state["calls"]
    assert len(applied) == 1


def test_operation_error_is_transient_and_a_retry_succeeds(cloud: Cloud, finish: Callable) -> None:
    args = {"project": P, "zone": Z, "instance": "web-2"}
    failed = finish(cloud, invoke(cloud, "compute.instances.start", args,
                                  request_id=request_id_for("r", "start", 1)))
    assert failed.error is not None
    assert failed.error.code == "ZONE_RESOURCE_POOL_EXHAUSTED"
    assert failed.error.transient is True
    assert "zone" in failed.error.hint
    assert _get(cloud, "web-2")["status"] == "TERMINATED"
    ok = finish(cloud, invoke(cloud, "compute.instances.start", args,
                              request_id=request_id_for("r", "start", 2)))
    assert ok.error is None
    assert _get(cloud, "web-2")["status"] == "RUNNING"


def test_http_503_is_transient_and_a_retry_succeeds(cloud: Cloud, finish: Callable) -> None:
    args = {"project": P, "zone": Z, "instance": "web-1"}
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "compute.instances.reset", args, request_id=request_id_for("r", "reset", 1))
    assert caught.value.http_status == 503 and caught.value.transient is True
    out = invoke(cloud, "compute.instances.reset", args, request_id=request_id_for("r", "reset", 2))
    assert finish(cloud, out).error is None


def test_missing_vm_is_a_permanent_not_found(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        _get(cloud, "web-404")
    assert caught.value.http_status == 404
    assert caught.value.transient is False
    assert "compute.instances.list" in caught.value.hint


def test_insert_from_snapshot_expands_short_names(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "compute.instances.insert", {
        "project": P, "zone": "europe-west1-c", "name": "web-9", "machineType": "e2-standard-4",
        "sourceSnapshot": "web-1-boot-20261126"}, request_id=request_id_for("r", "insert", 1))
    assert out.created == [ResourceRef("compute.instance", "web-9", "europe-west1-c")]
    assert finish(cloud, out).error is None
    vm = _get(cloud, "web-9", "europe-west1-c")
    assert vm["machineType"].endswith("zones/europe-west1-c/machineTypes/e2-standard-4")
    assert vm["status"] == "RUNNING"


def test_insert_from_machine_image(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "compute.instances.insert", {
        "project": P, "zone": "europe-west4-a", "name": "web-ew4-1", "machineType": "e2-small",
        "sourceMachineImage": "web-golden-2026-11"}, request_id=request_id_for("r", "img", 1))
    assert finish(cloud, out).error is None
    assert _get(cloud, "web-ew4-1", "europe-west4-a")["machineType"].endswith("/e2-small")


def test_delete_removes_the_vm(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "compute.instances.delete",
                 {"project": P, "zone": Z, "instance": "admin-bastion"},
                 request_id=request_id_for("r", "delete", 1))
    assert out.deleted == [ResourceRef("compute.instance", "admin-bastion", Z)]
    assert finish(cloud, out).error is None
    with pytest.raises(CloudError) as caught:
        _get(cloud, "admin-bastion")
    assert caught.value.http_status == 404


def test_attach_disk_by_short_name(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "compute.instances.attachDisk", {
        "project": P, "zone": "europe-west1-c", "instance": "web-3", "source": "data-1",
        "forceAttach": "true"}, request_id=request_id_for("r", "attach", 1))
    assert finish(cloud, out).error is None
    sources = [d["source"] for d in _get(cloud, "web-3", "europe-west1-c")["disks"]]
    assert any(s.endswith("zones/europe-west1-c/disks/data-1") for s in sources)


def test_snapshot_then_disk_from_it(cloud: Cloud, finish: Callable) -> None:
    snap = invoke(cloud, "compute.disks.createSnapshot", {
        "project": P, "zone": Z, "disk": "web-1", "snapshot": "web-1-drill"},
        request_id=request_id_for("r", "snap", 1))
    assert snap.created == [ResourceRef("compute.snapshot", "web-1-drill", "global")]
    assert finish(cloud, snap).error is None
    listed = invoke(cloud, "compute.snapshots.list", {"project": P, "filter": ""})
    assert "web-1-drill" in {s["name"] for s in listed.result["items"]}
    disk = invoke(cloud, "compute.disks.insert", {
        "project": P, "zone": "europe-west4-a", "name": "web-1-restored",
        "sourceSnapshot": "web-1-drill"}, request_id=request_id_for("r", "disk", 1))
    assert disk.created == [ResourceRef("compute.disk", "web-1-restored", "europe-west4-a")]
    assert finish(cloud, disk).error is None


def test_resizes_take_templated_sizes(cloud: Cloud, finish: Callable,
                                      sim_state: Callable) -> None:
    regional = invoke(cloud, "compute.regionInstanceGroupManagers.resize", {
        "project": P, "region": "europe-west4", "instanceGroupManager": "web-mig-ew4",
        "size": "3"}, request_id=request_id_for("r", "mig", 1))
    assert regional.operation.scope == "region"
    assert regional.operation.location == "europe-west4"
    assert finish(cloud, regional).error is None
    zonal = invoke(cloud, "compute.instanceGroupManagers.resize", {
        "project": P, "zone": "europe-west1-c", "instanceGroupManager": "web-standby-ew1c",
        "size": 2}, request_id=request_id_for("r", "zmig", 1))
    assert zonal.operation.scope == "zone"
    assert finish(cloud, zonal).error is None
    groups = sim_state()["compute"]["instanceGroupManagers"]
    sizes = {g["name"]: int(g["targetSize"]) for g in groups}
    assert sizes == {"web-mig-ew4": 3, "web-standby-ew1c": 2}


def test_polling_an_unknown_operation_is_a_permanent_error(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        poll(cloud, OperationRef("operation-missing", "compute", "zone", Z, P))
    assert caught.value.http_status == 404 and caught.value.transient is False
