"""Adapters for the Cloud SQL calls of the catalog, over `sqladmin_v1beta4` REST clients.

The v1beta4 client takes `request=` objects only and has no requestId: a Cloud SQL call that may
have acted is never re-sent blindly (the engine marks it UNKNOWN on resume).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from drp_console.actions.outcome import CallOutcome, OperationRef
from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import from_exception, invalid_argument
from drp_console.gcp.messages import list_result, to_rest
from drp_console.gcp.rest import request_json

Adapter = Callable[[Cloud, dict[str, Any], "str | None"], CallOutcome]


def _sql() -> Any:
    from google.cloud import sqladmin_v1beta4

    return sqladmin_v1beta4


def _opts(cloud: Cloud) -> dict[str, Any]:
    return {"timeout": cloud.timeout, "retry": None}


def _submitted(op: Any, project: str, restore_point: str | None = None) -> CallOutcome:
    result = to_rest(op)
    ref = OperationRef(result["name"], "sql", "sql", None, result.get("targetProject") or project)
    return CallOutcome(result=result, operation=ref, restore_point=restore_point)


def utc_iso(text: str) -> str:
    """An RFC 3339 time as ISO-8601 UTC with offset (`2026-11-26T02:00:00+00:00`)."""
    moment = datetime.fromisoformat(text.strip().replace("z", "Z"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def instances_get(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    req = s.SqlInstancesGetRequest(project=a["project"], instance=a["instance"])
    return CallOutcome(result=to_rest(cloud.client("sql_instances").get(request=req,
                                                                        **_opts(cloud))))


def instances_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    req = _sql().SqlInstancesListRequest(project=a["project"])
    return CallOutcome(result=list_result(cloud.client("sql_instances").list(request=req,
                                                                             **_opts(cloud))))


def instances_failover(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    client = cloud.client("sql_instances")
    current = client.get(request=s.SqlInstancesGetRequest(project=a["project"],
                                                          instance=a["instance"]),
                         **_opts(cloud))
    context = s.FailoverContext(settings_version=current.settings.settings_version)
    req = s.SqlInstancesFailoverRequest(
        project=a["project"], instance=a["instance"],
        body=s.InstancesFailoverRequest(failover_context=context))
    return _submitted(client.failover(request=req, **_opts(cloud)), a["project"])


def promotion_point(cloud: Cloud, project: str, instance: str) -> dict[str, Any] | None:
    """What a promotion keeps: the replica's data as of (newest lag point - its lag).

    Read from Cloud Monitoring just before the promotion; None when there is no point or the
    read fails (no monitoring.viewer role, say): the report then says the RPO was not measured,
    and the promotion goes ahead regardless."""
    from drp_console.actions.monitoring_calls import replica_lag

    try:
        lag = replica_lag(cloud, project, instance)
    except Exception:  # noqa: BLE001 - a measurement must never stop a failover
        return None
    if lag["lagSeconds"] is None or lag["at"] is None:
        return None
    at = datetime.fromisoformat(utc_iso(lag["at"])) - timedelta(seconds=lag["lagSeconds"])
    return {"at": at.isoformat(), "kind": "replica_lag", "lag_seconds": lag["lagSeconds"],
            "measured_at": utc_iso(lag["at"])}


def instances_promote_replica(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    point = promotion_point(cloud, a["project"], a["instance"])
    req = s.SqlInstancesPromoteReplicaRequest(project=a["project"], instance=a["instance"])
    if a.get("failover") is not None:
        req.failover = a["failover"]
    op = cloud.client("sql_instances").promote_replica(request=req, **_opts(cloud))
    result = to_rest(op)
    ref = OperationRef(result["name"], "sql", "sql", None, result.get("targetProject")
                       or a["project"])
    return CallOutcome(result=result, operation=ref, restore_point=point)


def instances_switchover(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    """A planned switchover loses nothing: Cloud SQL applies every change to the replica before
    the roles reverse, so the data kept is the primary's as of the switchover."""
    s = _sql()
    req = s.SqlInstancesSwitchoverRequest(project=a["project"], instance=a["instance"])
    op = cloud.client("sql_instances").switchover(request=req, **_opts(cloud))
    result = to_rest(op)
    ref = OperationRef(result["name"], "sql", "sql", None, result.get("targetProject")
                       or a["project"])
    point = {"at": datetime.now(UTC).isoformat(), "kind": "switchover"}
    return CallOutcome(result=result, operation=ref, restore_point=point)


