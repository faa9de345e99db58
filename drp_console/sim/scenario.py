"""The simulation scenario (`drp-sim/v1`): the world a simulated run starts in, as data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.durations import parse_duration

_NAME = r"^[a-z]([-a-z0-9]*[a-z0-9])?$"
_TIME_OF_DAY = r"^([01]\d|2[0-3]):[0-5]\d$"


def _seconds(value: str | int | float) -> float:
    if isinstance(value, bool):
        raise ValueError("a duration is a string like 90s or 5m, or a number of seconds")
    if isinstance(value, (int, float)):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return float(value)
    return parse_duration(value)


Duration = Annotated[str | int | float, AfterValidator(_seconds)]
"""A duration: `90s`, `5m`, `1h30m`, or a number of seconds; stored as float seconds."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")


class Backups(_Frozen):
    """A daily backup schedule; runs are generated back from the simulator's start."""

    daily_at: str = Field(pattern=_TIME_OF_DAY)
    """UTC time of day the automated backup starts, `HH:MM`."""
    retention_days: int = Field(default=7, ge=1, le=365)
    """How many daily backups are kept (and how far back point-in-time recovery reaches)."""


class SnapshotSchedule(_Frozen):
    """Daily snapshots of some disks, named `<disk>-boot-YYYYMMDD` (a scenario addition)."""

    disks: list[str]
    """Disk names (in their own zones) to snapshot."""
    daily_at: str = Field(default="02:00", pattern=_TIME_OF_DAY)
    """UTC time of day the snapshot is taken."""
    retention_days: int = Field(default=7, ge=1, le=365)
    """How many daily snapshots are kept."""


class ComputeInstance(_Frozen):
    """A Compute Engine VM."""

    name: str = Field(pattern=_NAME)
    """The VM name."""
    zone: str
    """Its zone, e.g. `europe-west1-b`."""
    status: Literal["RUNNING", "TERMINATED", "STOPPED", "SUSPENDED", "STAGING", "PROVISIONING"] = "RUNNING"
    """Its status at the start."""
    machineType: str = "e2-standard-4"
    """Short name or URL of the machine type."""
    disks: list[str] | None = None
    """Names of its disks, boot disk first; absent: a boot disk named like the VM."""
    labels: dict[str, str] = {}
    """Labels."""


class Disk(_Frozen):
    """A zonal persistent disk (boot disks of instances exist without being listed)."""

    name: str = Field(pattern=_NAME)
    """The disk name."""
    zone: str
    """Its zone."""
    sizeGb: int = Field(default=20, ge=1)
    """Size in GB."""
    type: str = "pd-balanced"
    """Disk type short name."""
    sourceSnapshot: str | None = None
    """Snapshot it was created from, if any."""


class Snapshot(_Frozen):
    """A global disk snapshot."""

    name: str = Field(pattern=_NAME)
    """The snapshot name."""
    sourceDisk: str
    """The disk it was taken from (`zones/<zone>/disks/<disk>` or a full URL)."""
    creationTimestamp: str | None = None
    """RFC 3339 time it was taken; absent: one hour before the start."""
    diskSizeGb: int = Field(default=20, ge=1)
    """Size of the source disk in GB."""
    labels: dict[str, str] = {}
    """Labels."""


class MachineImage(_Frozen):
    """A global machine image."""

    name: str = Field(pattern=_NAME)
    """The image name."""
    sourceInstance: str | None = None
    """The VM it was made from (`zones/<zone>/instances/<vm>`)."""
    creationTimestamp: str | None = None
    """RFC 3339 time it was made; absent: one day before the start."""


class InstanceGroupManager(_Frozen):
    """A managed instance group, zonal (`zone`) or regional (`region`)."""

    name: str = Field(pattern=_NAME)
    """The group name."""
    zone: str | None = None
    """Zone of a zonal group."""
    region: str | None = None
    """Region of a regional group."""
    targetSize: int = Field(default=0, ge=0)
    """Instances it should have; that many run at the start."""
    baseInstanceName: str | None = None
    """Prefix of its instances' names; absent: the group name."""
    instanceTemplate: str | None = None
    """Template name or URL."""

    @model_validator(mode="after")
    def _one_location(self) -> InstanceGroupManager:
        if (self.zone is None) == (self.region is None):
            raise ValueError("give exactly one of zone (zonal group) or region (regional group)")
        return self


