"""Long-running operations over a scaled latency, effects at DONE.

Compute operations come back RUNNING with progress 0 and a startTime, as real ones do; Cloud SQL
operations go PENDING -> RUNNING -> DONE. Either may carry `warnings[]`.

An operation is a JSON record in the world; its status is a function of the clock, so a world
saved and loaded again carries on where it was. Effects are named by the call (`EFFECTS[method]`)
and called with a phase: `begin` when accepted, `done` at DONE, `fail` when it ends in error.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from drp_console.sim.errors import OPERATION_HTTP
from drp_console.sim.world import World, rfc3339

# Seconds at speed 1, from Google's documentation and observed behaviour.
DEFAULT_LATENCY: dict[str, float] = {
    "compute.instances.start": 40, "compute.instances.stop": 60, "compute.instances.reset": 20,
    "compute.instances.insert": 45, "compute.instances.delete": 60,
    "compute.instances.attachDisk": 10, "compute.disks.createSnapshot": 90,
    "compute.disks.insert": 30, "compute.instanceGroupManagers.resize": 5,
    "compute.regionInstanceGroupManagers.resize": 5,
    "sql.instances.failover": 60, "sql.instances.promoteReplica": 180,
    "sql.instances.switchover": 300, "sql.instances.restart": 60,
    "sql.instances.restoreBackup": 600, "sql.instances.clone": 900,
    "sql.instances.patch": 120, "sql.instances.delete": 60, "sql.backupRuns.insert": 300,
}
MIG_INSTANCE_LATENCY = 60.0
"""Seconds for a managed instance to go from STAGING to RUNNING after a resize."""
PENDING_FRACTION = 0.1

SQL_TYPES = {
    "sql.instances.failover": "FAILOVER", "sql.instances.promoteReplica": "PROMOTE_REPLICA",
    "sql.instances.switchover": "SWITCHOVER", "sql.instances.restart": "RESTART",
    "sql.instances.restoreBackup": "RESTORE_VOLUME", "sql.instances.clone": "CLONE",
    "sql.instances.patch": "UPDATE", "sql.instances.delete": "DELETE",
    "sql.backupRuns.insert": "BACKUP_VOLUME",
}

Effect = Callable[[World, dict[str, Any], str, float], None]
EFFECTS: dict[str, Effect] = {}
"""Effect of each mutating call: (world, operation record, phase, now)."""


def latency(world: World, method: str, extra: float = 0.0) -> float:
    """Real seconds an operation of `method` takes in this world."""
    configured = world.data["scenario"]["latency"].get(method)
    base = DEFAULT_LATENCY.get(method, 10.0) if configured is None else configured
    return (float(base) + extra) / world.speed


def submit(world: World, method: str, *, target: str, target_link: str, target_id: str | None,
           scope: str, location: str | None, params: dict[str, Any], now: float,
           request_id: str | None = None, extra_latency: float = 0.0,
           error: str | None = None,
           warnings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Create an operation, apply its `begin` effect, and return its record."""
    service = "sql" if method.startswith("sql.") else "compute"
    if service == "compute":
        name = f"operation-{int(now * 1000)}-{uuid.uuid4().hex[:13]}-{uuid.uuid4().hex[:8]}" \
               f"-{uuid.uuid4().hex[:8]}"
    else:
        name = str(uuid.uuid4())
    op: dict[str, Any] = {
        "name": name, "id": world.new_id(), "service": service, "scope": scope,
        "location": location, "method": method, "target": target, "targetLink": target_link,
        "targetId": target_id, "params": params, "insertTime": now,
        "latency": latency(world, method, extra_latency), "requestId": request_id,
        "error": error, "finished": False, "warnings": list(warnings or []),
    }
    world.data["operations"][name] = op
    if request_id:
        world.data["requestIds"][request_id] = name
    EFFECTS[method](world, op, "begin", now)
    world.dirty = True
    if op["latency"] <= 0:
        advance(world, now)
    return op


def status(op: dict[str, Any], now: float) -> str:
    """PENDING (Cloud SQL only), RUNNING or DONE at `now`."""
    if op["finished"]:
        return "DONE"
    elapsed = now - op["insertTime"]
    if elapsed >= op["latency"]:
        return "DONE"
    pending = op["service"] == "sql" and elapsed < op["latency"] * PENDING_FRACTION
    return "PENDING" if pending else "RUNNING"


