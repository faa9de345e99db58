"""Compute Engine v1 handlers: instances, disks, snapshots, machine images, groups, operations."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from drp_console.sim import operations as ops
from drp_console.sim.api import Request, route
from drp_console.sim.errors import ApiError, bad_request, busy, zone_unavailable
from drp_console.sim.faults import operation_faults
from drp_console.sim.world import World, public, short

P = "/compute/v1/projects/{project}"


class Sleep:
    """A handler's answer that says: wait up to `seconds` without the lock, then call `then`."""

    def __init__(self, seconds: float, then: Any):
        self.seconds = seconds
        self.then = then


# ----- views ------------------------------------------------------------------------------
def instance_view(w: World, inst: dict[str, Any], now: float) -> dict[str, Any]:
    """An Instance as the API shows it now (outages and booting group members included)."""
    view = public(inst)
    ready_at = inst.get("_sim", {}).get("ready_at")
    if ready_at and now < ready_at and view["status"] == "RUNNING":
        view["status"] = "STAGING"
    down = w.outage(now, zone=short(inst["zone"]))
    if down and view["status"] not in ("TERMINATED", "STOPPED", "SUSPENDED"):
        view["status"] = "REPAIRING"
        view["statusMessage"] = f"'{down}' is unavailable: the instance cannot be reached."
    return view


_ACTIONS = ("abandoning", "creating", "creatingWithoutRetries", "deleting", "none", "recreating",
            "refreshing", "restarting", "resuming", "starting", "stopping", "suspending",
            "verifying")


def igm_view(w: World, igm: dict[str, Any], now: float) -> dict[str, Any]:
    """An InstanceGroupManager with its current actions and stability."""
    view = public(igm)
    creating = sum(1 for key in igm["_sim"]["members"]
                   if w.data["instances"].get(key, {}).get("_sim", {}).get("ready_at", 0) > now)
    actions = dict.fromkeys(_ACTIONS, 0)
    actions["creating"] = creating
    actions["none"] = len(igm["_sim"]["members"]) - creating
    view["currentActions"] = actions
    view["status"] = {"isStable": creating == 0, "versionTarget": {"isReached": True},
                      "allInstancesConfig": {"effective": True},
                      "stateful": {"hasStatefulConfig": False,
                                   "perInstanceConfigs": {"allEffective": True}}}
    return view


# ----- list filters -----------------------------------------------------------------------
_TERM = re.compile(r"\(?\s*([\w.]+)\s*(!=|=|:|\beq\b|\bne\b)\s*(\"[^\"]*\"|'[^']*'|[^\s)]+)\s*\)?")


def _field(item: dict[str, Any], dotted: str) -> Any:
    value: Any = item
    for part in dotted.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def apply_filter(items: list[dict[str, Any]], expr: str | None) -> list[dict[str, Any]]:
    """Items matching a Compute list filter (`name = web-*`, `status != RUNNING`, `x eq re`)."""
    if not expr or not expr.strip():
        return items
    text = re.sub(r"\s+AND\s+", " ", expr.strip())
    terms = _TERM.findall(text)
    if not terms or _TERM.sub("", text).strip():
        raise bad_request(f"Invalid list filter expression '{expr}'.", "invalidFilter")
    out = []
    for item in items:
        ok = True
        for name, op, raw in terms:
            value, want = _field(item, name), raw.strip("\"'")
            text_value = "" if value is None else str(value).lower() if isinstance(value, bool) \
                else str(value)
            if op in ("eq", "ne"):
                hit = re.fullmatch(want, text_value) is not None
            else:
                hit = fnmatch.fnmatchcase(text_value, want) or (
                    name in ("zone", "sourceDisk", "machineType") and short(text_value) == want)
            ok = ok and (hit if op in ("=", ":", "eq") else not hit)
        if ok:
            out.append(item)
    return out


def _list(kind: str, items: list[dict[str, Any]], link: str) -> dict[str, Any]:
    return {"kind": f"compute#{kind}List", "id": link, "items": items, "selfLink": link}


