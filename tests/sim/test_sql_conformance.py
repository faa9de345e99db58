"""Every Cloud SQL call of the action catalog, through sqladmin_v1beta4 over REST."""

from __future__ import annotations

import datetime as dt

import pytest
from sim_clients import PROJECT, Clients, start_sim

from drp_console.sim.world import parse_time


def _op(gc: Clients, method: str, request_cls: str, **kw):
    return getattr(gc.sql, method)(request=getattr(gc.g.sql, request_cls)(project=PROJECT, **kw),
                                   timeout=5)


def test_get_and_list(gc: Clients) -> None:
    s = gc.g.sql
    db = gc.sql_get("orders-db")
    assert db.state == s.DatabaseInstance.SqlInstanceState.RUNNABLE
    assert db.gce_zone == "europe-west1-b" and db.secondary_gce_zone == "europe-west1-c"
    assert db.settings.availability_type == s.SqlAvailabilityType.REGIONAL
    assert db.settings.settings_version == 7
    assert list(db.replica_names) == ["orders-db-replica-ew4"]
    assert db.settings.backup_configuration.point_in_time_recovery_enabled is True
    replica = gc.sql_get("orders-db-replica-ew4")
    assert replica.master_instance_name == "orders-db"
    assert replica.instance_type == s.SqlInstanceType.READ_REPLICA_INSTANCE
    names = [i.name for i in gc.sql.list(request=s.SqlInstancesListRequest(project=PROJECT)).items]
    assert names == ["customers-db", "orders-db", "orders-db-replica-ew4"]


def test_promote_replica_polls_pending_running_done(gc: Clients, sim) -> None:
    s = gc.g.sql
    op = _op(gc, "promote_replica", "SqlInstancesPromoteReplicaRequest",
             instance="orders-db-replica-ew4", failover=False)
    assert op.operation_type == s.Operation.SqlOperationType.PROMOTE_REPLICA
    done = gc.wait_sql(op)
    assert s.Operation.SqlOperationStatus.RUNNING in gc.last_statuses or len(gc.last_statuses) >= 1
    assert not done.error.errors
    promoted = gc.sql_get("orders-db-replica-ew4")
    assert promoted.instance_type == s.SqlInstanceType.CLOUD_SQL_INSTANCE
    assert promoted.master_instance_name == ""
    assert "orders-db-replica-ew4" not in gc.sql_get("orders-db").replica_names
    listed = gc.sql_ops.list(request=s.SqlOperationsListRequest(
        project=PROJECT, instance="orders-db-replica-ew4"))
    assert [o.name for o in listed.items] == [op.name]
    assert sim.snapshot()["mutations"]["sql/instances/orders-db-replica-ew4"][0]["method"] \
        == "sql.instances.promoteReplica"


def test_failover_swaps_zones_and_checks_settings_version(gc: Clients) -> None:
    s = gc.g.sql
    version = gc.sql_get("orders-db").settings.settings_version
    with pytest.raises(gc.g.exc.PreconditionFailed):
        _op(gc, "failover", "SqlInstancesFailoverRequest", instance="orders-db",
            body=s.InstancesFailoverRequest(failover_context=s.FailoverContext(settings_version=version - 1)))
    op = _op(gc, "failover", "SqlInstancesFailoverRequest", instance="orders-db",
             body=s.InstancesFailoverRequest(failover_context=s.FailoverContext(settings_version=version)))
    gc.wait_sql(op)
    db = gc.sql_get("orders-db")
    assert (db.gce_zone, db.secondary_gce_zone) == ("europe-west1-c", "europe-west1-b")
    with pytest.raises(gc.g.exc.BadRequest):
        _op(gc, "failover", "SqlInstancesFailoverRequest", instance="orders-db-replica-ew4",
            body=s.InstancesFailoverRequest())


