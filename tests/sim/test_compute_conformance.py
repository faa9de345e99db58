"""Every Compute call of the action catalog, through google-cloud-compute over real HTTP."""

from __future__ import annotations

import uuid

import pytest
from sim_clients import PROJECT, Clients

Z = "europe-west1-b"


def test_get_and_list_instances(gc: Clients) -> None:
    web1 = gc.instances.get(project=PROJECT, zone=Z, instance="web-1")
    assert web1.name == "web-1"
    assert web1.status == "RUNNING"
    assert web1.machine_type.endswith("/zones/europe-west1-b/machineTypes/e2-standard-4")
    assert web1.disks[0].boot and web1.disks[0].source.endswith("/disks/web-1")
    names = [i.name for i in gc.instances.list(project=PROJECT, zone=Z)]
    assert {"web-1", "web-2", "admin-bastion"} <= set(names)
    assert "web-3" not in names
    filtered = [i.name for i in gc.instances.list(
        request=gc.g.compute.ListInstancesRequest(project=PROJECT, zone=Z, filter="name = web-?"))]
    assert filtered == ["web-1", "web-2"]


def test_stop_then_start_polls_to_done_with_effects(slow) -> None:
    sim, gc = slow
    c = gc.g.compute
    op = gc.instances.stop_unary(request=c.StopInstanceRequest(
        project=PROJECT, zone=Z, instance="web-1", request_id=str(uuid.uuid4())))
    assert op.status == c.Operation.Status.RUNNING and op.progress == 0 and op.start_time
    assert gc.instances.get(project=PROJECT, zone=Z, instance="web-1").status == "STOPPING"
    done = gc.wait_compute(op)
    assert done.status == c.Operation.Status.DONE and done.progress == 100
    assert not done.error.errors
    assert gc.instances.get(project=PROJECT, zone=Z, instance="web-1").status == "TERMINATED"
    op = gc.instances.start_unary(project=PROJECT, zone=Z, instance="web-1")
    gc.wait_compute(op)
    assert gc.instances.get(project=PROJECT, zone=Z, instance="web-1").status == "RUNNING"
    op = gc.instances.reset_unary(project=PROJECT, zone=Z, instance="web-1")
    assert gc.wait_compute(op).operation_type == "reset"
    applied = sim.snapshot()["mutations"]["zones/europe-west1-b/instances/web-1"]
    assert [m["method"] for m in applied] == ["compute.instances.stop", "compute.instances.start",
                                              "compute.instances.reset"]


def test_operation_get_by_scope(gc: Clients) -> None:
    op = gc.instances.stop_unary(project=PROJECT, zone=Z, instance="web-2")
    got = gc.zone_ops.get(project=PROJECT, zone=Z, operation=op.name)
    assert got.name == op.name and got.target_link.endswith("/instances/web-2")
    with pytest.raises(gc.g.exc.NotFound):
        gc.zone_ops.get(project=PROJECT, zone="europe-west1-c", operation=op.name)
    with pytest.raises(gc.g.exc.NotFound):
        gc.global_ops.get(project=PROJECT, operation=op.name)
    gc.wait_compute(op)


def test_request_id_dedup_returns_same_operation_and_applies_once(gc: Clients, sim) -> None:
    c = gc.g.compute
    rid = str(uuid.uuid4())
    req = c.StopInstanceRequest(project=PROJECT, zone=Z, instance="web-2", request_id=rid)
    first = gc.instances.stop_unary(request=req)
    again = gc.instances.stop_unary(request=req)
    assert again.name == first.name
    gc.wait_compute(first)
    third = gc.instances.stop_unary(request=req)
    assert third.name == first.name and third.status == c.Operation.Status.DONE
    state = sim.snapshot()
    assert len(state["mutations"]["zones/europe-west1-b/instances/web-2"]) == 1
    assert state["requestIds"][rid] == first.name
    assert state["calls"][f"compute.instances.stop web-2 {rid}"] == 3


def test_insert_from_snapshot_then_attach_and_delete(gc: Clients, sim) -> None:
    c = gc.g.compute
    snaps = [s.name for s in gc.snapshots.list(request=c.ListSnapshotsRequest(
        project=PROJECT, filter="name = web-1-boot-*"))]
    assert len(snaps) == 7
    newest = max(snaps)
    zone = "europe-west1-c"
    inst = c.Instance(
        name="web-1-dr", machine_type="e2-standard-4",
        disks=[c.AttachedDisk(boot=True, auto_delete=True, initialize_params=c.AttachedDiskInitializeParams(
            source_snapshot=f"global/snapshots/{newest}"))])
    op = gc.instances.insert_unary(request=c.InsertInstanceRequest(
        project=PROJECT, zone=zone, instance_resource=inst, request_id=str(uuid.uuid4())))
    assert gc.wait_compute(op).target_link.endswith("/instances/web-1-dr")
    created = gc.instances.get(project=PROJECT, zone=zone, instance="web-1-dr")
    assert created.status == "RUNNING"
    boot = gc.disks.get(project=PROJECT, zone=zone, disk="web-1-dr")
    assert boot.source_snapshot.endswith(newest)
    op = gc.disks.insert_unary(project=PROJECT, zone=zone, disk_resource=c.Disk(
        name="data-1", source_snapshot=f"global/snapshots/{newest}"))
    gc.wait_compute(op)
    op = gc.instances.attach_disk_unary(project=PROJECT, zone=zone, instance="web-1-dr",
                                        attached_disk_resource=c.AttachedDisk(
                                            source=f"zones/{zone}/disks/data-1"))
    gc.wait_compute(op)
    disks = [d.source.rsplit("/", 1)[-1] for d in
             gc.instances.get(project=PROJECT, zone=zone, instance="web-1-dr").disks]
    assert disks == ["web-1-dr", "data-1"]
    op = gc.instances.delete_unary(project=PROJECT, zone=zone, instance="web-1-dr")
    gc.wait_compute(op)
    with pytest.raises(gc.g.exc.NotFound):
        gc.instances.get(project=PROJECT, zone=zone, instance="web-1-dr")
    assert sim.snapshot()["mutations"]["zones/europe-west1-c/instances/web-1-dr"][-1]["method"] \
        == "compute.instances.delete"


