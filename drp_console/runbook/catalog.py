"""The calls a runbook may name in `call:`: their kind, arguments and effects.

Pure data, no Google imports: the validator, the planner, the simulator and the action adapters
all read this one table, so a call cannot exist in one of them and not in the others.
"""

from __future__ import annotations

from collections.abc import Iterable
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
    restores: bool = False
    """Brings back data of a known time (a backup, a point in time, a promoted replica's data
    as of its measured lag, a switchover's zero loss): the run's restore point, which the RPO
    achieved is measured from."""
    restore_arg: str | None = None
    """When the call restores only with one of its arguments given (clone: `pointInTime`)."""

    @property
    def mutating(self) -> bool:
        return self.kind == "mutating"

    @property
    def service(self) -> Literal["compute", "sql", "monitoring"]:
        return self.name.split(".", 1)[0]  # type: ignore[return-value]


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
    _c("compute.instances.insert", "mutating",
       "Create a VM from an instance template, a machine image or a snapshot",
       request_id=True, creates="name", resource="name",
       args={
           "project": _P, "zone": _Z, "name": Arg(description="new VM name"),
           "machineType": Arg(url="machineTypes", required=False,
                              description="machine type, e.g. e2-standard-4 (needed with "
                                          "sourceSnapshot; a template or image gives one)"),
           "sourceInstanceTemplate": Arg(required=False, url="instanceTemplates",
                                         description="instance template to build the VM from"),
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
    _c("compute.instanceTemplates.list", "read", "List instance templates", resource="project",
       args={"project": _P, "filter": Arg(required=False, description="list filter")}),
    _c("compute.instanceTemplates.get", "read", "Read an instance template",
       resource="instanceTemplate",
       args={"project": _P, "instanceTemplate": Arg(description="template name")}),
    _c("compute.regionInstanceGroupManagers.get", "read", "Read a regional instance group",
       resource="instanceGroupManager",
       args={"project": _P, "region": _R, "instanceGroupManager": Arg()}),
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
    _c("sql.instances.promoteReplica", "mutating",
       "Promote a read replica to a primary (failover: true keeps the old primary as its "
       "replica: replica failover)", restores=True,
       args={"project": _P, "instance": _I, "failover": Arg(type="boolean", required=False)}),
    _c("sql.instances.switchover", "mutating",
       "Planned switchover to a DR replica (the old primary becomes its replica)",
       restores=True, args={"project": _P, "instance": _I}),
    _c("sql.instances.restart", "mutating", "Restart a Cloud SQL instance",
       args={"project": _P, "instance": _I}),
    _c("sql.instances.restoreBackup", "mutating", "Restore a backup over an instance",
       destructive=True, restores=True,
       args={"project": _P, "instance": _I,
             "backupRunId": Arg(type="integer", description="id of the backup run"),
             "backupInstance": Arg(required=False,
                                   description="instance the backup belongs to")}),
    _c("sql.instances.clone", "mutating", "Clone an instance, optionally to a point in time",
       creates="destinationInstanceName", restores=True, restore_arg="pointInTime",
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
    _c("monitoring.timeSeries.list", "read",
       "Read a replica's replication lag (cloudsql.googleapis.com/database/replication/"
       "replica_lag) from Cloud Monitoring: result.lagSeconds, result.at",
       args={"project": _P, "instance": Arg(description="the replica's instance name"),
             "minutes": Arg(type="integer", required=False,
                            description="how far back to look (default 10)")}),
]

CATALOG: dict[str, Call] = {c.name: c for c in _CALLS}


def lookup(name: str) -> Call | None:
    """The catalog entry for a call name, or None."""
    return CATALOG.get(name)


def services_called(steps: Iterable[Any]) -> set[str]:
    """The catalog services (`compute`, `sql`, `monitoring`) the steps' `call:`s use."""
    found: set[str] = set()
    for step in steps:
        call = lookup(getattr(step, "call", None) or "")
        if call is not None:
            found.add(call.service)
    return found
