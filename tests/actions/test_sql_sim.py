"""Every Cloud SQL call of the catalog through `invoke` + `poll` against the real simulator."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drp_console.actions import CloudError, ResourceRef, invoke
from drp_console.gcp.clients import Cloud

P = "acme-prod"


def _get(cloud: Cloud, name: str) -> dict[str, Any]:
    return invoke(cloud, "sql.instances.get", {"project": P, "instance": name}).result


def test_get_and_list_use_rest_names_and_enum_names(cloud: Cloud) -> None:
    db = _get(cloud, "orders-db")
    assert db["state"] == "RUNNABLE"
    assert db["settings"]["availabilityType"] == "REGIONAL"
    assert db["replicaNames"] == ["orders-db-replica-ew4"]
    assert db["gceZone"] == "europe-west1-b"
    listed = invoke(cloud, "sql.instances.list", {"project": P}).result
    assert {"orders-db", "orders-db-replica-ew4", "customers-db"} <= {
        i["name"] for i in listed["items"]}


def test_failover_fills_in_the_settings_version(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.failover", {"project": P, "instance": "orders-db"})
    assert out.operation.service == "sql" and out.operation.scope == "sql"
    assert out.operation.project == P
    done = finish(cloud, out)
    assert done.error is None and done.progress is None
    assert done.result["operationType"] == "FAILOVER"
    assert _get(cloud, "orders-db")["gceZone"] == "europe-west1-c"


def test_promote_replica_makes_a_primary(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.promoteReplica",
                 {"project": P, "instance": "orders-db-replica-ew4", "failover": "false"})
    assert finish(cloud, out).error is None
    promoted = _get(cloud, "orders-db-replica-ew4")
    assert promoted["instanceType"] == "CLOUD_SQL_INSTANCE"
    assert not promoted.get("masterInstanceName")


def test_switchover_runs_to_done(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.switchover",
                 {"project": P, "instance": "orders-db-replica-ew4"})
    done = finish(cloud, out)
    assert done.result["operationType"] == "SWITCHOVER"


def test_restart_429_is_transient_then_succeeds(cloud: Cloud, finish: Callable) -> None:
    args = {"project": P, "instance": "orders-db"}
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.restart", args)
    assert caught.value.http_status == 429 and caught.value.transient is True
    assert finish(cloud, invoke(cloud, "sql.instances.restart", args)).error is None


def test_second_operation_on_a_busy_instance_is_a_permanent_conflict(cloud: Cloud) -> None:
    args = {"project": P, "instance": "customers-db"}
    slow = invoke(cloud, "sql.instances.restart", args)
    assert slow.operation is not None
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.restart", args)
    assert caught.value.http_status == 409
    assert caught.value.transient is False
    assert "wait" in caught.value.hint


def test_restore_backup_reports_the_backup_time_as_restore_point(cloud: Cloud,
                                                                 finish: Callable) -> None:
    runs = invoke(cloud, "sql.backupRuns.list", {"project": P, "instance": "orders-db"})
    items = runs.result["items"]
    assert len(items) >= 3
    starts = [r["startTime"] for r in items]
    assert starts == sorted(starts, reverse=True), "newest first, as the API lists them"
    newest = items[0]
    out = invoke(cloud, "sql.instances.restoreBackup", {
        "project": P, "instance": "orders-db", "backupRunId": str(newest["id"])})
    expected = datetime.fromisoformat(newest["startTime"]).astimezone(UTC)
    assert datetime.fromisoformat(out.restore_point) == expected
    assert out.restore_point.endswith("+00:00")
    assert finish(cloud, out).error is None


def test_restore_of_an_unknown_backup_fails_before_acting(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.restoreBackup",
               {"project": P, "instance": "orders-db", "backupRunId": 42})
    assert caught.value.http_status == 404
    assert "sql.backupRuns.list" in caught.value.hint


def test_clone_to_a_point_in_time(cloud: Cloud, finish: Callable) -> None:
    point = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    out = invoke(cloud, "sql.instances.clone", {
        "project": P, "instance": "orders-db", "destinationInstanceName": "orders-db-pitr",
        "pointInTime": point.isoformat().replace("+00:00", "Z")})
    assert out.restore_point == point.isoformat()
    assert out.created == [ResourceRef("sql.instance", "orders-db-pitr", None)]
    assert finish(cloud, out).error is None
    assert _get(cloud, "orders-db-pitr")["state"] == "RUNNABLE"


def test_clone_with_a_bad_time_is_refused(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.clone", {
            "project": P, "instance": "orders-db", "destinationInstanceName": "x",
            "pointInTime": "yesterday"})
    assert caught.value.code == "invalidArgument"


def test_patch_changes_settings(cloud: Cloud, finish: Callable) -> None:
    out = invoke(cloud, "sql.instances.patch", {
        "project": P, "instance": "orders-db-replica-ew4",
        "settings": {"availabilityType": "REGIONAL", "tier": "db-custom-4-15360"}})
    assert finish(cloud, out).error is None
    settings = _get(cloud, "orders-db-replica-ew4")["settings"]
    assert settings["availabilityType"] == "REGIONAL"
    assert settings["tier"] == "db-custom-4-15360"


def test_delete_and_backup_insert(cloud: Cloud, finish: Callable) -> None:
    backup = invoke(cloud, "sql.backupRuns.insert", {"project": P, "instance": "orders-db"})
    assert finish(cloud, backup).error is None
    runs = invoke(cloud, "sql.backupRuns.list", {"project": P, "instance": "orders-db"})
    assert runs.result["items"][0]["type"] == "ON_DEMAND"
    out = invoke(cloud, "sql.instances.delete", {"project": P, "instance": "customers-db"})
    assert out.deleted == [ResourceRef("sql.instance", "customers-db", None)]
    assert finish(cloud, out).error is None
    with pytest.raises(CloudError) as caught:
        _get(cloud, "customers-db")
    assert caught.value.http_status == 404
    assert "sql.instances.list" in caught.value.hint


def test_patch_sends_empty_lists_as_written(cloud: Cloud, finish: Callable,
                                            sim: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """An empty `authorizedNetworks` must reach the API: proto3 JSON would drop it."""
    sent: list[Any] = []
    session = cloud.session()
    original = session.request

    def spy(method: str, url: str, **kwargs: Any) -> Any:
        sent.append((method, url, kwargs.get("json")))
        return original(method, url, **kwargs)

    monkeypatch.setattr(session, "request", spy)
    out = invoke(cloud, "sql.instances.patch", {
        "project": P, "instance": "customers-db",
        "settings": {"ipConfiguration": {"authorizedNetworks": []}}})
    assert sent == [("PATCH", f"{sim.endpoint}/sql/v1beta4/projects/{P}/instances/customers-db",
                     {"settings": {"ipConfiguration": {"authorizedNetworks": []}}})]
    assert out.result["operationType"] == "UPDATE"
    assert finish(cloud, out).error is None


def test_patch_with_a_misspelt_setting_is_refused_before_sending(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.patch", {"project": P, "instance": "orders-db",
                                              "settings": {"availabiltyType": "REGIONAL"}})
    assert caught.value.code == "invalidArgument"
    assert "availabiltyType" in caught.value.message


def test_patch_errors_map_like_client_errors(cloud: Cloud) -> None:
    with pytest.raises(CloudError) as caught:
        invoke(cloud, "sql.instances.patch", {"project": P, "instance": "nope-db",
                                              "settings": {"tier": "db-custom-2-8192"}})
    assert caught.value.http_status == 404 and caught.value.transient is False
    assert "sql.instances.list" in caught.value.hint
