"""The promises a runbook relies on, checked on what the read calls return: daily backups kept
for 7 days, a running snapshot schedule, zones the project still uses. Pure functions."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from drp_console.drift.model import Finding

RETENTION_DAYS = 7
"""The promise: 7 days of daily backups (Cloud SQL) and daily disk snapshots."""
DAILY = timedelta(hours=26)
"""A daily backup or snapshot is late when the newest is older than this (a day and slack)."""


def _time(text: Any) -> datetime | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _age(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24}d{hours % 24:02d}h" if hours >= 24 else f"{hours}h"


def sql_backup_settings(instance: dict[str, Any], step: str | None) -> list[Finding]:
    """A primary Cloud SQL instance must have automated backups on, keeping 7 or more."""
    if instance.get("instanceType") == "READ_REPLICA_INSTANCE":
        return []  # replicas have no backups of their own
    name = instance.get("name", "?")
    config = (instance.get("settings") or {}).get("backupConfiguration") or {}
    if not config.get("enabled"):
        return [Finding("backups", f"automated backups of {name} are disabled: turn them on "
                        "(the recovery plan relies on daily backups)", step)]
    kept = (config.get("backupRetentionSettings") or {}).get("retainedBackups")
    if isinstance(kept, (int, str)) and str(kept).isdigit() and int(kept) < RETENTION_DAYS:
        return [Finding("backups", f"{name} keeps {kept} backups, fewer than the "
                        f"{RETENTION_DAYS} days the plan promises", step)]
    return []


def sql_backup_runs(name: str, runs: dict[str, Any], now: datetime,
                    step: str | None) -> list[Finding]:
    """The newest successful backup of a primary must be at most a day old."""
    done = [t for t in (_time(r.get("endTime")) for r in runs.get("items") or ()
                        if r.get("status") == "SUCCESSFUL") if t is not None]
    if not done:
        return [Finding("backups", f"{name} has no successful backup: the restore steps have "
                        "nothing to restore", step)]
    newest = max(done)
    if now - newest > DAILY:
        return [Finding("backups", f"the newest successful backup of {name} is "
                        f"{_age(now - newest)} old (promised: daily, {RETENTION_DAYS} days kept)",
                        step)]
    return []


def snapshot_schedule(snapshots: dict[str, Any], now: datetime,
                      step: str | None) -> list[Finding]:
    """Per disk, the newest snapshot must be at most a day old (the daily schedule runs)."""
    newest: dict[str, datetime] = {}
    for snap in snapshots.get("items") or ():
        disk = str(snap.get("sourceDisk") or "").rstrip("/").rsplit("/", 1)[-1] or "?"
        at = _time(snap.get("creationTimestamp"))
        if at is not None and (disk not in newest or at > newest[disk]):
            newest[disk] = at
    if not newest:
        return [Finding("snapshots", "the project has no disk snapshots: the snapshot schedule "
                        "is not running", step)]
    return [Finding("snapshots", f"the newest snapshot of disk {disk} is {_age(now - at)} old: "
                    "the daily snapshot schedule has stopped", step)
            for disk, at in sorted(newest.items()) if now - at > DAILY]


def unused_zones(zones: dict[str, list[str]], vms_by_zone: dict[str, list[Any]],
                 sql_instances: Iterable[dict[str, Any]]) -> list[Finding]:
    """Zones the runbook names (zone -> its steps) where the project has no VM and no Cloud SQL
    instance any more."""
    sql_zones = {z for i in sql_instances for z in (i.get("gceZone"), i.get("secondaryGceZone"))}
    out = []
    for zone, steps in sorted(zones.items()):
        if vms_by_zone.get(zone) or zone in sql_zones:
            continue
        out.append(Finding("zone", f"zone {zone} (steps {', '.join(steps)}): the project has "
                           "no VM or Cloud SQL instance there any more; update the runbook"))
    return out
