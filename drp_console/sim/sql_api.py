"""Cloud SQL Admin v1beta4 handlers: instances, backup runs, operations."""

from __future__ import annotations

from typing import Any

from drp_console.sim import operations as ops
from drp_console.sim.api import Request, enum, int64, route
from drp_console.sim.errors import ApiError, bad_request, busy, zone_unavailable
from drp_console.sim.faults import operation_faults
from drp_console.sim.world import World, master_of, parse_time, public, rfc3339

P = "/sql/v1beta4/projects/{project}"

# Enums the SQL client sends as proto numbers ($alt=json;enum-encoding=int).
ENUMS: dict[str, dict[int, str]] = {
    "availabilityType": {0: "SQL_AVAILABILITY_TYPE_UNSPECIFIED", 1: "ZONAL", 2: "REGIONAL"},
    "activationPolicy": {0: "SQL_ACTIVATION_POLICY_UNSPECIFIED", 1: "ALWAYS", 2: "NEVER",
                         3: "ON_DEMAND"},
    "dataDiskType": {0: "SQL_DATA_DISK_TYPE_UNSPECIFIED", 1: "PD_SSD", 2: "PD_HDD",
                     3: "OBSOLETE_LOCAL_SSD", 4: "HYPERDISK_BALANCED"},
    "edition": {0: "EDITION_UNSPECIFIED", 2: "ENTERPRISE", 3: "ENTERPRISE_PLUS", 5: "DEVELOPER"},
    "pricingPlan": {0: "SQL_PRICING_PLAN_UNSPECIFIED", 1: "PACKAGE", 2: "PER_USE"},
    "type": {0: "SQL_BACKUP_RUN_TYPE_UNSPECIFIED", 1: "AUTOMATED", 2: "ON_DEMAND"},
}
PATCHABLE = {"tier": str, "availabilityType": "enum", "activationPolicy": "enum",
             "dataDiskSizeGb": "int64", "edition": "enum", "deletionProtectionEnabled": bool,
             "userLabels": dict, "storageAutoResize": bool}
IP_PATCHABLE = {"authorizedNetworks": list, "ipv4Enabled": bool}
BACKUP_PATCHABLE = {"enabled": bool, "startTime": str, "pointInTimeRecoveryEnabled": bool,
                    "transactionLogRetentionDays": int}


def instance_view(w: World, inst: dict[str, Any], now: float) -> dict[str, Any]:
    """A DatabaseInstance as the API shows it now (an outage makes it FAILED)."""
    view = public(inst)
    view["replicaNames"] = list(inst["replicaNames"])
    if not view["replicaNames"]:
        del view["replicaNames"]
    if w.outage(now, zone=inst["gceZone"]) and inst["state"] in ("RUNNABLE", "MAINTENANCE"):
        view["state"] = "FAILED"
    return view


def _instance(req: Request, project: str, name: str) -> dict[str, Any]:
    req.world.check_project(project, "sql")
    return req.world.get("sql", name, name)


def _backup_window_start(w: World, name: str) -> float | None:
    runs = [r for r in w.data["backupRuns"].get(name, []) if r["status"] == "SUCCESSFUL"]
    return min((parse_time(r["startTime"]) for r in runs), default=None)


def submit(req: Request, inst: dict[str, Any], params: dict[str, Any],
           allow_outage: bool = False, target_name: str | None = None) -> dict[str, Any]:
    """Check the instance can take an operation now, apply faults, and start it.

    The operation's `targetId` is the bare name of the instance it acts on, or of the one it
    creates (`target_name`: a clone's destination), as real Cloud SQL operations name it."""
    w, now, name = req.world, req.now, inst["name"]
    down = w.outage(now, zone=inst["gceZone"])
    if down and not allow_outage:
        raise zone_unavailable(down)
    if inst["state"] == "PENDING_DELETE" or ops.running_on(w, f"sql/instances/{name}", now):
        raise busy(name)
    faults = operation_faults(w, req.call, name, now)
    op = ops.submit(w, req.call, target=f"sql/instances/{name}",
                    target_link=w.sql_url(target_name or name), target_id=target_name or name,
                    scope="sql", location=None, params=params, now=now,
                    extra_latency=faults.extra_latency, error=faults.operation_error)
    return ops.sql_view(w, op, now)


# ----- instances --------------------------------------------------------------------------
@route("GET", P + "/instances/{instance}", "sql.instances.get")
def get_instance(req: Request, project: str, instance: str) -> dict[str, Any]:
    return instance_view(req.world, _instance(req, project, instance), req.now)


@route("GET", P + "/instances", "sql.instances.list")
def list_instances(req: Request, project: str) -> dict[str, Any]:
    req.world.check_project(project, "sql")
    items = [instance_view(req.world, i, req.now) for _, i in sorted(req.world.data["sql"].items())]
    return {"kind": "sql#instancesList", "items": items}


