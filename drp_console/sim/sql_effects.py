"""What Cloud SQL operations do to the world when they begin, finish, or fail."""

from __future__ import annotations

import copy
from typing import Any

from drp_console.sim.operations import EFFECTS
from drp_console.sim.seed import new_backup_run
from drp_console.sim.world import World, fingerprint, master_of, parse_time, rfc3339

Op = dict[str, Any]


def _inst(w: World, op: Op) -> dict[str, Any] | None:
    return w.data["sql"].get(op["target"].rsplit("/", 1)[-1])


def _bump(inst: dict[str, Any]) -> None:
    version = int(inst["settings"]["settingsVersion"]) + 1
    inst["settings"]["settingsVersion"] = str(version)
    inst["etag"] = fingerprint((inst["name"], version))


def _make_primary(w: World, inst: dict[str, Any]) -> None:
    master = w.data["sql"].get(master_of(inst) or "")
    if master is not None:
        master["replicaNames"] = [r for r in master["replicaNames"] if r != inst["name"]]
        master.pop("replicationCluster", None)
    inst.pop("replicationCluster", None)
    inst.pop("masterInstanceName", None)
    inst.pop("replicaConfiguration", None)
    inst["instanceType"] = "CLOUD_SQL_INSTANCE"
    inst["state"] = "RUNNABLE"
    inst["_sim"]["promotedFrom"] = master["name"] if master else None
    _bump(inst)