def advance(world: World, now: float) -> None:
    """Finish every operation whose time has come, applying its effect once."""
    for op in sorted(world.data["operations"].values(), key=lambda o: o["insertTime"]):
        if op["finished"] or now - op["insertTime"] < op["latency"]:
            continue
        op["finished"] = True
        end = op["insertTime"] + op["latency"]
        if op["error"]:
            EFFECTS[op["method"]](world, op, "fail", end)
        else:
            EFFECTS[op["method"]](world, op, "done", end)
            world.record_mutation(op["target"], op["method"], op["name"], op["requestId"], end)
        world.dirty = True


def running_on(world: World, target: str, now: float) -> dict[str, Any] | None:
    """An unfinished operation on `target`, if any."""
    for op in world.data["operations"].values():
        if op["target"] == target and status(op, now) != "DONE":
            return op
    return None


def compute_view(world: World, op: dict[str, Any], now: float) -> dict[str, Any]:
    """A Compute `Operation` resource."""
    st = status(op, now)
    loc_url = (world.zone_url(op["location"]) if op["scope"] == "zone"
               else world.region_url(op["location"]) if op["scope"] == "region" else None)
    base = loc_url or f"{world.global_url('x', 'x')[:-len('/x/x')]}"
    view: dict[str, Any] = {
        "kind": "compute#operation", "id": op["id"], "name": op["name"],
        "operationType": op["method"].rsplit(".", 1)[-1], "targetLink": op["targetLink"],
        "status": st, "user": "drp-sim@acme-prod.iam.gserviceaccount.com",
        "progress": 100 if st == "DONE" else 0,  # real ones report 0 until DONE
        "insertTime": rfc3339(op["insertTime"]), "startTime": rfc3339(op["insertTime"]),
        "selfLink": f"{base}/operations/{op['name']}",
    }
    if op["targetId"]:
        view["targetId"] = op["targetId"]
    if op["scope"] == "zone":
        view["zone"] = loc_url
    elif op["scope"] == "region":
        view["region"] = loc_url
    if op["requestId"]:
        view["clientOperationId"] = op["requestId"]
    if op.get("warnings"):
        view["warnings"] = op["warnings"]
    if st == "DONE":
        view["endTime"] = rfc3339(op["insertTime"] + op["latency"])
        if op["error"]:
            http = OPERATION_HTTP.get(op["error"], 400)
            view["error"] = {"errors": [{"code": op["error"], "message": _message(op)}]}
            view["httpErrorStatusCode"] = http
            view["httpErrorMessage"] = _HTTP_TEXT.get(http, "BAD REQUEST")
    return view


_HTTP_TEXT = {400: "BAD REQUEST", 403: "FORBIDDEN", 404: "NOT FOUND", 409: "CONFLICT",
              500: "INTERNAL SERVER ERROR", 503: "SERVICE UNAVAILABLE"}


def _message(op: dict[str, Any]) -> str:
    if op["error"].startswith("ZONE_RESOURCE_POOL_EXHAUSTED"):
        return (f"The zone '{op['location']}' does not have enough resources available to "
                "fulfill the request. Try a different zone, or try again later.")
    return op["params"].get("error_message") or f"The operation failed with {op['error']}."


def sql_view(world: World, op: dict[str, Any], now: float) -> dict[str, Any]:
    """A Cloud SQL `Operation` resource."""
    st = status(op, now)
    view: dict[str, Any] = {
        "kind": "sql#operation", "name": op["name"], "status": st,
        "operationType": SQL_TYPES.get(op["method"], "UPDATE"),
        "targetId": op["targetId"], "targetProject": world.project, "targetLink": op["targetLink"],
        "selfLink": f"https://sqladmin.googleapis.com/sql/v1beta4/projects/{world.project}"
                    f"/operations/{op['name']}",
        "user": "drp-sim@acme-prod.iam.gserviceaccount.com", "insertTime": rfc3339(op["insertTime"]),
    }
    if st != "PENDING":
        view["startTime"] = rfc3339(op["insertTime"] + op["latency"] * PENDING_FRACTION)
    if st == "DONE":
        view["endTime"] = rfc3339(op["insertTime"] + op["latency"])
        if op["error"]:
            view["error"] = {"kind": "sql#operationErrors", "errors": [
                {"kind": "sql#operationError", "code": op["error"], "message": _message(op)}]}
    if op.get("warnings"):
        view["apiWarning"] = {k: v for k, v in op["warnings"][0].items() if k != "data"}
    if op["method"] == "sql.backupRuns.insert" and op["params"].get("backup_id"):
        view["backupContext"] = {"kind": "sql#backupContext", "backupId": op["params"]["backup_id"]}
    return view


def view(world: World, op: dict[str, Any], now: float) -> dict[str, Any]:
    """The REST view of an operation of either service."""
    return compute_view(world, op, now) if op["service"] == "compute" else sql_view(world, op, now)
