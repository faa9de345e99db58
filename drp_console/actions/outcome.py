"""What a cloud call hands back to the engine: its result, operation, restore point and effects."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from drp_console.gcp.errors import CloudError


@dataclass(frozen=True)
class OperationRef:
    """A long-running operation, enough to poll it again after a restart (journaled as a dict)."""

    name: str
    """The operation's name as the API gave it."""
    service: Literal["compute", "sql"]
    """Which API owns it."""
    scope: Literal["zone", "region", "global", "sql"]
    """Compute operations live in a zone, a region or globally; SQL ones per project."""
    location: str | None
    """The zone or region of a Compute operation; None for global and SQL operations."""
    project: str
    """The project the operation runs in."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict for the journal."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OperationRef:
        """Rebuild a reference read back from the journal."""
        return cls(name=data["name"], service=data["service"], scope=data["scope"],
                   location=data.get("location"), project=data["project"])


@dataclass(frozen=True)
class ResourceRef:
    """A resource a call creates or deletes (drill teardown tracking, the report)."""

    kind: str
    """`compute.instance`, `compute.disk`, `compute.snapshot`, `sql.instance`."""
    name: str
    """The resource's name."""
    location: str | None = None
    """Its zone, `global`, or None when the call does not say (SQL instances)."""

    def to_dict(self) -> dict[str, Any]:
        """The journal's `resource` shape: kind, name, location."""
        return asdict(self)


@dataclass(frozen=True)
class CallOutcome:
    """The immediate answer of one catalog call (an operation still has to be polled)."""

    result: dict[str, Any] | None
    """The resource, list or operation with REST JSON field names (camelCase, enum names)."""
    operation: OperationRef | None = None
    """The long-running operation a mutating call started, to be polled until DONE."""
    restore_point: str | dict[str, Any] | None = None
    """ISO-8601 UTC time the restored data is from (restoreBackup, clone at a point in time),
    or a dict `{at, kind, ...}` (a promotion: `kind: replica_lag`, `lag_seconds`)."""
    created: list[ResourceRef] = field(default_factory=list)
    """Resources this call creates once its operation succeeds."""
    deleted: list[ResourceRef] = field(default_factory=list)
    """Resources this call deletes once its operation succeeds."""


@dataclass(frozen=True)
class OperationStatus:
    """One reading of an operation."""

    status: Literal["PENDING", "RUNNING", "DONE"]
    """Where the operation is."""
    progress: int | None
    """Percent done when the API reports it (Compute), else None (Cloud SQL)."""
    error: CloudError | None
    """Set when the operation finished with an error; its `transient` says whether to retry."""
    result: dict[str, Any]
    """The operation as REST JSON (camelCase, enum names)."""

    @property
    def done(self) -> bool:
        """True once the operation has finished, well or badly."""
        return self.status == "DONE"
