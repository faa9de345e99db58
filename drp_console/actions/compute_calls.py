"""Adapters for the Compute Engine calls of the catalog, over the real `compute_v1` REST clients.

Mutating calls use the `*_unary` methods, which return the plain `Operation` (the
`ExtendedOperation` of the other methods polls the real Google host, whatever the endpoint), and
carry the engine's requestId so a re-sent call is applied once.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from drp_console.actions.outcome import CallOutcome, OperationRef
from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import invalid_argument
from drp_console.gcp.messages import last_segment, list_result, to_rest

Adapter = Callable[[Cloud, dict[str, Any], "str | None"], CallOutcome]


def _compute() -> Any:
    from google.cloud import compute_v1

    return compute_v1


def _opts(cloud: Cloud) -> dict[str, Any]:
    # retry=None: the engine owns retries; a hidden default retry could run for ten minutes.
    return {"timeout": cloud.timeout, "retry": None}


def operation_ref(op: dict[str, Any], project: str) -> OperationRef:
    """Where a Compute operation lives, read from its own `zone`/`region` fields."""
    if op.get("zone"):
        return OperationRef(op["name"], "compute", "zone", last_segment(op["zone"]), project)
    if op.get("region"):
        return OperationRef(op["name"], "compute", "region", last_segment(op["region"]), project)
    return OperationRef(op["name"], "compute", "global", None, project)


def _submitted(op: Any, project: str) -> CallOutcome:
    result = to_rest(op)
    return CallOutcome(result=result, operation=operation_ref(result, project))


def _read(message: Any) -> CallOutcome:
    return CallOutcome(result=to_rest(message))


def _listed(pager: Any) -> CallOutcome:
    return CallOutcome(result=list_result(pager))


def _rid(request_id: str | None) -> str:
    return request_id or str(uuid.uuid4())


def instances_get(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.GetInstanceRequest(project=a["project"], zone=a["zone"], instance=a["instance"])
    return _read(cloud.client("instances").get(request=req, **_opts(cloud)))


def instances_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.ListInstancesRequest(project=a["project"], zone=a["zone"])
    if a.get("filter"):
        req.filter = a["filter"]
    return _listed(cloud.client("instances").list(request=req, **_opts(cloud)))


def _instance_verb(verb: str, request_type: str) -> Adapter:
    def adapter(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
        req = getattr(_compute(), request_type)(project=a["project"], zone=a["zone"],
                                                instance=a["instance"], request_id=_rid(rid))
        method = getattr(cloud.client("instances"), f"{verb}_unary")
        return _submitted(method(request=req, **_opts(cloud)), a["project"])

    adapter.__name__ = f"instances_{verb}"
    adapter.__doc__ = f"compute.instances.{verb}"
    return adapter


def instances_insert(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    sources = [k for k in ("sourceInstanceTemplate", "sourceMachineImage", "sourceSnapshot")
               if a.get(k)]
    if len(sources) != 1:
        raise invalid_argument("compute.instances.insert takes exactly one of "
                               "sourceInstanceTemplate, sourceMachineImage or sourceSnapshot",
                               "name the template, machine image or boot snapshot to build the "
                               "VM from.")
    body: dict[str, Any] = {"name": a["name"]}
    if a.get("machineType"):
        body["machineType"] = a["machineType"]
    elif sources == ["sourceSnapshot"]:
        raise invalid_argument("compute.instances.insert from a snapshot needs machineType",
                               "add `machineType:` (e.g. e2-standard-4) to the step's `with:`.")
    if a.get("networkInterfaces") is not None:
        body["networkInterfaces"] = a["networkInterfaces"]
    if a.get("sourceSnapshot"):
        body["disks"] = [{"boot": True, "autoDelete": True, "type": "PERSISTENT",
                          "initializeParams": {"sourceSnapshot": a["sourceSnapshot"]}}]
        body.setdefault("networkInterfaces", [{"network": "global/networks/default"}])
    instance = c.Instance.from_json(json.dumps(body))
    req = c.InsertInstanceRequest(project=a["project"], zone=a["zone"],
                                  instance_resource=instance, request_id=_rid(rid))
    if a.get("sourceMachineImage"):
        req.source_machine_image = a["sourceMachineImage"]
    if a.get("sourceInstanceTemplate"):
        req.source_instance_template = a["sourceInstanceTemplate"]
    op = cloud.client("instances").insert_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def instances_delete(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.DeleteInstanceRequest(project=a["project"], zone=a["zone"], instance=a["instance"],
                                  request_id=_rid(rid))
    op = cloud.client("instances").delete_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def instances_attach_disk(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    disk = c.AttachedDisk(source=a["source"])
    req = c.AttachDiskInstanceRequest(project=a["project"], zone=a["zone"],
                                      instance=a["instance"], attached_disk_resource=disk,
                                      request_id=_rid(rid))
    if a.get("forceAttach") is not None:
        req.force_attach = a["forceAttach"]
    op = cloud.client("instances").attach_disk_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def disks_create_snapshot(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.CreateSnapshotDiskRequest(project=a["project"], zone=a["zone"], disk=a["disk"],
                                      snapshot_resource=c.Snapshot(name=a["snapshot"]),
                                      request_id=_rid(rid))
    op = cloud.client("disks").create_snapshot_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def disks_insert(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    disk = c.Disk(name=a["name"], source_snapshot=a["sourceSnapshot"])
    req = c.InsertDiskRequest(project=a["project"], zone=a["zone"], disk_resource=disk,
                              request_id=_rid(rid))
    op = cloud.client("disks").insert_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def snapshots_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.ListSnapshotsRequest(project=a["project"])
    if a.get("filter"):
        req.filter = a["filter"]
    return _listed(cloud.client("snapshots").list(request=req, **_opts(cloud)))


def instance_templates_list(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    req = _compute().ListInstanceTemplatesRequest(project=a["project"])
    if a.get("filter"):
        req.filter = a["filter"]
    return _listed(cloud.client("instance_templates").list(request=req, **_opts(cloud)))


def instance_templates_get(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    req = _compute().GetInstanceTemplateRequest(project=a["project"],
                                                instance_template=last_segment(a["instanceTemplate"]))
    return _read(cloud.client("instance_templates").get(request=req, **_opts(cloud)))


def region_igm_get(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    req = _compute().GetRegionInstanceGroupManagerRequest(
        project=a["project"], region=a["region"], instance_group_manager=a["instanceGroupManager"])
    return _read(cloud.client("region_instance_group_managers").get(request=req, **_opts(cloud)))


def igm_resize(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.ResizeInstanceGroupManagerRequest(
        project=a["project"], zone=a["zone"], instance_group_manager=a["instanceGroupManager"],
        size=a["size"], request_id=_rid(rid))
    op = cloud.client("instance_group_managers").resize_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


def region_igm_resize(cloud: Cloud, a: dict[str, Any], rid: str | None) -> CallOutcome:
    c = _compute()
    req = c.ResizeRegionInstanceGroupManagerRequest(
        project=a["project"], region=a["region"],
        instance_group_manager=a["instanceGroupManager"], size=a["size"], request_id=_rid(rid))
    op = cloud.client("region_instance_group_managers").resize_unary(request=req, **_opts(cloud))
    return _submitted(op, a["project"])


COMPUTE_ADAPTERS: dict[str, Adapter] = {
    "compute.instances.get": instances_get,
    "compute.instances.list": instances_list,
    "compute.instances.start": _instance_verb("start", "StartInstanceRequest"),
    "compute.instances.stop": _instance_verb("stop", "StopInstanceRequest"),
    "compute.instances.reset": _instance_verb("reset", "ResetInstanceRequest"),
    "compute.instances.insert": instances_insert,
    "compute.instances.delete": instances_delete,
    "compute.instances.attachDisk": instances_attach_disk,
    "compute.disks.createSnapshot": disks_create_snapshot,
    "compute.disks.insert": disks_insert,
    "compute.snapshots.list": snapshots_list,
    "compute.instanceTemplates.list": instance_templates_list,
    "compute.instanceTemplates.get": instance_templates_get,
    "compute.regionInstanceGroupManagers.get": region_igm_get,
    "compute.instanceGroupManagers.resize": igm_resize,
    "compute.regionInstanceGroupManagers.resize": region_igm_resize,
}
"""Catalog call name -> adapter, for every `compute.*` call."""