def instances_restart(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    req = s.SqlInstancesRestartRequest(project=a["project"], instance=a["instance"])
    op = cloud.client("sql_instances").restart(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def backup_run_time(run: dict[str, Any]) -> str | None:
    """The time a backup run's data is from.

    Cloud SQL backups are disk snapshots taken as the run starts, so `startTime` is the point the
    data is from; `windowStartTime` and `endTime` stand in when it is missing. The earliest known
    time is the honest one for the RPO: the report never claims fresher data than was restored.
    """
    for key in ("startTime", "windowStartTime", "endTime"):
        if run.get(key):
            return utc_iso(run[key])
    return None


def _backup_run(cloud: Cloud, project: str, instance: str, run_id: int) -> dict[str, Any]:
    s = _sql()
    req = s.SqlBackupRunsGetRequest(project=project, instance=instance, id=run_id)
    try:
        run = cloud.client("sql_backup_runs").get(request=req, **_opts(cloud))
    except Exception as exc:  # noqa: BLE001 - mapped, with a hint naming the listing call
        error = from_exception(exc, call="sql.backupRuns.get", endpoint=cloud.describe())
        if error.http_status == 404:
            error.hint = (f"backup run {run_id} of {instance} was not found: list the backup "
                          "runs with sql.backupRuns.list and use an `id` from there.")
        raise error from exc
    data = to_rest(run)
    if data.get("status") not in (None, "SUCCESSFUL"):
        raise invalid_argument(
            f"backup run {run_id} of {instance} is {data.get('status')}, not SUCCESSFUL",
            "pick a successful backup run from sql.backupRuns.list.")
    return data


def instances_restore_backup(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    source = a.get("backupInstance") or a["instance"]
    run = _backup_run(cloud, a["project"], source, a["backupRunId"])
    context = s.RestoreBackupContext(backup_run_id=a["backupRunId"], instance_id=source,
                                     project=a["project"])
    req = s.SqlInstancesRestoreBackupRequest(
        project=a["project"], instance=a["instance"],
        body=s.InstancesRestoreBackupRequest(restore_backup_context=context))
    op = cloud.client("sql_instances").restore_backup(request=req, **_opts(cloud))
    return _submitted(op, a["project"], restore_point=backup_run_time(run))


def instances_clone(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    context = s.CloneContext(destination_instance_name=a["destinationInstanceName"])
    point = None
    if a.get("pointInTime"):
        try:
            point = utc_iso(a["pointInTime"])
        except ValueError as exc:
            raise invalid_argument(
                f"sql.instances.clone: pointInTime {a['pointInTime']!r} is not an RFC 3339 time",
                "write it like 2026-11-27T01:30:00Z.") from exc
        context.point_in_time = datetime.fromisoformat(point)
    req = s.SqlInstancesCloneRequest(project=a["project"], instance=a["instance"],
                                     body=s.InstancesCloneRequest(clone_context=context))
    op = cloud.client("sql_instances").clone(request=req, **_opts(cloud))
    return _submitted(op, a["project"], restore_point=point)


def instances_patch(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    body = {"settings": a["settings"]}
    try:
        s.DatabaseInstance.from_json(json.dumps(body))
    except Exception as exc:  # noqa: BLE001 - protobuf's ParseError names the bad field
        raise invalid_argument(
            f"sql.instances.patch: settings are not valid Cloud SQL settings: {exc}",
            "use the REST field names of DatabaseInstance.settings (tier, "
            "availabilityType, backupConfiguration, ipConfiguration, ...).") from exc
    # Sent as written, not through the client: see drp_console/gcp/rest.py (empty lists).
    path = f"/sql/v1beta4/projects/{quote(a['project'])}/instances/{quote(a['instance'])}"
    text = request_json(cloud, "sql", "PATCH", path, body)
    op = s.Operation.from_json(text, ignore_unknown_fields=True)
    return _submitted(op, a["project"])


def instances_delete(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    req = s.SqlInstancesDeleteRequest(project=a["project"], instance=a["instance"])
    op = cloud.client("sql_instances").delete(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def backup_runs_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    req = _sql().SqlBackupRunsListRequest(project=a["project"], instance=a["instance"])
    return CallOutcome(result=list_result(cloud.client("sql_backup_runs").list(request=req,
                                                                               **_opts(cloud))))


def backup_runs_insert(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    s = _sql()
    req = s.SqlBackupRunsInsertRequest(project=a["project"], instance=a["instance"],
                                       body=s.BackupRun(instance=a["instance"]))
    op = cloud.client("sql_backup_runs").insert(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


SQL_ADAPTERS: dict[str, Adapter] = {
    "sql.instances.get": instances_get,
    "sql.instances.list": instances_list,
    "sql.instances.failover": instances_failover,
    "sql.instances.promoteReplica": instances_promote_replica,
    "sql.instances.switchover": instances_switchover,
    "sql.instances.restart": instances_restart,
    "sql.instances.restoreBackup": instances_restore_backup,
    "sql.instances.clone": instances_clone,
    "sql.instances.patch": instances_patch,
    "sql.instances.delete": instances_delete,
    "sql.backupRuns.list": backup_runs_list,
    "sql.backupRuns.insert": backup_runs_insert,
}
"""Catalog call name -> adapter, for every `sql.*` call."""
