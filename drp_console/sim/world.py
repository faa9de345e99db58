"""The simulated world: every resource as its REST JSON, built from a scenario, saved as JSON."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import threading
from typing import Any

from drp_console.sim.errors import ApiError, not_found
from drp_console.sim.scenario import Scenario

COMPUTE = "https://www.googleapis.com/compute/v1/projects/"
SQL = "https://sqladmin.googleapis.com/sql/v1beta4/projects/"
WORLD_VERSION = 1


def rfc3339(epoch: float) -> str:
    """An RFC 3339 UTC time with milliseconds, as Google APIs write it."""
    t = dt.datetime.fromtimestamp(epoch, dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def parse_time(text: str) -> float:
    """Epoch seconds of an RFC 3339 time (`Z` or an offset)."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", text.strip().replace("z", "Z").replace("Z", "+00:00"))
    t = dt.datetime.fromisoformat(text)
    if t.tzinfo is None:
        t = t.replace(tzinfo=dt.UTC)
    return t.timestamp()


def region_of(zone: str) -> str:
    """`europe-west1-b` -> `europe-west1`."""
    return zone.rsplit("-", 1)[0]


def short(value: str) -> str:
    """The last path segment of a resource URL (or the name itself)."""
    return value.rstrip("/").rsplit("/", 1)[-1]


def fingerprint(obj: Any) -> str:
    """A stable fingerprint of a value: base64 of 8 bytes, as Compute and Cloud SQL write them
    (`8uVmjkmLcBU=`)."""
    return base64.b64encode(hashlib.sha256(repr(obj).encode()).digest()[:8]).decode()


def master_of(inst: dict[str, Any]) -> str | None:
    """The bare name of a replica's primary: `masterInstanceName` may be `project:name`."""
    master = inst.get("masterInstanceName")
    return master.rsplit(":", 1)[-1] if master else None


def daily_times(start: float, daily_at: str, days: int) -> list[float]:
    """The last `days` daily times `HH:MM` UTC at or before `start`, newest first."""
    hh, mm = (int(x) for x in daily_at.split(":"))
    day = dt.datetime.fromtimestamp(start, dt.UTC).replace(
        hour=hh, minute=mm, second=0, microsecond=0)
    if day.timestamp() > start:
        day -= dt.timedelta(days=1)
    return [(day - dt.timedelta(days=i)).timestamp() for i in range(days)]