class BackupConfiguration(_Frozen):
    """Cloud SQL backup settings (REST `settings.backupConfiguration`)."""

    enabled: bool = True
    """Automated backups on."""
    startTime: str | None = Field(default=None, pattern=_TIME_OF_DAY)
    """UTC start of the backup window, `HH:MM`."""
    pointInTimeRecoveryEnabled: bool = True
    """PITR (PostgreSQL) on."""
    transactionLogRetentionDays: int = Field(default=7, ge=1, le=35)
    """Days of transaction logs kept for PITR."""


class SqlSettings(_Frozen):
    """The `settings` of a Cloud SQL instance (the fields the simulator models)."""

    tier: str | None = None
    """Machine tier, e.g. `db-custom-4-16384`."""
    availabilityType: Literal["ZONAL", "REGIONAL"] | None = None
    """REGIONAL = high availability with a standby in `secondaryGceZone`."""
    backupConfiguration: BackupConfiguration | None = None
    """Backups and PITR."""
    settingsVersion: int | None = Field(default=None, ge=1)
    """The settings version (preconditions for patch and failover)."""
    activationPolicy: Literal["ALWAYS", "NEVER"] | None = None
    """ALWAYS: the instance runs."""
    dataDiskSizeGb: int | None = Field(default=None, ge=10)
    """Data disk size."""
    edition: Literal["ENTERPRISE", "ENTERPRISE_PLUS"] | None = None
    """Cloud SQL edition."""


class SqlInstance(_Frozen):
    """A Cloud SQL instance."""

    name: str = Field(pattern=_NAME)
    """The instance name."""
    region: str
    """Its region."""
    gceZone: str | None = None
    """The zone serving it; absent: the region's zone `b`."""
    secondaryGceZone: str | None = None
    """The HA standby's zone (REGIONAL only); absent: the region's zone `c`."""
    state: Literal["RUNNABLE", "SUSPENDED", "MAINTENANCE", "FAILED"] = "RUNNABLE"
    """Its state at the start."""
    databaseVersion: str = "POSTGRES_16"
    """Engine and version."""
    instanceType: Literal["CLOUD_SQL_INSTANCE", "READ_REPLICA_INSTANCE"] | None = None
    """Absent: a read replica when it has a master, a primary otherwise."""
    masterInstanceName: str | None = None
    """The primary of a replica."""
    replicaNames: list[str] = []
    """Replicas of a primary (the replicas' masterInstanceName is filled in from it too)."""
    tier: str | None = None
    """Shortcut for `settings.tier`."""
    availabilityType: Literal["ZONAL", "REGIONAL"] | None = None
    """Shortcut for `settings.availabilityType`."""
    backupConfiguration: BackupConfiguration | None = None
    """Shortcut for `settings.backupConfiguration`."""
    settings: SqlSettings | None = None
    """Settings as REST names them."""
    backups: Backups | None = None
    """This instance's backup schedule; absent: `sql.backups` for primaries with backups on."""
    replicaLag: Duration = 0.5
    """A replica's replication lag while its primary is up (Cloud Monitoring's replica_lag);
    while the primary's zone or region is down it grows by the time it has been down."""


class ComputeWorld(_Frozen):
    """What exists in Compute Engine at the start."""

    instances: list[ComputeInstance] = []
    """VMs."""
    disks: list[Disk] = []
    """Extra disks (boot disks of VMs exist already)."""
    snapshots: list[Snapshot] = []
    """Snapshots."""
    snapshot_schedule: SnapshotSchedule | None = None
    """Daily snapshots generated back from the start."""
    machineImages: list[MachineImage] = []
    """Machine images."""
    instanceGroupManagers: list[InstanceGroupManager] = []
    """Managed instance groups."""


class SqlWorld(_Frozen):
    """What exists in Cloud SQL at the start."""

    instances: list[SqlInstance] = []
    """Instances."""
    backups: Backups | None = None
    """Default backup schedule of primaries with backups enabled."""