def test_insert_from_machine_image(gc: Clients) -> None:
    c = gc.g.compute
    op = gc.instances.insert_unary(request=c.InsertInstanceRequest(
        project=PROJECT, zone="europe-west4-a",
        source_machine_image="global/machineImages/web-golden-2026-11",
        instance_resource=c.Instance(name="web-ew4-1",
                                     machine_type="zones/europe-west4-a/machineTypes/e2-standard-4")))
    gc.wait_compute(op)
    got = gc.instances.get(project=PROJECT, zone="europe-west4-a", instance="web-ew4-1")
    assert got.status == "RUNNING" and got.source_machine_image.endswith("web-golden-2026-11")
    with pytest.raises(gc.g.exc.Conflict):
        gc.instances.insert_unary(request=c.InsertInstanceRequest(
            project=PROJECT, zone="europe-west4-a",
            source_machine_image="global/machineImages/web-golden-2026-11",
            instance_resource=c.Instance(name="web-ew4-1", machine_type="e2-standard-4")))


def test_attach_disk_in_use_needs_force(gc: Clients) -> None:
    c = gc.g.compute
    with pytest.raises(gc.g.exc.BadRequest) as err:
        gc.instances.attach_disk_unary(project=PROJECT, zone=Z, instance="web-2",
                                       attached_disk_resource=c.AttachedDisk(source=f"zones/{Z}/disks/web-1"))
    assert "already being used" in err.value.message
    op = gc.instances.attach_disk_unary(request=c.AttachDiskInstanceRequest(
        project=PROJECT, zone=Z, instance="web-2", force_attach=True,
        attached_disk_resource=c.AttachedDisk(source=f"zones/{Z}/disks/web-1")))
    gc.wait_compute(op)
    assert len(gc.instances.get(project=PROJECT, zone=Z, instance="web-1").disks) == 0


def test_create_snapshot(gc: Clients) -> None:
    op = gc.disks.create_snapshot_unary(project=PROJECT, zone=Z, disk="web-1",
                                        snapshot_resource=gc.g.compute.Snapshot(name="web-1-pre-dr"))
    gc.wait_compute(op)
    snap = gc.snapshots.get(project=PROJECT, snapshot="web-1-pre-dr")
    assert snap.status == "READY" and snap.source_disk.endswith(f"/zones/{Z}/disks/web-1")
    with pytest.raises(gc.g.exc.Conflict):
        gc.disks.create_snapshot_unary(project=PROJECT, zone=Z, disk="web-1",
                                       snapshot_resource=gc.g.compute.Snapshot(name="web-1-pre-dr"))


def test_resize_groups_changes_target_and_members_over_time(gc: Clients, sim) -> None:
    op = gc.rigm.resize_unary(project=PROJECT, region="europe-west4",
                              instance_group_manager="web-mig-ew4", size=3)
    assert op.region.endswith("/regions/europe-west4")
    gc.wait_compute(op)
    group = gc.rigm.get(project=PROJECT, region="europe-west4", instance_group_manager="web-mig-ew4")
    assert group.target_size == 3
    assert group.current_actions.creating + group.current_actions.none == 3
    members = [i for z in ("europe-west4-a", "europe-west4-b", "europe-west4-c")
               for i in gc.instances.list(project=PROJECT, zone=z) if i.name.startswith("web-mig-ew4")]
    assert len(members) == 3
    op = gc.igm.resize_unary(project=PROJECT, zone="europe-west1-c",
                             instance_group_manager="web-standby-ew1c", size=2)
    gc.wait_compute(op)
    assert gc.igm.get(project=PROJECT, zone="europe-west1-c",
                      instance_group_manager="web-standby-ew1c").target_size == 2
    op = gc.rigm.resize_unary(project=PROJECT, region="europe-west1",
                              instance_group_manager="web-mig-ew1", size=1)
    gc.wait_compute(op)
    assert len([i for i in sim.snapshot()["compute"]["instances"]
                if i["name"].startswith("web-mig-ew1-")]) == 1


def test_unknown_resources_are_not_found(gc: Clients) -> None:
    nf = gc.g.exc.NotFound
    with pytest.raises(nf) as err:
        gc.instances.get(project=PROJECT, zone=Z, instance="nope")
    # Real Compute errors carry no google.rpc.ErrorInfo, so the client has no `reason`.
    assert err.value.reason is None and err.value.errors[0]["reason"] == "notFound"
    with pytest.raises(nf):
        gc.instances.stop_unary(project=PROJECT, zone=Z, instance="nope")
    with pytest.raises(nf):
        gc.disks.create_snapshot_unary(project=PROJECT, zone=Z, disk="nope",
                                       snapshot_resource=gc.g.compute.Snapshot(name="x"))
    with pytest.raises(nf):
        gc.rigm.resize_unary(project=PROJECT, region="europe-west4", instance_group_manager="nope", size=1)
    with pytest.raises(nf):
        gc.instances.get(project="other-project", zone=Z, instance="web-1")


def test_conflict_while_an_operation_runs(slow) -> None:
    _, gc = slow
    gc.instances.stop_unary(project=PROJECT, zone=Z, instance="admin-bastion")
    with pytest.raises(gc.g.exc.Conflict):
        gc.instances.start_unary(project=PROJECT, zone=Z, instance="admin-bastion")