class World:
    """The state of the simulated cloud: REST resources plus the simulator's bookkeeping.

    Everything is plain JSON data in `self.data`, so it can be saved and loaded whole; `lock`
    guards it (the server handles requests on several threads).
    """

    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.lock = threading.RLock()
        self.dirty = True

    # ----- building ---------------------------------------------------------------------
    @classmethod
    def from_scenario(cls, scenario: Scenario, now: float) -> World:
        """A fresh world at time `now` from a scenario."""
        world = cls({
            "version": WORLD_VERSION, "scenario": scenario.model_dump(mode="json"),
            "project": scenario.project, "speed": scenario.speed, "started_at": now,
            "next_id": 1, "instances": {}, "disks": {}, "snapshots": {}, "machineImages": {},
            "igms": {}, "instanceTemplates": {}, "sql": {}, "backupRuns": {}, "operations": {},
            "requestIds": {},
            "calls": {}, "mutations": {}, "fault_hits": {},
        })
        from drp_console.sim.seed import seed
        seed(world, scenario, now)
        return world

    @property
    def project(self) -> str:
        """The scenario's project id."""
        return self.data["project"]

    @property
    def speed(self) -> float:
        """How many times faster than real time operations run."""
        return float(self.data["speed"])

    @property
    def started_at(self) -> float:
        """Epoch seconds the world started (fault offsets count from here)."""
        return float(self.data["started_at"])

    def new_id(self) -> str:
        """A fresh numeric resource id (uint64 as a string)."""
        self.data["next_id"] += 1
        return str(4_000_000_000_000_000_000 + self.data["next_id"] * 7919)

    # ----- Compute links ----------------------------------------------------------------
    def zone_url(self, zone: str) -> str:
        """Full URL of a zone."""
        return f"{COMPUTE}{self.project}/zones/{zone}"

    def region_url(self, region: str) -> str:
        """Full URL of a region."""
        return f"{COMPUTE}{self.project}/regions/{region}"

    def global_url(self, collection: str, name: str) -> str:
        """Full URL of a global resource."""
        return f"{COMPUTE}{self.project}/global/{collection}/{name}"

    def sql_url(self, instance: str) -> str:
        """Full URL of a Cloud SQL instance."""
        return f"{SQL}{self.project}/instances/{instance}"

    # ----- lookups (404 when missing) ---------------------------------------------------
    def get(self, collection: str, key: str, label: str | None = None) -> dict[str, Any]:
        """A stored resource by collection and key, or a 404 ApiError."""
        found = self.data.get(collection, {}).get(key)
        if found is None:
            service = "sql" if collection == "sql" else "compute"
            raise not_found(service, label or self._label(collection, key))
        return found

    def _label(self, collection: str, key: str) -> str:
        if collection in ("instances", "disks"):
            zone, name = key.split("/", 1)
            return f"projects/{self.project}/zones/{zone}/{collection}/{name}"
        if collection in ("snapshots", "machineImages", "instanceTemplates"):
            return f"projects/{self.project}/global/{collection}/{key}"
        if collection == "igms":
            return f"projects/{self.project}/{key.replace(':', '/instanceGroupManagers/')}"
        return key

    def check_project(self, project: str, service: str) -> None:
        """404 for a project other than the scenario's."""
        if project != self.project:  # Cloud SQL answers 403 for a project it cannot see
            code, reason = (404, "notFound") if service == "compute" else (403, "notAuthorized")
            raise ApiError(code, f"The project '{project}' does not exist in this simulation "
                                 f"(it has '{self.project}')", reason)

    # ----- outages ----------------------------------------------------------------------
    def outage(self, now: float, zone: str | None = None, region: str | None = None) -> str | None:
        """The zone or region that is down for a zone or region at `now`, else None."""
        offset = now - self.started_at
        region = region or (region_of(zone) if zone else None)
        for fault in self.data["scenario"]["faults"]:
            if fault["at"] > offset or (fault["until"] is not None and fault["until"] <= offset):
                continue
            if zone and fault["zone_down"] == zone:
                return zone
            if region and fault["region_down"] == region:
                return region
        return None

    def corruption_time(self, instance: str) -> float | None:
        """When an instance's data was corrupted (a `corrupt_data` fault), else None."""
        for fault in self.data["scenario"]["faults"]:
            if fault["corrupt_data"] == instance:
                return self.started_at + (-fault["ago"] if fault.get("ago") else fault["at"])
        return None

    # ----- bookkeeping ------------------------------------------------------------------
    def count_call(self, method: str, resource: str, request_id: str | None,
                   save: bool = True) -> None:
        """Count one call per method + resource + requestId (shown in /_sim/state).

        `save=False` (read calls) does not by itself make the world worth writing to disk."""
        key = f"{method} {resource} {request_id or '-'}"
        self.data["calls"][key] = self.data["calls"].get(key, 0) + 1
        self.dirty = self.dirty or save

    def record_mutation(self, resource: str, method: str, operation: str,
                        request_id: str | None, now: float) -> None:
        """Record that a mutating call's effect was applied to a resource."""
        self.data["mutations"].setdefault(resource, []).append(
            {"method": method, "operation": operation, "requestId": request_id,
             "at": rfc3339(now)})
        self.dirty = True

    def to_dict(self) -> dict[str, Any]:
        """The whole world as JSON data."""
        return self.data


def public(resource: dict[str, Any]) -> dict[str, Any]:
    """A stored resource without the simulator's private `_sim` fields."""
    return {k: v for k, v in resource.items() if k != "_sim"}
