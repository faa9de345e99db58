"""The advanced-DR calls of issue 12 through the real client libraries over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from drp_console.actions import CloudError, invoke
from drp_console.gcp.clients import Cloud

P = "acme-prod"


def test_instance_templates_and_regional_group_can_be_read(cloud: Cloud) -> None:
    listed = invoke(cloud, "compute.instanceTemplates.list", {"project": P}).result
    names = [t["name"] for t in listed["items"]]
    assert "web-mig-ew4-template" in names
    template = invoke(cloud, "compute.instanceTemplates.get",
                      {"project": P, "instanceTemplate": "web-mig-ew4-template"}).result
    assert template["properties"]["machineType"] == "e2-standard-4"
    group = invoke(cloud, "compute.regionInstanceGroupManagers.get",
                   {"project": P, "region": "europe-west4",
                    "instanceGroupManager": "web-mig-ew4"}).result
    assert group["targetSize"] == 0 and group["versions"][0]["instanceTemplate"].endswith(
        "/web-mig-ew4-template")


def test_insert_from_a_template(cloud: Cloud, finish: Callable, sim_state: Callable) -> None:
    out = invoke(cloud, "compute.instances.insert",
                 {"project": P, "zone": "europe-west1-b", "name": "web-from-tpl",
                  "sourceInstanceTemplate": "web-mig-ew4-template"}, request_id="rid-tpl-1")
    assert out.result["status"] == "RUNNING" and out.result["progress"] == 0
    assert finish(cloud, out).error is None
    vm = invoke(cloud, "compute.instances.get",
                {"project": P, "zone": "europe-west1-b", "instance": "web-from-tpl"}).result
    assert vm["status"] == "RUNNING" and vm["machineType"].endswith("/e2-standard-4")
    with pytest.raises(CloudError, match="needs machineType"):
        invoke(cloud, "compute.instances.insert",
               {"project": P, "zone": "europe-west1-b", "name": "x",
                "sourceSnapshot": "web-1-boot-20261126"})


def test_replica_lag_is_read_from_monitoring(cloud: Cloud) -> None:
    lag = invoke(cloud, "monitoring.timeSeries.list",
                 {"project": P, "instance": "orders-db-replica-ew4"}).result
    assert lag["lagSeconds"] == pytest.approx(0.5) and lag["at"]
    assert lag["timeSeries"][0]["metric"]["type"].endswith("/replication/replica_lag")
    primary = invoke(cloud, "monitoring.timeSeries.list", {"project": P, "instance": "orders-db"})
    assert primary.result["lagSeconds"] is None


def test_promotion_records_the_data_point_from_the_lag(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.promoteReplica",
                 {"project": P, "instance": "orders-db-replica-ew4", "failover": True})
    point: Any = out.restore_point
    assert point["kind"] == "replica_lag" and point["lag_seconds"] == pytest.approx(0.5)
    measured, at = datetime.fromisoformat(point["measured_at"]), datetime.fromisoformat(point["at"])
    assert (measured - at).total_seconds() == pytest.approx(0.5)
    assert finish(cloud, out).error is None


def test_switchover_and_replica_failover_reverse_roles(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.switchover", {"project": P, "instance": "orders-db-replica-ew4"})
    assert out.result["operationType"] == "SWITCHOVER" and out.result["targetId"] == "orders-db-replica-ew4"
    finish(cloud, out)
    old = invoke(cloud, "sql.instances.get", {"project": P, "instance": "orders-db"}).result
    assert old["masterInstanceName"] == "acme-prod:orders-db-replica-ew4"
    out = invoke(cloud, "sql.instances.promoteReplica",
                 {"project": P, "instance": "orders-db", "failover": True})
    finish(cloud, out)
    back = invoke(cloud, "sql.instances.get", {"project": P, "instance": "orders-db"}).result
    assert back["instanceType"] == "CLOUD_SQL_INSTANCE"
    demoted = invoke(cloud, "sql.instances.get",
                     {"project": P, "instance": "orders-db-replica-ew4"}).result
    assert demoted["masterInstanceName"] == "acme-prod:orders-db"
    assert back["replicaNames"] == ["orders-db-replica-ew4"]


def test_errors_map_without_status_or_details(cloud: Cloud) -> None:
    """Real error bodies carry only code, message and errors[]: the mapping needs nothing more."""
    with pytest.raises(CloudError) as sql:
        invoke(cloud, "sql.instances.get", {"project": P, "instance": "nope"})
    assert (sql.value.code, sql.value.http_status, sql.value.transient) == (
        "instanceDoesNotExist", 404, False)
    assert "sql.instances.list" in sql.value.hint
    with pytest.raises(CloudError) as compute:
        invoke(cloud, "compute.instanceTemplates.get", {"project": P, "instanceTemplate": "nope"})
    assert (compute.value.code, compute.value.http_status) == ("notFound", 404)
    assert "was not found" in compute.value.message
