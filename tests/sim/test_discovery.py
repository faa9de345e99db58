"""Every route answers with bodies the official discovery documents accept."""

from __future__ import annotations

import re

import pytest
import requests
from discovery import response_schema, validate
from sim_clients import PROJECT, Clients

from drp_console.sim.api import ROUTES

Z = "europe-west1-b"


def test_validator_catches_bad_bodies() -> None:
    good = {"kind": "compute#operation", "name": "op", "status": "DONE", "progress": 100, "id": "12"}
    assert validate("compute", "Operation", good) == []
    assert validate("compute", "Operation", {**good, "colour": "red"}) == [
        "$.colour: not a field the API defines"]
    assert "expected a string" in validate("compute", "Operation", {**good, "id": 12})[0]
    assert "not one of" in validate("compute", "Operation", {**good, "status": "FINISHED"})[0]
    assert "expected an integer" in validate("compute", "Operation", {**good, "progress": "1"})[0]
    assert "not an int64" in validate("sql", "Settings", {"settingsVersion": "seven"})[0]
    assert response_schema("POST", f"/compute/v1/projects/p/zones/{Z}/instances/x/stop") == (
        "compute", "Operation")
    assert response_schema("GET", "/sql/v1beta4/projects/p/instances/x/backupRuns") == (
        "sql", "BackupRunsListResponse")


def _exercise_every_route(gc: Clients) -> None:
    c, s = gc.g.compute, gc.g.sql
    gc.instances.get(project=PROJECT, zone=Z, instance="web-1")
    gc.instances.list(project=PROJECT, zone=Z)
    for verb in ("stop", "start", "reset"):
        gc.wait_compute(getattr(gc.instances, f"{verb}_unary")(project=PROJECT, zone=Z, instance="web-2"))
    gc.disks.get(project=PROJECT, zone=Z, disk="web-1")
    snap = gc.disks.create_snapshot_unary(project=PROJECT, zone=Z, disk="web-1",
                                          snapshot_resource=c.Snapshot(name="web-1-now"))
    gc.zone_ops.get(project=PROJECT, zone=Z, operation=snap.name)
    gc.wait_compute(snap)
    list(gc.snapshots.list(project=PROJECT))
    gc.snapshots.get(project=PROJECT, snapshot="web-1-now")
    gc.images.get(project=PROJECT, machine_image="web-golden-2026-11")
    gc.wait_compute(gc.disks.insert_unary(project=PROJECT, zone=Z, disk_resource=c.Disk(
        name="restored", source_snapshot="global/snapshots/web-1-now")))
    gc.wait_compute(gc.instances.insert_unary(request=c.InsertInstanceRequest(
        project=PROJECT, zone=Z, source_machine_image="global/machineImages/web-golden-2026-11",
        instance_resource=c.Instance(name="web-9", machine_type="e2-standard-4"))))
    gc.wait_compute(gc.instances.attach_disk_unary(
        project=PROJECT, zone=Z, instance="web-9", attached_disk_resource=c.AttachedDisk(
            source=f"zones/{Z}/disks/restored")))
    gc.wait_compute(gc.instances.delete_unary(project=PROJECT, zone=Z, instance="web-9"))
    gc.igm.get(project=PROJECT, zone="europe-west1-c", instance_group_manager="web-standby-ew1c")
    list(gc.templates.list(project=PROJECT))
    lag = requests.get(f"{gc.endpoint}/v3/projects/{PROJECT}/timeSeries", timeout=5, params={
        "filter": 'metric.type = "cloudsql.googleapis.com/database/replication/replica_lag"',
        "interval.startTime": "2000-01-01T00:00:00Z", "interval.endTime": "2100-01-01T00:00:00Z"})
    assert lag.json()["timeSeries"][0]["points"][0]["value"]["doubleValue"] == 0.5
    gc.templates.get(project=PROJECT, instance_template="web-mig-ew4-template")
    gc.wait_compute(gc.igm.resize_unary(project=PROJECT, zone="europe-west1-c",
                                        instance_group_manager="web-standby-ew1c", size=1))
    op = gc.rigm.resize_unary(project=PROJECT, region="europe-west4",
                              instance_group_manager="web-mig-ew4", size=2)
    gc.region_ops.get(project=PROJECT, region="europe-west4", operation=op.name)
    gc.wait_compute(op)
    gc.rigm.get(project=PROJECT, region="europe-west4", instance_group_manager="web-mig-ew4")
    for call in (gc.global_ops.get, gc.global_ops.wait):
        with pytest.raises(gc.g.exc.NotFound):
            call(project=PROJECT, operation="operation-unknown")

    def sql(method: str, cls: str, **kw):
        return gc.wait_sql(getattr(gc.sql, method)(request=getattr(s, cls)(project=PROJECT, **kw),
                                                   timeout=5))

    gc.sql.list(request=s.SqlInstancesListRequest(project=PROJECT))
    db = gc.sql_get("orders-db")
    runs = gc.backups.list(request=s.SqlBackupRunsListRequest(project=PROJECT, instance="orders-db"))
    gc.backups.get(request=s.SqlBackupRunsGetRequest(project=PROJECT, instance="orders-db",
                                                     id=runs.items[0].id))
    gc.wait_sql(gc.backups.insert(request=s.SqlBackupRunsInsertRequest(
        project=PROJECT, instance="orders-db", body=s.BackupRun())))
    sql("failover", "SqlInstancesFailoverRequest", instance="orders-db",
        body=s.InstancesFailoverRequest(failover_context=s.FailoverContext(
            settings_version=db.settings.settings_version)))
    sql("restart", "SqlInstancesRestartRequest", instance="orders-db")
    sql("restore_backup", "SqlInstancesRestoreBackupRequest", instance="orders-db",
        body=s.InstancesRestoreBackupRequest(restore_backup_context=s.RestoreBackupContext(
            backup_run_id=runs.items[0].id, instance_id="orders-db")))
    sql("clone", "SqlInstancesCloneRequest", instance="orders-db",
        body=s.InstancesCloneRequest(clone_context=s.CloneContext(destination_instance_name="c1")))
    sql("patch", "SqlInstancesPatchRequest", instance="c1", body=s.DatabaseInstance(
        settings=s.Settings(availability_type=s.SqlAvailabilityType.ZONAL)))
    sql("delete", "SqlInstancesDeleteRequest", instance="c1")
    sql("switchover", "SqlInstancesSwitchoverRequest", instance="orders-db-replica-ew4")
    sql("promote_replica", "SqlInstancesPromoteReplicaRequest", instance="orders-db")
    gc.sql_ops.list(request=s.SqlOperationsListRequest(project=PROJECT, instance="orders-db"))


def test_every_route_answers_within_the_discovery_documents(gc: Clients, responses_match_discovery) -> None:
    _exercise_every_route(gc)
    hit = {(r.method, r.pattern.pattern) for method, path, _, _ in responses_match_discovery
           for r in ROUTES if r.method == method and r.pattern.match(path)}
    missing = [f"{r.method} {r.call}" for r in ROUTES if (r.method, r.pattern.pattern) not in hit]
    assert not missing, f"routes never exercised: {missing}"
    ok = [p for m, p, code, _ in responses_match_discovery if code == 200]
    assert len(ok) > 40
    assert any(re.search(r"/operations/[^/]+/wait$", p) for p in ok)
