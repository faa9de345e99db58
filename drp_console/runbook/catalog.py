"""The calls a runbook may name in `call:`: their kind, arguments and effects.

Pure data, no Google imports: the validator, the planner, the simulator and the action adapters
all read this one table, so a call cannot exist in one of them and not in the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ArgType = Literal["string", "integer", "boolean", "object", "array"]


@dataclass(frozen=True)
class Arg:
    """One argument of a call, by its REST name."""

    type: ArgType = "string"
    required: bool = True
    description: str = ""
    url: str | None = None
    """When the API wants a resource URL, the collection a short name expands into
    (`machineTypes`, `snapshots`, `machineImages`, `disks`)."""


@dataclass(frozen=True)
class Call:
    """One entry of the action catalog."""

    name: str
    kind: Literal["read", "mutating"]
    summary: str
    args: dict[str, Arg] = field(default_factory=dict)
    destructive: bool = False
    """Deletes or overwrites data: needs the strongest confirmation in live mode."""
    request_id: bool = False
    """Compute mutating calls: a requestId makes a re-sent call apply once."""
    creates: str | None = None
    """The argument naming a resource this call creates (for drill teardown tracking)."""
    deletes: str | None = None
    """The argument naming a resource this call deletes."""
    resource: str = "instance"
    """The argument naming the resource acted on (shown in plans, confirmations, reports)."""

    @property
    def mutating(self) -> bool:
        return self.kind == "mutating"

    @property
    def service(self) -> Literal["compute", "sql"]:
        return "compute" if self.name.startswith("compute.") else "sql"


_P = Arg(description="GCP project id")
_Z = Arg(description="zone, e.g. europe-west1-b")
_R = Arg(description="region, e.g. europe-west4")
_I = Arg(description="instance name")


def _c(name: str, kind: str, summary: str, **kw: Any) -> Call:
    return Call(name=name, kind=kind, summary=summary, **kw)  # type: ignore[arg-type]


_CALLS = [
    _c("compute.instances.get", "read", "Read a VM", args={"project": _P, "zone": _Z, "instance": _I}),
    _c("compute.instances.list", "read", "List the VMs of a zone", resource="zone",
       args={"project": _P, "zone": _Z, "filter": Arg(required=False, description="list filter")}),
    *(
        _c(f"compute.instances.{verb}", "mutating", f"{verb.capitalize()} a VM", request_id=True,
           args={"project": _P, "zone": _Z, "instance": _I})
        for verb in ("start", "stop", "reset")
    ),
    _c("compute.instances.insert", "mutating", "Create a VM from a machine image or snapshot",
       request_id=True, creates="name", resource="name",
       args={
           "project": _P, "zone": _Z, "name": Arg(description="new VM name"),
           "machineType": Arg(url="machineTypes", description="machine type, e.g. e2-standard-4"),
           "sourceMachineImage": Arg(required=False, url="machineImages"),
           "sourceSnapshot": Arg(required=False, url="snapshots",
                                 description="boot disk snapshot"),
           "networkInterfaces": Arg(type="array", required=False),
       }),
    _c("compute.instances.delete", "mutating", "Delete a VM", request_id=True, destructive=True,
       deletes="instance", args={"project": _P, "zone": _Z, "instance": _I}),
    _c("compute.instances.attachDisk", "mutating", "Attach a disk to a VM", request_id=True,
       args={"project": _P, "zone": _Z, "instance": _I,
             "source": Arg(url="disks", description="disk URL or name"),
             "forceAttach": Arg(type="boolean", required=False)}),
    _c("compute.disks.createSnapshot", "mutating", "Snapshot a disk", request_id=True,
       creates="snapshot", resource="disk",
       args={"project": _P, "zone": _Z, "disk": Arg(), "snapshot": Arg(description="snapshot name")}),
    _c("compute.disks.insert", "mutating", "Create a disk from a snapshot", request_id=True,
       creates="name", resource="name",
       args={"project": _P, "zone": _Z, "name": Arg(), "sourceSnapshot": Arg(url="snapshots")}),
    _c("compute.snapshots.list", "read", "List snapshots", resource="project",
       args={"project": _P, "filter": Arg(required=False)}),
    _c("compute.instanceGroupManagers.resize", "mutating", "Resize a zonal instance group",
       request_id=True, resource="instanceGroupManager",
       args={"project": _P, "zone": _Z, "instanceGroupManager": Arg(),
             "size": Arg(type="integer")}),
    _c("compute.regionInstanceGroupManagers.resize", "mutating",
       "Resize a regional instance group", request_id=True, resource="instanceGroupManager",
       args={"project": _P, "region": _R, "instanceGroupManager": Arg(),
             "size": Arg(type="integer")}),
    _c("sql.instances.get", "read", "Read a Cloud SQL instance",
       args={"project": _P, "instance": _I}),
    _c("sql.instances.list", "read", "List Cloud SQL instances", resource="project",
       args={"project": _P}),
    _c("sql.instances.failover", "mutating", "Fail over to the HA standby",
       args={"project": _P, "instance": _I}),
    _c("sql.instances.promoteReplica", "mutating", "Promote a read replica to a primary",
       args={"project": _P, "instance": _I, "failover": Arg(type="boolean", required=False)}),
    _c("sql.instances.switchover", "mutating", "Switch over to a DR replica",
       args={"project": _P, "instance": _I}),
    _c("sql.instances.restart", "mutating", "Restart a Cloud SQL instance",
       args={"project": _P, "instance": _I}),
    _c("sql.instances.restoreBackup", "mutating", "Restore a backup over an instance",
       destructive=True,
       args={"project": _P, "instance": _I,
             "backupRunId": Arg(type="integer", description="id of the backup run"),
             "backupInstance": Arg(required=False,
                                   description="instance the backup belongs to")}),
    _c("sql.instances.clone", "mutating", "Clone an instance, optionally to a point in time",
       creates="destinationInstanceName",
       args={"project": _P, "instance": _I, "destinationInstanceName": Arg(),
             "pointInTime": Arg(required=False, description="RFC 3339 time")}),
    _c("sql.instances.patch", "mutating", "Change an instance's settings",
       args={"project": _P, "instance": _I, "settings": Arg(type="object")}),
    _c("sql.instances.delete", "mutating", "Delete a Cloud SQL instance", destructive=True,
       deletes="instance", args={"project": _P, "instance": _I}),
    _c("sql.backupRuns.list", "read", "List backup runs, newest first",
       args={"project": _P, "instance": _I}),
    _c("sql.backupRuns.insert", "mutating", "Take an on-demand backup",
       args={"project": _P, "instance": _I}),
]

CATALOG: dict[str, Call] = {c.name: c for c in _CALLS}


def lookup(name: str) -> Call | None:
    """The catalog entry for a call name, or None."""
    return CATALOG.get(name)