# ----- submitting operations --------------------------------------------------------------
def submit(req: Request, *, target: str, target_link: str, target_id: str | None, scope: str,
           location: str | None, resource: str, params: dict[str, Any],
           outage_zone: str | None = None, outage_region: str | None = None,
           warnings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Check outages and running operations, apply faults, and start the operation."""
    w, now = req.world, req.now
    down = w.outage(now, zone=outage_zone, region=outage_region)
    if down:
        raise zone_unavailable(down)
    if ops.running_on(w, target, now):
        raise busy(target)
    faults = operation_faults(w, req.call, resource, now)
    op = ops.submit(w, req.call, target=target, target_link=target_link, target_id=target_id,
                    scope=scope, location=location, params=params, now=now,
                    request_id=req.request_id, extra_latency=faults.extra_latency,
                    error=faults.operation_error, warnings=warnings)
    return ops.compute_view(w, op, now)


def _instance(req: Request, project: str, zone: str, name: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    return req.world.get("instances", f"{zone}/{name}")


# ----- instances --------------------------------------------------------------------------
@route("GET", P + "/zones/{zone}/instances/{instance}", "compute.instances.get")
def get_instance(req: Request, project: str, zone: str, instance: str) -> dict[str, Any]:
    return instance_view(req.world, _instance(req, project, zone, instance), req.now)


@route("GET", P + "/zones/{zone}/instances", "compute.instances.list")
def list_instances(req: Request, project: str, zone: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    items = [instance_view(req.world, i, req.now) for k, i in sorted(req.world.data["instances"].items())
             if k.startswith(zone + "/")]
    return _list("instance", apply_filter(items, req.query.get("filter")),
                 f"{req.world.zone_url(zone)}/instances")


def _instance_op(req: Request, project: str, zone: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, zone, instance)
    return submit(req, target=f"zones/{zone}/instances/{instance}", target_link=inst["selfLink"],
                  target_id=inst["id"], scope="zone", location=zone, resource=instance,
                  params={"key": f"{zone}/{instance}"}, outage_zone=zone)


for _verb in ("start", "stop", "reset"):
    route("POST", P + "/zones/{zone}/instances/{instance}/" + _verb,
          f"compute.instances.{_verb}", mutating=True)(_instance_op)


@route("DELETE", P + "/zones/{zone}/instances/{instance}", "compute.instances.delete", mutating=True)
def delete_instance(req: Request, project: str, zone: str, instance: str) -> dict[str, Any]:
    return _instance_op(req, project, zone, instance)


@route("POST", P + "/zones/{zone}/instances", "compute.instances.insert", mutating=True)
def insert_instance(req: Request, project: str, zone: str) -> dict[str, Any]:
    w, body = req.world, req.body
    w.check_project(project, "compute")
    name = body.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?", name):
        raise bad_request(f"Invalid value for field 'resource.name': '{name}'. Must be a match "
                          "of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'")
    if f"{zone}/{name}" in w.data["instances"]:
        raise ApiError(409, f"The resource 'projects/{project}/zones/{zone}/instances/{name}' "
                            "already exists", "alreadyExists")
    template = req.query.get("sourceInstanceTemplate")
    image = req.query.get("sourceMachineImage") or body.get("sourceMachineImage")
    boot = next((d for d in body.get("disks", []) if d.get("boot")), None)
    snapshot = ((boot or {}).get("initializeParams") or {}).get("sourceSnapshot")
    source_disk = (boot or {}).get("source")
    machine = body.get("machineType")
    if template:  # the template gives the machine type and the boot disk
        machine = machine or w.get("instanceTemplates", short(template))["properties"]["machineType"]
    elif image:
        w.get("machineImages", short(image))
        machine = machine or "e2-standard-4"
    elif snapshot:
        w.get("snapshots", short(snapshot))
    elif source_disk:
        w.get("disks", f"{zone}/{short(source_disk)}")
    else:
        raise bad_request("A boot disk is required: give sourceInstanceTemplate, "
                          "sourceMachineImage, a boot disk with initializeParams.sourceSnapshot, "
                          "or an existing disk as source.")
    if not machine:
        raise bad_request("Invalid value for field 'resource.machineType': ''. "
                          "A machine type is required.")
    params = {"key": f"{zone}/{name}", "machineType": machine,
              "snapshot": snapshot and short(snapshot), "image": image and short(image),
              "template": template and short(template),
              "disk": source_disk and short(source_disk), "labels": body.get("labels") or {}}
    return submit(req, target=f"zones/{zone}/instances/{name}",
                  target_link=f"{w.zone_url(zone)}/instances/{name}", target_id=None, scope="zone",
                  location=zone, resource=name, params=params, outage_zone=zone)


@route("POST", P + "/zones/{zone}/instances/{instance}/attachDisk", "compute.instances.attachDisk",
       mutating=True)
def attach_disk(req: Request, project: str, zone: str, instance: str) -> dict[str, Any]:
    inst = _instance(req, project, zone, instance)
    source = req.body.get("source")
    if not source:
        raise bad_request("Invalid value for field 'resource.source': ''. A disk is required.")
    disk = req.world.get("disks", f"{zone}/{short(source)}")
    others = [u for u in disk["users"] if u != inst["selfLink"]]
    if others and not req.flag("forceAttach"):
        raise bad_request(f"The disk resource '{disk['selfLink']}' is already being used by "
                          f"'{others[0]}'", "resourceInUseByAnotherResource")
    params = {"key": f"{zone}/{instance}", "disk": f"{zone}/{short(source)}"}
    return submit(req, target=f"zones/{zone}/instances/{instance}", target_link=inst["selfLink"],
                  target_id=inst["id"], scope="zone", location=zone, resource=instance,
                  params=params, outage_zone=zone)


# ----- disks and snapshots ----------------------------------------------------------------
@route("GET", P + "/zones/{zone}/disks/{disk}", "compute.disks.get")
def get_disk(req: Request, project: str, zone: str, disk: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    return public(req.world.get("disks", f"{zone}/{disk}"))


@route("POST", P + "/zones/{zone}/disks/{disk}/createSnapshot", "compute.disks.createSnapshot",
       mutating=True)
def create_snapshot(req: Request, project: str, zone: str, disk: str) -> dict[str, Any]:
    w = req.world
    w.check_project(project, "compute")
    src = w.get("disks", f"{zone}/{disk}")
    name = req.body.get("name")
    if not name:
        raise bad_request("Invalid value for field 'resource.name': ''. A name is required.")
    if name in w.data["snapshots"]:
        raise ApiError(409, f"The resource 'projects/{project}/global/snapshots/{name}' already "
                            "exists", "alreadyExists")
    return submit(req, target=f"zones/{zone}/disks/{disk}", target_link=src["selfLink"],
                  target_id=src["id"], scope="zone", location=zone, resource=disk,
                  params={"disk": f"{zone}/{disk}", "snapshot": name,
                          "labels": req.body.get("labels") or {}}, outage_zone=zone)


@route("POST", P + "/zones/{zone}/disks", "compute.disks.insert", mutating=True)
def insert_disk(req: Request, project: str, zone: str) -> dict[str, Any]:
    w, body = req.world, req.body
    w.check_project(project, "compute")
    name = body.get("name")
    if not name:
        raise bad_request("Invalid value for field 'resource.name': ''. A name is required.")
    if f"{zone}/{name}" in w.data["disks"]:
        raise ApiError(409, f"The resource 'projects/{project}/zones/{zone}/disks/{name}' already "
                            "exists", "alreadyExists")
    snapshot = body.get("sourceSnapshot")
    size = int(body.get("sizeGb") or 0)
    warnings = []
    if snapshot:
        source = int(w.get("snapshots", short(snapshot))["diskSizeGb"])
        if size > source:  # what Compute warns about, as its operation's warnings[]
            warnings.append({"code": "DISK_SIZE_LARGER_THAN_IMAGE_SIZE", "message": (
                f"Disk size: '{size} GB' is larger than image size: '{source} GB'. You might "
                "need to resize the root repartition manually if the operating system does "
                "not support automatic resizing.")})
        size = max(size, source)
    return submit(req, target=f"zones/{zone}/disks/{name}",
                  target_link=f"{w.zone_url(zone)}/disks/{name}", target_id=None, scope="zone",
                  location=zone, resource=name,
                  params={"disk": f"{zone}/{name}", "snapshot": snapshot and short(snapshot),
                          "size": size or 20, "type": short(body.get("type") or "pd-balanced")},
                  outage_zone=zone, warnings=warnings)


def _global_list(req: Request, project: str, collection: str, kind: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    items = [public(r) for _, r in sorted(req.world.data.get(collection, {}).items())]
    return _list(kind, apply_filter(items, req.query.get("filter")),
                 req.world.global_url(collection, "")[:-1])


def _global_get(req: Request, project: str, collection: str, name: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    return public(req.world.get(collection, name))


@route("GET", P + "/global/snapshots", "compute.snapshots.list")
def list_snapshots(req: Request, project: str) -> dict[str, Any]:
    return _global_list(req, project, "snapshots", "snapshot")


@route("GET", P + "/global/snapshots/{snapshot}", "compute.snapshots.get")
def get_snapshot(req: Request, project: str, snapshot: str) -> dict[str, Any]:
    return _global_get(req, project, "snapshots", snapshot)


@route("GET", P + "/global/machineImages/{image}", "compute.machineImages.get")
def get_machine_image(req: Request, project: str, image: str) -> dict[str, Any]:
    return _global_get(req, project, "machineImages", image)


@route("GET", P + "/global/instanceTemplates", "compute.instanceTemplates.list")
def list_templates(req: Request, project: str) -> dict[str, Any]:
    return _global_list(req, project, "instanceTemplates", "instanceTemplate")


@route("GET", P + "/global/instanceTemplates/{template}", "compute.instanceTemplates.get")
def get_template(req: Request, project: str, template: str) -> dict[str, Any]:
    return _global_get(req, project, "instanceTemplates", template)


# ----- managed instance groups ------------------------------------------------------------
def _igm(req: Request, project: str, scope: str, loc: str, name: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    return req.world.get("igms", f"{scope}/{loc}:{name}")


@route("GET", P + "/zones/{zone}/instanceGroupManagers/{igm}", "compute.instanceGroupManagers.get")
def get_zonal_igm(req: Request, project: str, zone: str, igm: str) -> dict[str, Any]:
    return igm_view(req.world, _igm(req, project, "zones", zone, igm), req.now)


@route("GET", P + "/regions/{region}/instanceGroupManagers/{igm}",
       "compute.regionInstanceGroupManagers.get")
def get_regional_igm(req: Request, project: str, region: str, igm: str) -> dict[str, Any]:
    return igm_view(req.world, _igm(req, project, "regions", region, igm), req.now)


def _resize(req: Request, project: str, scope: str, loc: str, name: str) -> dict[str, Any]:
    igm = _igm(req, project, scope, loc, name)
    raw = req.query.get("size")
    if raw is None or not raw.isdigit():
        raise bad_request(f"Invalid value for field 'size': '{raw}'. Must be a non-negative integer.")
    is_zone = scope == "zones"
    return submit(req, target=f"{scope}/{loc}/instanceGroupManagers/{name}",
                  target_link=igm["selfLink"], target_id=igm["id"],
                  scope="zone" if is_zone else "region", location=loc, resource=name,
                  params={"key": f"{scope}/{loc}:{name}", "size": int(raw)},
                  outage_zone=loc if is_zone else None, outage_region=None if is_zone else loc)


@route("POST", P + "/zones/{zone}/instanceGroupManagers/{igm}/resize",
       "compute.instanceGroupManagers.resize", mutating=True)
def resize_zonal(req: Request, project: str, zone: str, igm: str) -> dict[str, Any]:
    return _resize(req, project, "zones", zone, igm)


@route("POST", P + "/regions/{region}/instanceGroupManagers/{igm}/resize",
       "compute.regionInstanceGroupManagers.resize", mutating=True)
def resize_regional(req: Request, project: str, region: str, igm: str) -> dict[str, Any]:
    if req.world.outage(req.now, region=region) == region:
        raise zone_unavailable(region)
    return _resize(req, project, "regions", region, igm)


# ----- operations -------------------------------------------------------------------------
def _operation(req: Request, project: str, scope: str, loc: str | None, name: str) -> dict[str, Any]:
    req.world.check_project(project, "compute")
    op = req.world.data["operations"].get(name)
    if op is None or op["service"] != "compute" or op["scope"] != scope or op["location"] != loc:
        where = f"{scope}s/{loc}" if loc else "global"
        raise ApiError(404, f"The resource 'projects/{project}/{where}/operations/{name}' was not "
                            "found", "notFound")
    return op


def _wait(req: Request, op: dict[str, Any]) -> Any:
    remaining = op["insertTime"] + op["latency"] - req.now
    if op["finished"] or remaining <= 0:
        return ops.compute_view(req.world, op, req.now)
    bound = 120.0 / max(req.world.speed, 1.0)
    return Sleep(min(remaining + 0.001, bound), lambda r: ops.compute_view(r.world, op, r.now))


for _scope, _seg in (("zone", "/zones/{loc}"), ("region", "/regions/{loc}"), ("global", "/global")):
    def _get(req: Request, project: str, operation: str, loc: str | None = None,
             _scope: str = _scope) -> dict[str, Any]:
        return ops.compute_view(req.world, _operation(req, project, _scope, loc, operation), req.now)

    def _wait_route(req: Request, project: str, operation: str, loc: str | None = None,
                    _scope: str = _scope) -> Any:
        return _wait(req, _operation(req, project, _scope, loc, operation))

    route("GET", P + _seg + "/operations/{operation}", f"compute.{_scope}Operations.get")(_get)
    route("POST", P + _seg + "/operations/{operation}/wait",
          f"compute.{_scope}Operations.wait")(_wait_route)