def test_switchover_reverses_roles(gc: Clients) -> None:
    gc.wait_sql(_op(gc, "switchover", "SqlInstancesSwitchoverRequest", instance="orders-db-replica-ew4"))
    new, old = gc.sql_get("orders-db-replica-ew4"), gc.sql_get("orders-db")
    # As recorded against Cloud SQL: the demoted primary names its new primary project-qualified.
    assert list(new.replica_names) == ["orders-db"]
    assert old.master_instance_name == "acme-prod:orders-db-replica-ew4"
    assert old.instance_type == gc.g.sql.SqlInstanceType.READ_REPLICA_INSTANCE


def test_restart_and_conflict_while_running(slow) -> None:
    _, gc = slow
    op = _op(gc, "restart", "SqlInstancesRestartRequest", instance="customers-db")
    with pytest.raises(gc.g.exc.Conflict):
        _op(gc, "restart", "SqlInstancesRestartRequest", instance="customers-db")
    gc.wait_sql(op)
    assert gc.sql_get("customers-db").state == gc.g.sql.DatabaseInstance.SqlInstanceState.RUNNABLE


def test_backup_runs_newest_first_get_insert_and_restore(gc: Clients, sim) -> None:
    s = gc.g.sql
    runs = gc.backups.list(request=s.SqlBackupRunsListRequest(project=PROJECT, instance="orders-db")).items
    assert len(runs) == 7
    starts = [r.start_time for r in runs]
    assert starts == sorted(starts, reverse=True)
    assert all(r.status == s.SqlBackupRunStatus.SUCCESSFUL for r in runs)
    one = gc.backups.get(request=s.SqlBackupRunsGetRequest(project=PROJECT, instance="orders-db",
                                                            id=runs[2].id))
    assert one.id == runs[2].id and one.type_ == s.SqlBackupRunType.AUTOMATED
    op = gc.backups.insert(request=s.SqlBackupRunsInsertRequest(
        project=PROJECT, instance="orders-db", body=s.BackupRun(description="before restore")))
    gc.wait_sql(op)
    newest = gc.backups.list(
        request=s.SqlBackupRunsListRequest(project=PROJECT, instance="orders-db")).items[0]
    assert newest.type_ == s.SqlBackupRunType.ON_DEMAND and newest.status == s.SqlBackupRunStatus.SUCCESSFUL
    op = _op(gc, "restore_backup", "SqlInstancesRestoreBackupRequest", instance="orders-db",
             body=s.InstancesRestoreBackupRequest(restore_backup_context=s.RestoreBackupContext(
                 backup_run_id=runs[1].id, instance_id="orders-db", project=PROJECT)))
    assert op.operation_type == s.Operation.SqlOperationType.RESTORE_VOLUME
    gc.wait_sql(op)
    state = {i["name"]: i for i in sim.snapshot()["sql"]["instances"]}["orders-db"]
    assert state["simulation"]["restoredFrom"]["backupRunId"] == str(runs[1].id)
    assert parse_time(state["simulation"]["dataAsOf"]) == runs[1].start_time.timestamp()
    with pytest.raises(gc.g.exc.NotFound):
        _op(gc, "restore_backup", "SqlInstancesRestoreBackupRequest", instance="orders-db",
            body=s.InstancesRestoreBackupRequest(restore_backup_context=s.RestoreBackupContext(
                backup_run_id=12345, instance_id="orders-db", project=PROJECT)))


def test_clone_to_point_in_time_and_window(gc: Clients) -> None:
    s = gc.g.sql
    from google.protobuf import timestamp_pb2

    point = timestamp_pb2.Timestamp()
    point.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))
    op = _op(gc, "clone", "SqlInstancesCloneRequest", instance="orders-db",
             body=s.InstancesCloneRequest(clone_context=s.CloneContext(
                 destination_instance_name="orders-db-pitr", point_in_time=point)))
    gc.wait_sql(op)
    clone = gc.sql_get("orders-db-pitr")
    assert clone.state == s.DatabaseInstance.SqlInstanceState.RUNNABLE and not clone.replica_names
    too_old = timestamp_pb2.Timestamp()
    too_old.FromDatetime(dt.datetime.now(dt.UTC) - dt.timedelta(days=30))
    with pytest.raises(gc.g.exc.BadRequest) as err:
        _op(gc, "clone", "SqlInstancesCloneRequest", instance="orders-db",
            body=s.InstancesCloneRequest(clone_context=s.CloneContext(
                destination_instance_name="orders-db-old", point_in_time=too_old)))
    assert "recovery window" in err.value.message
    with pytest.raises(gc.g.exc.Conflict):
        _op(gc, "clone", "SqlInstancesCloneRequest", instance="orders-db",
            body=s.InstancesCloneRequest(clone_context=s.CloneContext(
                destination_instance_name="orders-db-pitr")))