@route("POST", P + "/instances/{instance}/failover", "sql.instances.failover", mutating=True)
def failover(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    if inst["settings"]["availabilityType"] != "REGIONAL" or "secondaryGceZone" not in inst:
        raise bad_request(f"The instance {instance} is not configured for high availability "
                          "(availabilityType REGIONAL): it has no standby to fail over to.",
                          "notHighAvailability")
    given = (req.body.get("failoverContext") or {}).get("settingsVersion")
    if given is not None and int64(given, "settingsVersion") != int(inst["settings"]["settingsVersion"]):
        raise ApiError(412, f"Settings version {given} is stale: the instance is at "
                            f"{inst['settings']['settingsVersion']}. Read it again.",
                       "staleData")
    if req.world.outage(req.now, zone=inst["secondaryGceZone"]):
        raise zone_unavailable(inst["secondaryGceZone"])
    return submit(req, inst, {}, allow_outage=True)


@route("POST", P + "/instances/{instance}/promoteReplica", "sql.instances.promoteReplica",
       mutating=True)
def promote_replica(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    if inst["instanceType"] != "READ_REPLICA_INSTANCE":
        raise bad_request(f"The instance {instance} is not a read replica.", "notAReplica")
    if req.flag("failover"):  # replica failover: advanced DR
        _need_dr_replica(inst, req.world.data["sql"].get(master_of(inst) or ""), "replica failover")
    return submit(req, inst, {"failover": req.flag("failover")})


@route("POST", P + "/instances/{instance}/switchover", "sql.instances.switchover", mutating=True)
def switchover(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    if inst["instanceType"] != "READ_REPLICA_INSTANCE" or not inst.get("masterInstanceName"):
        raise bad_request(f"The instance {instance} is not a replica: switchover needs a DR "
                          "replica.", "notAReplica")
    master = req.world.data["sql"].get(master_of(inst) or "")
    _need_dr_replica(inst, master, "switchover")
    if master is not None and req.world.outage(req.now, zone=master["gceZone"]):
        raise zone_unavailable(master["gceZone"])
    return submit(req, inst, {"old_primary": master_of(inst)})


def _need_dr_replica(inst: dict[str, Any], master: dict[str, Any] | None, what: str) -> None:
    """400 unless `inst` is the designated DR replica of an Enterprise Plus primary."""
    if master is None or master["settings"].get("edition") != "ENTERPRISE_PLUS":
        raise bad_request(f"A {what} needs a Cloud SQL Enterprise Plus primary: "
                          f"{master_of(inst)} is not one.", "invalidRequest")
    if (master.get("replicationCluster") or {}).get("failoverDrReplicaName") != inst["name"]:
        raise bad_request(f"The instance {inst['name']} is not the DR replica of "
                          f"{master['name']}: designate it with "
                          "replicationCluster.failoverDrReplicaName first.", "invalidRequest")


@route("POST", P + "/instances/{instance}/restart", "sql.instances.restart", mutating=True)
def restart(req: Request, project: str, instance: str) -> dict[str, Any]:
    return submit(req, _instance(req, project, instance), {})


@route("POST", P + "/instances/{instance}/restoreBackup", "sql.instances.restoreBackup",
       mutating=True)
def restore_backup(req: Request, project: str, instance: str) -> dict[str, Any]:
    w = req.world
    inst = _instance(req, project, instance)
    ctx = req.body.get("restoreBackupContext") or {}
    if ctx.get("backupRunId") in (None, "", "0", 0):
        raise bad_request("restoreBackupContext.backupRunId is required.")
    run_id = str(int64(ctx["backupRunId"], "backupRunId"))
    source = ctx.get("instanceId") or instance
    if source not in w.data["sql"] and source not in w.data["backupRuns"]:
        raise ApiError(404, f"The Cloud SQL instance does not exist: {source}", "instanceDoesNotExist")
    run = next((r for r in w.data["backupRuns"].get(source, []) if r["id"] == run_id), None)
    if run is None or run["status"] != "SUCCESSFUL":
        raise ApiError(404, f"The backup run {run_id} of instance {source} does not exist or did "
                            "not succeed.", "backupRunNotFound")
    if inst["instanceType"] == "READ_REPLICA_INSTANCE":
        raise bad_request(f"Cannot restore a backup over the read replica {instance}.",
                          "invalidOperation")
    return submit(req, inst, {"backup_run": run_id, "source": source,
                              "data_as_of": run["startTime"]})


@route("POST", P + "/instances/{instance}/clone", "sql.instances.clone", mutating=True)
def clone(req: Request, project: str, instance: str) -> dict[str, Any]:
    w = req.world
    inst = _instance(req, project, instance)
    ctx = req.body.get("cloneContext") or {}
    dest = ctx.get("destinationInstanceName")
    if not dest:
        raise bad_request("cloneContext.destinationInstanceName is required.")
    if dest in w.data["sql"]:
        raise ApiError(409, f"The Cloud SQL instance already exists: {dest}", "instanceAlreadyExists")
    point = ctx.get("pointInTime")
    if point:
        try:
            at = parse_time(point)
        except ValueError:
            raise bad_request(f"cloneContext.pointInTime {point!r} is not an RFC 3339 time.") from None
        oldest = _backup_window_start(w, instance)
        if not inst["settings"]["backupConfiguration"].get("pointInTimeRecoveryEnabled"):
            raise bad_request(f"Point-in-time recovery is not enabled on {instance}.",
                              "pointInTimeRecoveryDisabled")
        if oldest is None or at < oldest or at > req.now:
            window = f"{rfc3339(oldest)} to now" if oldest else "empty"
            raise bad_request(f"pointInTime {point} is outside the recovery window of {instance} "
                              f"({window}).", "invalidPointInTime")
    else:
        at = req.now
    return submit(req, inst, {"destination": dest, "data_as_of": rfc3339(at)}, target_name=dest)


@route("PATCH", P + "/instances/{instance}", "sql.instances.patch", mutating=True)
def patch(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    settings = req.body.get("settings") or {}
    given = settings.get("settingsVersion")
    current = int(inst["settings"]["settingsVersion"])
    if given not in (None, "", "0", 0) and int64(given, "settingsVersion") != current:
        raise ApiError(412, f"Settings version {given} is stale: the instance is at {current}. "
                            "Read it again.", "staleData")
    changes: dict[str, Any] = {}
    for key, kind in PATCHABLE.items():
        if key in settings:
            value = settings[key]
            changes[key] = (enum(value, ENUMS[key], key) if kind == "enum"
                            else str(int64(value, key)) if kind == "int64" else value)
    backup = settings.get("backupConfiguration") or {}
    changes["backupConfiguration"] = {k: v for k, v in backup.items() if k in BACKUP_PATCHABLE}
    ip = settings.get("ipConfiguration") or {}
    changes["ipConfiguration"] = {k: v for k, v in ip.items() if k in IP_PATCHABLE}
    for acl in changes["ipConfiguration"].get("authorizedNetworks", []):
        if not isinstance(acl, dict) or not isinstance(acl.get("value"), str):
            raise bad_request("ipConfiguration.authorizedNetworks[] needs a `value` (a CIDR range).")
        acl["kind"] = "sql#aclEntry"
    for key in ("availabilityType", "activationPolicy", "edition"):
        if str(changes.get(key, "")).endswith("UNSPECIFIED"):
            del changes[key]
    return submit(req, inst, {"changes": changes})


@route("DELETE", P + "/instances/{instance}", "sql.instances.delete", mutating=True)
def delete(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    if inst["replicaNames"]:
        raise bad_request(f"The instance {instance} has replicas ({', '.join(inst['replicaNames'])})"
                          ": delete or promote them first.", "instanceHasReplicas")
    if inst["settings"].get("deletionProtectionEnabled"):
        raise bad_request(f"Deletion protection is on for {instance}.", "deletionProtected")
    return submit(req, inst, {}, allow_outage=True)


# ----- backup runs ------------------------------------------------------------------------
@route("GET", P + "/instances/{instance}/backupRuns", "sql.backupRuns.list")
def list_backup_runs(req: Request, project: str, instance: str) -> dict[str, Any]:
    _instance(req, project, instance)
    runs = sorted(req.world.data["backupRuns"].get(instance, []),
                  key=lambda r: r["enqueuedTime"], reverse=True)
    return {"kind": "sql#backupRunsList", "items": [public(r) for r in runs]}


@route("GET", P + "/instances/{instance}/backupRuns/{id}", "sql.backupRuns.get")
def get_backup_run(req: Request, project: str, instance: str, id: str) -> dict[str, Any]:
    _instance(req, project, instance)
    for run in req.world.data["backupRuns"].get(instance, []):
        if run["id"] == id:
            return public(run)
    raise ApiError(404, f"The backup run {id} of instance {instance} does not exist.",
                   "backupRunNotFound")


@route("POST", P + "/instances/{instance}/backupRuns", "sql.backupRuns.insert", mutating=True)
def insert_backup_run(req: Request, project: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, instance)
    if inst["instanceType"] == "READ_REPLICA_INSTANCE":
        raise bad_request(f"Backups are not supported for the read replica {instance}.",
                          "invalidOperation")
    return submit(req, inst, {"backup_id": str(int(req.now * 1000)),
                              "description": req.body.get("description")})


# ----- operations -------------------------------------------------------------------------
@route("GET", P + "/operations/{operation}", "sql.operations.get")
def get_operation(req: Request, project: str, operation: str) -> dict[str, Any]:
    req.world.check_project(project, "sql")
    op = req.world.data["operations"].get(operation)
    if op is None or op["service"] != "sql":
        raise ApiError(404, f"The operation {operation} does not exist.", "operationDoesNotExist")
    return ops.sql_view(req.world, op, req.now)


@route("GET", P + "/operations", "sql.operations.list")
def list_operations(req: Request, project: str) -> dict[str, Any]:
    req.world.check_project(project, "sql")
    wanted = req.query.get("instance")
    found = [o for o in req.world.data["operations"].values()
             if o["service"] == "sql" and (not wanted or o["target"] == f"sql/instances/{wanted}")]
    found.sort(key=lambda o: o["insertTime"], reverse=True)
    return {"kind": "sql#operationsList", "items": [ops.sql_view(req.world, o, req.now) for o in found]}
