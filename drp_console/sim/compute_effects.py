"""What Compute operations do to the world when they begin, finish, or fail."""

from __future__ import annotations

from typing import Any

from drp_console.sim.operations import EFFECTS, MIG_INSTANCE_LATENCY
from drp_console.sim.seed import disk_from, new_instance, new_snapshot, remove_instance, set_group_size
from drp_console.sim.world import World, fingerprint, rfc3339

Op = dict[str, Any]


def _inst(w: World, op: Op) -> dict[str, Any] | None:
    return w.data["instances"].get(op["params"]["key"])


def _set_status(inst: dict[str, Any] | None, status: str) -> None:
    if inst is not None:
        inst["status"] = status
        inst["fingerprint"] = fingerprint((inst["name"], status, inst["id"]))


def start(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is None:
        return
    if phase == "begin":
        op["params"]["was"] = inst["status"]
        if inst["status"] != "RUNNING":
            _set_status(inst, "STAGING")
    elif phase == "done":
        if op["params"]["was"] != "RUNNING":
            inst["lastStartTimestamp"] = rfc3339(now)
        _set_status(inst, "RUNNING")
    else:
        _set_status(inst, op["params"]["was"])


def stop(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is None:
        return
    if phase == "begin":
        op["params"]["was"] = inst["status"]
        if inst["status"] != "TERMINATED":
            _set_status(inst, "STOPPING")
    elif phase == "done":
        if op["params"]["was"] != "TERMINATED":
            inst["lastStopTimestamp"] = rfc3339(now)
        _set_status(inst, "TERMINATED")
    else:
        _set_status(inst, op["params"]["was"])


def reset(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if inst is not None and phase == "done" and inst["status"] == "RUNNING":
        inst["lastStartTimestamp"] = rfc3339(now)


def insert(w: World, op: Op, phase: str, now: float) -> None:
    p = op["params"]
    zone, name = p["key"].split("/", 1)
    if phase == "begin":
        disks = [name] if not p["disk"] else [p["disk"]]
        if p["snapshot"]:
            size = int(w.data["snapshots"][p["snapshot"]]["diskSizeGb"])
            disk_from(w, zone, name, now, size, snapshot=p["snapshot"])
        elif p["image"] or p.get("template"):
            disk_from(w, zone, name, now)
        inst = new_instance(w, zone, name, p["machineType"], "PROVISIONING", disks, now, p["labels"])
        if p.get("template"):
            inst["metadata"]["items"] = [{  # where Compute records the template used
                "key": "instance-template",
                "value": w.global_url("instanceTemplates", p["template"])}]
        inst["creationTimestamp"] = rfc3339(now)
        inst.pop("lastStartTimestamp", None)
        if p["image"]:
            inst["sourceMachineImage"] = w.global_url("machineImages", p["image"])
        op["targetId"] = inst["id"]
        p["created_disk"] = None if p["disk"] else f"{zone}/{name}"
    elif phase == "done":
        started = _inst(w, op)
        _set_status(started, "RUNNING")
        if started is not None:
            started["lastStartTimestamp"] = rfc3339(now)
        if p["created_disk"] in w.data["disks"]:
            w.data["disks"][p["created_disk"]]["status"] = "READY"
    else:
        w.data["instances"].pop(p["key"], None)
        if p["created_disk"]:
            w.data["disks"].pop(p["created_disk"], None)
        elif p["disk"]:
            disk = w.data["disks"].get(f"{zone}/{p['disk']}")
            if disk:
                disk["users"] = [u for u in disk["users"] if not u.endswith(f"/instances/{name}")]


def delete(w: World, op: Op, phase: str, now: float) -> None:
    inst = _inst(w, op)
    if phase == "begin":
        op["params"]["was"] = inst["status"] if inst else None
        _set_status(inst, "STOPPING")
    elif phase == "done":
        remove_instance(w, op["params"]["key"])
    elif op["params"]["was"]:
        _set_status(inst, op["params"]["was"])


def attach_disk(w: World, op: Op, phase: str, now: float) -> None:
    inst, disk = _inst(w, op), w.data["disks"].get(op["params"]["disk"])
    if phase != "done" or inst is None or disk is None:
        return
    for other in w.data["instances"].values():
        if other is not inst:  # a force-attach takes the disk away from its other user
            other["disks"] = [d for d in other["disks"] if d["source"] != disk["selfLink"]]
    if all(d["source"] != disk["selfLink"] for d in inst["disks"]):
        inst["disks"].append({
            "kind": "compute#attachedDisk", "type": "PERSISTENT", "mode": "READ_WRITE",
            "source": disk["selfLink"], "deviceName": disk["name"], "index": len(inst["disks"]),
            "boot": False, "autoDelete": False, "interface": "SCSI", "diskSizeGb": disk["sizeGb"],
        })
    disk["users"] = [inst["selfLink"]]


def create_snapshot(w: World, op: Op, phase: str, now: float) -> None:
    p = op["params"]
    if phase == "begin":
        disk = w.data["disks"][p["disk"]]
        zone, name = p["disk"].split("/", 1)
        snap = new_snapshot(w, p["snapshot"], f"zones/{zone}/disks/{name}", now,
                            int(disk["sizeGb"]), p["labels"])
        snap["status"] = "CREATING"
    elif phase == "done":
        if p["snapshot"] in w.data["snapshots"]:
            w.data["snapshots"][p["snapshot"]]["status"] = "READY"
    else:
        w.data["snapshots"].pop(p["snapshot"], None)


def insert_disk(w: World, op: Op, phase: str, now: float) -> None:
    p = op["params"]
    zone, name = p["disk"].split("/", 1)
    if phase == "begin":
        disk_from(w, zone, name, now, p["size"], p["snapshot"], p["type"])
        op["targetId"] = w.data["disks"][p["disk"]]["id"]
    elif phase == "done":
        if p["disk"] in w.data["disks"]:
            w.data["disks"][p["disk"]]["status"] = "READY"
    else:
        w.data["disks"].pop(p["disk"], None)


def resize(w: World, op: Op, phase: str, now: float) -> None:
    igm = w.data["igms"].get(op["params"]["key"])
    if phase == "done" and igm is not None:
        set_group_size(w, igm, op["params"]["size"], now,
                       ready_at=now + MIG_INSTANCE_LATENCY / w.speed)


EFFECTS.update({
    "compute.instances.start": start, "compute.instances.stop": stop,
    "compute.instances.reset": reset, "compute.instances.insert": insert,
    "compute.instances.delete": delete, "compute.instances.attachDisk": attach_disk,
    "compute.disks.createSnapshot": create_snapshot, "compute.disks.insert": insert_disk,
    "compute.instanceGroupManagers.resize": resize,
    "compute.regionInstanceGroupManagers.resize": resize,
})