class Fault(_Frozen):
    """Something that breaks: an outage at an offset, or errors and delays on a call."""

    at: Duration = 0.0
    """Offset from the start after which the fault is active."""
    until: Duration | None = None
    """Offset at which the fault ends (absent: it lasts)."""
    zone_down: str | None = None
    """A zone whose resources fail and whose calls error."""
    region_down: str | None = None
    """A region: all of its zones and regional resources."""
    call: str | None = None
    """A catalog call name the fault applies to (`sql.instances.promoteReplica`)."""
    resource: str | None = None
    """Only calls on this resource name."""
    http_status: int | None = Field(default=None, ge=400, le=599)
    """The call is answered with this HTTP error."""
    operation_error: str | None = Field(default=None, pattern=r"^[A-Z][A-Z0-9_]*$")
    """The call's operation ends DONE with this error code."""
    extra_latency: Duration | None = None
    """Seconds (at speed 1) added to the call's operation."""
    times: int | None = Field(default=None, ge=1)
    """How many calls it hits (http_status and operation_error: default 1; extra_latency: all)."""
    corrupt_data: str | None = None
    """A Cloud SQL instance whose data is corrupted at `at` (a scenario addition)."""
    ago: Duration | None = None
    """For corrupt_data: the damage happened this long before the start (instead of `at`)."""

    @model_validator(mode="after")
    def _one_kind(self) -> Fault:
        kinds = [k for k in ("zone_down", "region_down", "corrupt_data") if getattr(self, k)]
        call_kinds = [k for k in ("http_status", "operation_error", "extra_latency")
                      if getattr(self, k) is not None]
        if self.call is not None and self.call not in CATALOG:
            raise ValueError(f"unknown call {self.call!r}: name one from the action catalog")
        if len(kinds) + len(call_kinds) != 1:
            raise ValueError("give exactly one of zone_down, region_down, corrupt_data, "
                             "http_status, operation_error, extra_latency")
        if self.ago is not None and self.corrupt_data is None:
            raise ValueError("`ago` goes only with corrupt_data")
        if call_kinds and self.call is None:
            raise ValueError(f"{call_kinds[0]} needs `call:` naming the call it hits")
        if (self.operation_error or self.extra_latency is not None) and self.call \
                and not CATALOG[self.call].mutating:
            raise ValueError(f"{self.call} is read-only and has no operation to fail or slow down")
        return self

    @property
    def kind(self) -> str:
        """Which kind of fault this is."""
        for k in ("zone_down", "region_down", "corrupt_data", "http_status",
                  "operation_error", "extra_latency"):
            if getattr(self, k) is not None:
                return k
        return "none"


def _check_latency(value: dict[str, Any]) -> dict[str, Any]:
    for call in value:
        if call not in CATALOG or not CATALOG[call].mutating:
            raise ValueError(f"{call!r} is not a mutating call of the action catalog")
    return value


class Scenario(_Frozen):
    """A simulation scenario, the `drp-sim/v1` format of RUNBOOK_FORMAT.md."""

    format: Literal["drp-sim/v1"]
    """Always `drp-sim/v1`."""
    id: str = Field(pattern=_NAME)
    """Identifier, like a runbook id."""
    title: str
    """One line describing the situation."""
    description: str | None = None
    """Longer text for the exercise controller."""
    project: str = "acme-prod"
    """The GCP project id everything lives in."""
    speed: float = Field(default=1.0, gt=0, le=100000)
    """Latencies run this many times faster than written."""
    compute: ComputeWorld = ComputeWorld()
    """Compute Engine resources."""
    sql: SqlWorld = SqlWorld()
    """Cloud SQL resources."""
    latency: Annotated[dict[str, Duration], AfterValidator(_check_latency)] = {}
    """Seconds (or durations) per operation of a call, at speed 1, overriding the defaults."""
    faults: list[Fault] = []
    """What breaks, and when."""


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file; raises `InvalidDocument` with path:line:col errors."""
    from drp_console.runbook.loader import load_document

    return load_document(Path(path), Scenario)
