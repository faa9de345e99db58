"""One test per difference issue 12 found between the simulator and recorded Google Cloud."""

from __future__ import annotations

import pytest
import requests
from shapes import is_fingerprint
from sim_clients import PROJECT, Clients, start_sim

Z = "europe-west1-b"


def test_sql_operation_target_id_is_the_bare_name_and_a_clone_names_the_clone(gc: Clients) -> None:
    s = gc.g.sql
    op = gc.sql.restart(request=s.SqlInstancesRestartRequest(project=PROJECT,
                                                             instance="customers-db"))
    assert op.target_id == "customers-db"
    gc.wait_sql(op)
    clone = gc.sql.clone(request=s.SqlInstancesCloneRequest(
        project=PROJECT, instance="orders-db", body=s.InstancesCloneRequest(
            clone_context=s.CloneContext(destination_instance_name="orders-db-copy"))))
    assert clone.target_id == "orders-db-copy" and clone.target_link.endswith("/orders-db-copy")


def test_compute_operations_carry_warnings(gc: Clients) -> None:
    c = gc.g.compute
    snap = next(iter(gc.snapshots.list(project=PROJECT))).name
    op = gc.disks.insert_unary(project=PROJECT, zone=Z, disk_resource=c.Disk(
        name="bigger", size_gb=200, source_snapshot=f"global/snapshots/{snap}"))
    assert [w.code for w in op.warnings] == ["DISK_SIZE_LARGER_THAN_IMAGE_SIZE"]
    assert "200 GB" in op.warnings[0].message


def test_error_bodies_have_code_message_errors_only(sim) -> None:
    body = requests.get(f"{sim.endpoint}/sql/v1beta4/projects/{PROJECT}/instances/nope",
                        timeout=5).json()
    assert set(body["error"]) == {"code", "message", "errors"}


def test_fingerprints_and_etags_are_base64_of_8_bytes(gc: Clients) -> None:
    vm = gc.instances.get(project=PROJECT, zone=Z, instance="web-1")
    igm = gc.rigm.get(project=PROJECT, region="europe-west1", instance_group_manager="web-mig-ew1")
    values = [vm.fingerprint, vm.label_fingerprint, vm.metadata.fingerprint, vm.tags.fingerprint,
              vm.network_interfaces[0].fingerprint, igm.fingerprint, gc.sql_get("orders-db").etag]
    assert all(is_fingerprint(v) for v in values), values
    assert not is_fingerprint("44136fa355b3=") and not is_fingerprint("web-mig-ew4-2=")


def test_fields_a_dr_runbook_reads(gc: Clients) -> None:
    db = gc.sql_get("orders-db")
    assert db.failover_replica.available is True
    assert db.settings.deletion_protection_enabled is False
    backup = db.settings.backup_configuration
    assert backup.transactional_log_storage_state.name == "CLOUD_STORAGE"
    assert backup.replication_log_archiving_enabled is False
    assert backup.transaction_log_retention_days == 7
    assert gc.sql_get("orders-db-replica-ew4").settings.replication_lag_max_seconds == 31536000
    igm = gc.rigm.get(project=PROJECT, region="europe-west1", instance_group_manager="web-mig-ew1")
    assert igm.versions[0].instance_template.endswith("/instanceTemplates/web-mig-ew1-template")
    assert igm.update_policy.minimal_action == "REPLACE"
    assert igm.status.stateful.has_stateful_config is False
    disk = gc.disks.get(project=PROJECT, zone=Z, disk="web-1")
    assert "/images/debian-12" in disk.source_image and disk.last_attach_timestamp


def test_insert_from_a_template_or_machine_image_needs_no_machine_type(gc: Clients) -> None:
    c = gc.g.compute
    op = gc.instances.insert_unary(request=c.InsertInstanceRequest(
        project=PROJECT, zone=Z, instance_resource=c.Instance(name="from-template"),
        source_instance_template="global/instanceTemplates/web-mig-ew4-template"))
    gc.wait_compute(op)
    vm = gc.instances.get(project=PROJECT, zone=Z, instance="from-template")
    assert vm.machine_type.endswith("/machineTypes/e2-standard-4") and vm.status == "RUNNING"
    assert vm.metadata.items[0].key == "instance-template"
    op = gc.instances.insert_unary(request=c.InsertInstanceRequest(
        project=PROJECT, zone=Z, instance_resource=c.Instance(name="from-image"),
        source_machine_image="global/machineImages/web-golden-2026-11"))
    assert not gc.wait_compute(op).error.errors


def test_switchover_names_the_primary_project_qualified(gc: Clients) -> None:
    s = gc.g.sql
    gc.wait_sql(gc.sql.switchover(request=s.SqlInstancesSwitchoverRequest(
        project=PROJECT, instance="orders-db-replica-ew4")))
    assert gc.sql_get("orders-db").master_instance_name == "acme-prod:orders-db-replica-ew4"
    assert list(gc.sql_get("orders-db-replica-ew4").replica_names) == ["orders-db"]
    # and back: the name given is still resolved
    gc.wait_sql(gc.sql.switchover(request=s.SqlInstancesSwitchoverRequest(
        project=PROJECT, instance="orders-db")))
    assert gc.sql_get("orders-db-replica-ew4").master_instance_name == "acme-prod:orders-db"


def test_advanced_dr_needs_an_enterprise_plus_dr_pair(gc: Clients) -> None:
    """Switchover and replica failover are refused unless the replica is the DR replica of an
    Enterprise Plus primary (docs: use-advanced-disaster-recovery), as live."""
    s = gc.g.sql
    assert gc.sql_get("orders-db").replication_cluster.failover_dr_replica_name \
        == "orders-db-replica-ew4"
    assert gc.sql_get("orders-db-replica-ew4").replication_cluster.dr_replica is True
    gc.wait_sql(gc.sql.switchover(request=s.SqlInstancesSwitchoverRequest(
        project=PROJECT, instance="orders-db-replica-ew4")))
    assert gc.sql_get("orders-db-replica-ew4").replication_cluster.failover_dr_replica_name \
        == "orders-db"
    assert gc.sql_get("orders-db").replication_cluster.dr_replica is True


def test_an_enterprise_pair_gets_no_switchover(google, calm) -> None:
    sql = calm.sql.model_copy(update={"instances": [
        i.model_copy(update={"settings": None}) for i in calm.sql.instances]})
    server = start_sim(calm.model_copy(update={"sql": sql}))
    try:
        gc, s = Clients(google, server.endpoint), google.sql
        for call in (lambda: gc.sql.switchover(request=s.SqlInstancesSwitchoverRequest(
                         project=PROJECT, instance="orders-db-replica-ew4")),
                     lambda: gc.sql.promote_replica(request=s.SqlInstancesPromoteReplicaRequest(
                         project=PROJECT, instance="orders-db-replica-ew4", failover=True))):
            with pytest.raises(google.exc.BadRequest, match="Enterprise Plus"):
                call()
        gc.wait_sql(gc.sql.promote_replica(request=s.SqlInstancesPromoteReplicaRequest(
            project=PROJECT, instance="orders-db-replica-ew4")))  # a plain promotion is fine
    finally:
        server.stop()