def failover(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is None or phase != "done":
        return
    inst["gceZone"], inst["secondaryGceZone"] = inst["secondaryGceZone"], inst["gceZone"]
    inst["settings"]["locationPreference"].update(
        zone=inst["gceZone"], secondaryZone=inst["secondaryGceZone"])
    inst["state"] = "RUNNABLE"


def promote_replica(w: World, op: Op, phase: str, now: float) -> None:
    """A plain promotion leaves a standalone primary; `failover: true` (replica failover of an
    Enterprise Plus DR pair) also keeps the old primary as a replica of the new one."""
    inst = _inst(w, op)
    if inst is None or phase != "done":
        return
    if op["params"].get("failover"):
        _reverse_roles(w, inst, w.data["sql"].get(master_of(inst) or ""))
    else:
        _make_primary(w, inst)


def switchover(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is not None and phase == "done":
        _reverse_roles(w, inst, w.data["sql"].get(op["params"]["old_primary"]))


def _reverse_roles(w: World, inst: dict[str, Any], old: dict[str, Any] | None) -> None:
    others = [r for r in (old["replicaNames"] if old else []) if r != inst["name"]]
    _make_primary(w, inst)
    if old is not None:
        old["instanceType"] = "READ_REPLICA_INSTANCE"
        # Real switchovers name the new primary project-qualified on the demoted one.
        old["masterInstanceName"] = f"{w.project}:{inst['name']}"
        old["replicaConfiguration"] = {"kind": "sql#replicaConfiguration", "failoverTarget": True}
        old["replicaNames"] = []
        inst["replicaNames"] = [old["name"], *others]
        for name in others:
            if name in w.data["sql"]:
                w.data["sql"][name]["masterInstanceName"] = f"{w.project}:{inst['name']}"
        # the pair stays a DR pair, roles reversed
        inst["replicationCluster"] = {"failoverDrReplicaName": old["name"], "drReplica": False}
        old["replicationCluster"] = {"drReplica": True}
        _bump(old)


def _maintenance(w: World, op: Op, phase: str) -> dict[str, Any] | None:
    inst = _inst(w, op)
    if inst is None:
        return None
    if phase == "begin":
        op["params"]["was"] = inst["state"]
        inst["state"] = "MAINTENANCE"
    elif phase == "fail":
        inst["state"] = op["params"]["was"]
    else:
        inst["state"] = "RUNNABLE"
    return inst


def restart(w: World, op: Op, phase: str, now: float) -> None:
    _maintenance(w, op, phase)


def restore_backup(w: World, op: Op, phase: str, now: float) -> None:
    inst = _maintenance(w, op, phase)
    if inst is not None and phase == "done":
        p = op["params"]
        inst["_sim"].update(dataAsOf=p["data_as_of"], restoredFrom={
            "backupRunId": p["backup_run"], "instance": p["source"], "at": rfc3339(now)})


def clone(w: World, op: Op, phase: str, now: float) -> None:
    p = op["params"]
    dest = p["destination"]
    if phase == "begin":
        src = _inst(w, op)
        assert src is not None, "the clone's source was checked when the call was accepted"
        new = copy.deepcopy(src)
        new.update(name=dest, selfLink=w.sql_url(dest), state="PENDING_CREATE",
                   connectionName=f"{w.project}:{src['region']}:{dest}", createTime=rfc3339(now),
                   instanceType="CLOUD_SQL_INSTANCE", replicaNames=[])
        new.pop("masterInstanceName", None)
        new.pop("replicaConfiguration", None)
        new["settings"]["settingsVersion"] = "1"
        new["ipAddresses"] = [{"type": "PRIVATE", "ipAddress": f"10.20.0.{3 + len(w.data['sql'])}"}]
        new["_sim"] = {"dataAsOf": p["data_as_of"], "restoredFrom": None,
                       "clonedFrom": {"instance": src["name"], "pointInTime": p["data_as_of"]}}
        w.data["sql"][dest] = new
        w.data["backupRuns"][dest] = []
    elif phase == "done":
        if dest in w.data["sql"]:
            w.data["sql"][dest]["state"] = "RUNNABLE"
            w.record_mutation(f"sql/instances/{dest}", "sql.instances.clone", op["name"], None, now)
    else:
        w.data["sql"].pop(dest, None)
        w.data["backupRuns"].pop(dest, None)


def patch(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is None or phase != "done":
        return
    changes = copy.deepcopy(op["params"]["changes"])
    backup = changes.pop("backupConfiguration", {})
    ip = changes.pop("ipConfiguration", {})
    inst["settings"].update(changes)
    inst["settings"]["backupConfiguration"].update(backup)
    inst["settings"]["ipConfiguration"].update(ip)
    if inst["settings"]["availabilityType"] == "REGIONAL" and "secondaryGceZone" not in inst:
        zone = inst["gceZone"]
        secondary = zone[:-1] + ("c" if zone[-1] != "c" else "b")
        inst["secondaryGceZone"] = secondary
        inst["settings"]["locationPreference"]["secondaryZone"] = secondary
    elif inst["settings"]["availabilityType"] == "ZONAL":
        inst.pop("secondaryGceZone", None)
        inst["settings"]["locationPreference"].pop("secondaryZone", None)
    _bump(inst)


def delete(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is None:
        return
    if phase == "begin":
        op["params"]["was"] = inst["state"]
        inst["state"] = "PENDING_DELETE"
    elif phase == "fail":
        inst["state"] = op["params"]["was"]
    else:
        master = w.data["sql"].get(master_of(inst) or "")
        if master is not None:
            master["replicaNames"] = [r for r in master["replicaNames"] if r != inst["name"]]
        del w.data["sql"][inst["name"]]
        w.data["backupRuns"].pop(inst["name"], None)


def insert_backup_run(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    p = op["params"]
    runs = w.data["backupRuns"].setdefault(op["target"].rsplit("/", 1)[-1], [])
    if phase == "begin" and inst is not None:
        run = new_backup_run(w, inst["name"], int(p["backup_id"]) / 1000, "ON_DEMAND",
                             inst["databaseVersion"], status="RUNNING")
        if p.get("description"):
            run["description"] = str(p["description"])
        runs.insert(0, run)
        return
    for run in runs:
        if run["id"] == p["backup_id"]:
            run["status"] = "SUCCESSFUL" if phase == "done" else "FAILED"
            run["endTime"] = rfc3339(now)
            if phase == "fail":
                run["error"] = {"kind": "sql#operationError", "code": op["error"],
                                "message": f"The backup failed with {op['error']}."}
            elif parse_time(run["startTime"]) > now:
                run["startTime"] = rfc3339(now)


EFFECTS.update({
    "sql.instances.failover": failover, "sql.instances.promoteReplica": promote_replica,
    "sql.instances.switchover": switchover, "sql.instances.restart": restart,
    "sql.instances.restoreBackup": restore_backup, "sql.instances.clone": clone,
    "sql.instances.patch": patch, "sql.instances.delete": delete,
    "sql.backupRuns.insert": insert_backup_run,
})