def test_patch_with_int_enums_and_stale_version(gc: Clients) -> None:
    s = gc.g.sql
    replica = gc.sql_get("orders-db-replica-ew4")
    assert replica.settings.availability_type == s.SqlAvailabilityType.ZONAL
    settings = s.Settings(availability_type=s.SqlAvailabilityType.REGIONAL, tier="db-custom-8-32768",
                          settings_version=replica.settings.settings_version)
    op = _op(gc, "patch", "SqlInstancesPatchRequest", instance="orders-db-replica-ew4",
             body=s.DatabaseInstance(settings=settings))
    gc.wait_sql(op)
    after = gc.sql_get("orders-db-replica-ew4")
    assert after.settings.availability_type == s.SqlAvailabilityType.REGIONAL
    assert after.settings.tier == "db-custom-8-32768" and after.secondary_gce_zone
    assert after.settings.settings_version == replica.settings.settings_version + 1
    with pytest.raises(gc.g.exc.PreconditionFailed):
        _op(gc, "patch", "SqlInstancesPatchRequest", instance="orders-db-replica-ew4",
            body=s.DatabaseInstance(settings=s.Settings(
                tier="db-custom-2-8192", settings_version=replica.settings.settings_version)))


def test_delete_needs_no_replicas(gc: Clients) -> None:
    with pytest.raises(gc.g.exc.BadRequest):
        _op(gc, "delete", "SqlInstancesDeleteRequest", instance="orders-db")
    gc.wait_sql(_op(gc, "delete", "SqlInstancesDeleteRequest", instance="orders-db-replica-ew4"))
    with pytest.raises(gc.g.exc.NotFound):
        gc.sql_get("orders-db-replica-ew4")
    assert list(gc.sql_get("orders-db").replica_names) == []


def test_not_found(gc: Clients) -> None:
    with pytest.raises(gc.g.exc.NotFound) as err:
        gc.sql_get("nope")
    assert err.value.reason is None  # no ErrorInfo in real Cloud SQL error bodies
    assert err.value.errors[0]["reason"] == "instanceDoesNotExist"
    with pytest.raises(gc.g.exc.NotFound):
        gc.sql_ops.get(request=gc.g.sql.SqlOperationsGetRequest(project=PROJECT, operation="nope"))
    with pytest.raises(gc.g.exc.Forbidden):
        gc.sql.get(request=gc.g.sql.SqlInstancesGetRequest(project="other", instance="orders-db"))


def test_operation_error_ends_done_with_error(google, calm) -> None:
    sim = start_sim(calm, faults=[{"call": "sql.instances.promoteReplica",
                                   "operation_error": "INTERNAL_ERROR", "times": 1}])
    try:
        gc = Clients(google, sim.endpoint)
        done = gc.wait_sql(_op(gc, "promote_replica", "SqlInstancesPromoteReplicaRequest",
                               instance="orders-db-replica-ew4"))
        assert done.error.errors[0].code == "INTERNAL_ERROR"
        assert gc.sql_get("orders-db-replica-ew4").master_instance_name == "orders-db"
        again = gc.wait_sql(_op(gc, "promote_replica", "SqlInstancesPromoteReplicaRequest",
                                instance="orders-db-replica-ew4"))
        assert not again.error.errors
        assert gc.sql_get("orders-db-replica-ew4").master_instance_name == ""
    finally:
        sim.stop()
