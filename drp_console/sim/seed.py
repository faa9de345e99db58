"""Realistic REST resources for everything a scenario names, with defaults for what it leaves out."""

from __future__ import annotations

import datetime as dt
from typing import Any

from drp_console.sim.real_fields import designate_dr_replica, real_sql_fields
from drp_console.sim.scenario import Scenario, SqlInstance
from drp_console.sim.world import (
    World,
    daily_times,
    fingerprint,
    master_of,
    parse_time,
    region_of,
    rfc3339,
    short,
)

DAY = 86400.0
SOURCE_IMAGE = ("https://www.googleapis.com/compute/v1/projects/debian-cloud/global/images/"
                "debian-12-bookworm-v20261110")
"""The public image boot disks are made from (a disk made from a snapshot names that instead)."""
SOURCE_IMAGE_ID = "5123097521427046713"


def machine_type_url(world: World, zone: str, machine_type: str) -> str:
    """A machine type URL from a short name or a (partial) URL."""
    return f"{world.zone_url(zone)}/machineTypes/{short(machine_type)}"


def new_disk(world: World, zone: str, name: str, now: float, size_gb: int = 20,
             disk_type: str = "pd-balanced", source_snapshot: str | None = None) -> dict[str, Any]:
    """A READY zonal disk."""
    disk = {
        "kind": "compute#disk", "id": world.new_id(), "creationTimestamp": rfc3339(now),
        "name": name, "sizeGb": str(size_gb), "zone": world.zone_url(zone), "status": "READY",
        "selfLink": f"{world.zone_url(zone)}/disks/{name}",
        "type": f"{world.zone_url(zone)}/diskTypes/{short(disk_type)}",
        "users": [], "labels": {}, "labelFingerprint": fingerprint({}),
        "physicalBlockSizeBytes": "4096",
    }
    if source_snapshot:
        disk["sourceSnapshot"] = world.global_url("snapshots", short(source_snapshot))
        disk["sourceSnapshotId"] = world.data["snapshots"].get(short(source_snapshot),
                                                               {}).get("id", world.new_id())
    else:
        disk["sourceImage"] = SOURCE_IMAGE
        disk["sourceImageId"] = SOURCE_IMAGE_ID
    world.data["disks"][f"{zone}/{name}"] = disk
    return disk


def new_instance(world: World, zone: str, name: str, machine_type: str, status: str,
                 disks: list[str], now: float, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A VM whose disks (names in its zone) exist; boot disk first."""
    url = f"{world.zone_url(zone)}/instances/{name}"
    attached = []
    for index, disk_name in enumerate(disks):
        disk = world.data["disks"].get(f"{zone}/{disk_name}") or new_disk(world, zone, disk_name, now)
        disk["users"] = sorted(set(disk["users"]) | {url})
        disk["lastAttachTimestamp"] = rfc3339(now)
        attached.append({
            "kind": "compute#attachedDisk", "type": "PERSISTENT", "mode": "READ_WRITE",
            "source": disk["selfLink"], "deviceName": disk_name, "index": index,
            "boot": index == 0, "autoDelete": index == 0, "interface": "SCSI",
            "diskSizeGb": disk["sizeGb"],
        })
    labels = dict(labels or {})
    instance = {
        "kind": "compute#instance", "id": world.new_id(), "creationTimestamp": rfc3339(now - 30 * DAY),
        "name": name, "zone": world.zone_url(zone),
        "machineType": machine_type_url(world, zone, machine_type), "status": status,
        "disks": attached, "canIpForward": False, "deletionProtection": False,
        "networkInterfaces": [{
            "kind": "compute#networkInterface", "name": "nic0",
            "network": world.global_url("networks", "default"),
            "subnetwork": f"{world.region_url(region_of(zone))}/subnetworks/default",
            "networkIP": f"10.{132 + len(world.data['instances']) // 250}."
                         f"0.{2 + len(world.data['instances']) % 250}",
            "stackType": "IPV4_ONLY", "fingerprint": fingerprint((name, "nic0")),
        }],
        "metadata": {"kind": "compute#metadata", "fingerprint": fingerprint((name, "metadata"))},
        "tags": {"fingerprint": fingerprint((name, "tags"))},
        "labels": labels, "labelFingerprint": fingerprint(labels),
        "fingerprint": fingerprint((name, status)), "cpuPlatform": "Intel Broadwell",
        "selfLink": url, "startRestricted": False,
        "scheduling": {"onHostMaintenance": "MIGRATE", "automaticRestart": True,
                       "preemptible": False, "provisioningModel": "STANDARD"},
    }
    if status == "RUNNING":
        instance["lastStartTimestamp"] = rfc3339(now - 7 * DAY)
    world.data["instances"][f"{zone}/{name}"] = instance
    return instance


def new_snapshot(world: World, name: str, source_disk: str, created: float,
                 size_gb: int = 20, labels: dict[str, str] | None = None) -> dict[str, Any]:
    """A READY global snapshot of a zonal disk (`zones/<zone>/disks/<disk>` or a URL)."""
    parts = source_disk.rstrip("/").split("/")
    zone = parts[parts.index("zones") + 1] if "zones" in parts else "europe-west1-b"
    labels = dict(labels or {})
    snap = {
        "kind": "compute#snapshot", "id": world.new_id(), "creationTimestamp": rfc3339(created),
        "name": name, "status": "READY", "selfLink": world.global_url("snapshots", name),
        "sourceDisk": f"{world.zone_url(zone)}/disks/{parts[-1]}", "diskSizeGb": str(size_gb),
        "storageBytes": str(size_gb * 1024 ** 3 // 4), "storageBytesStatus": "UP_TO_DATE",
        "storageLocations": ["eu"], "labels": labels, "labelFingerprint": fingerprint(labels),
        "snapshotType": "STANDARD", "autoCreated": False,
    }
    world.data["snapshots"][name] = snap
    return snap


def _seed_compute(world: World, scenario: Scenario, now: float) -> None:
    comp = scenario.compute
    for d in comp.disks:
        new_disk(world, d.zone, d.name, now, d.sizeGb, d.type, d.sourceSnapshot)
    for i in comp.instances:
        new_instance(world, i.zone, i.name, i.machineType, i.status, i.disks or [i.name], now,
                     i.labels)
    for s in comp.snapshots:
        created = parse_time(s.creationTimestamp) if s.creationTimestamp else now - 3600
        new_snapshot(world, s.name, s.sourceDisk, created, s.diskSizeGb, s.labels)
    if comp.snapshot_schedule:
        sched = comp.snapshot_schedule
        for disk_name in sched.disks:
            zone = next((k.split("/")[0] for k in world.data["disks"] if k.endswith("/" + disk_name)),
                        "europe-west1-b")
            for t in daily_times(now, sched.daily_at, sched.retention_days):
                day = dt.datetime.fromtimestamp(t, dt.UTC).strftime("%Y%m%d")
                new_snapshot(world, f"{disk_name}-boot-{day}", f"zones/{zone}/disks/{disk_name}",
                             t + 120, labels={"schedule": "daily"})
    for m in comp.machineImages:
        created = parse_time(m.creationTimestamp) if m.creationTimestamp else now - DAY
        world.data["machineImages"][m.name] = {
            "kind": "compute#machineImage", "id": world.new_id(), "creationTimestamp": rfc3339(created),
            "name": m.name, "status": "READY", "selfLink": world.global_url("machineImages", m.name),
            "sourceInstance": (f"{world.zone_url(m.sourceInstance.split('/')[1])}/instances/"
                               f"{short(m.sourceInstance)}" if m.sourceInstance
                               and m.sourceInstance.startswith("zones/") else m.sourceInstance),
            "storageLocations": ["eu"], "totalStorageBytes": str(20 * 1024 ** 3),
            "guestFlush": False,
        }
        if world.data["machineImages"][m.name]["sourceInstance"] is None:
            del world.data["machineImages"][m.name]["sourceInstance"]
    for g in comp.instanceGroupManagers:
        scope = f"zones/{g.zone}" if g.zone else f"regions/{g.region}"
        igm = new_igm(world, scope, g.name, g.baseInstanceName or g.name,
                      g.instanceTemplate or f"{g.name}-template", now)
        set_group_size(world, igm, g.targetSize, now, ready_at=now, avoid_outages=False)


def new_igm(world: World, scope: str, name: str, base: str, template: str, now: float) -> dict[str, Any]:
    """An empty managed instance group at `zones/<z>` or `regions/<r>`."""
    kind, loc = scope.split("/")
    loc_url = world.zone_url(loc) if kind == "zones" else world.region_url(loc)
    igm: dict[str, Any] = {
        "kind": "compute#instanceGroupManager", "id": world.new_id(),
        "creationTimestamp": rfc3339(now - 90 * DAY), "name": name,
        ("zone" if kind == "zones" else "region"): loc_url,
        "instanceTemplate": world.global_url("instanceTemplates", short(template)),
        "instanceGroup": f"{loc_url}/instanceGroups/{name}", "baseInstanceName": base,
        "fingerprint": fingerprint((name, 0)), "targetSize": 0,
        "selfLink": f"{loc_url}/instanceGroupManagers/{name}",
        "versions": [{"instanceTemplate": world.global_url("instanceTemplates", short(template))}],
        "updatePolicy": {"type": "OPPORTUNISTIC", "minimalAction": "REPLACE",
                         "maxSurge": {"fixed": 3, "calculated": 3},
                         "maxUnavailable": {"fixed": 0, "calculated": 0},
                         "replacementMethod": "SUBSTITUTE"},
        "listManagedInstancesResults": "PAGELESS",
        "autoHealingPolicies": [{"healthCheck": world.global_url("healthChecks", f"{base}-hc"),
                                 "initialDelaySec": 300}],
        "_sim": {"members": []},
    }
    new_template(world, short(template), "e2-standard-4", now - 90 * DAY)
    if kind == "regions":
        igm["updatePolicy"]["instanceRedistributionType"] = "PROACTIVE"
        igm["distributionPolicy"] = {"zones": [{"zone": world.zone_url(f"{loc}-{z}")}
                                               for z in _region_zones(loc)],
                                     "targetShape": "EVEN"}
    world.data["igms"][f"{kind}/{loc}:{name}"] = igm
    return igm


def new_template(world: World, name: str, machine_type: str, created: float) -> dict[str, Any]:
    """A global instance template (kept if one of that name exists already)."""
    templates = world.data.setdefault("instanceTemplates", {})
    if name in templates:
        return templates[name]
    templates[name] = {
        "kind": "compute#instanceTemplate", "id": world.new_id(),
        "creationTimestamp": rfc3339(created), "name": name,
        "selfLink": world.global_url("instanceTemplates", name),
        "properties": {
            "machineType": short(machine_type), "canIpForward": False,
            "disks": [{"kind": "compute#attachedDisk", "type": "PERSISTENT", "mode": "READ_WRITE",
                       "deviceName": "boot", "index": 0, "boot": True, "autoDelete": True,
                       "interface": "SCSI",
                       "initializeParams": {"sourceImage": SOURCE_IMAGE,
                                            "diskSizeGb": "20", "diskType": "pd-balanced"}}],
            "networkInterfaces": [{"kind": "compute#networkInterface", "name": "nic0",
                                   "network": world.global_url("networks", "default")}],
            "metadata": {"kind": "compute#metadata", "fingerprint": fingerprint((name, "m"))},
            "tags": {}, "labels": {},
            "scheduling": {"onHostMaintenance": "MIGRATE", "automaticRestart": True,
                           "preemptible": False, "provisioningModel": "STANDARD"},
            "serviceAccounts": [{"email": "default", "scopes": [
                "https://www.googleapis.com/auth/cloud-platform"]}],
        },
    }
    return templates[name]


def _region_zones(region: str) -> list[str]:
    return ["b", "c", "d"] if region == "europe-west1" else ["a", "b", "c"]


def _sql_instance(world: World, spec: SqlInstance, masters: dict[str, str], now: float,
                  scenario: Scenario) -> dict[str, Any]:
    settings = spec.settings
    master = spec.masterInstanceName or masters.get(spec.name)
    replica = master is not None
    avail = spec.availabilityType or (settings and settings.availabilityType) or (
        "ZONAL" if replica else "REGIONAL")
    backup_conf = spec.backupConfiguration or (settings and settings.backupConfiguration)
    schedule = spec.backups or (scenario.sql.backups if not replica else None)
    backups_on = (backup_conf.enabled if backup_conf else (schedule is not None and not replica))
    start_time = (backup_conf and backup_conf.startTime) or (schedule.daily_at if schedule else "02:00")
    retention = schedule.retention_days if schedule else 7
    zone = spec.gceZone or f"{spec.region}-{_region_zones(spec.region)[0]}"
    secondary = spec.secondaryGceZone or f"{spec.region}-{_region_zones(spec.region)[1]}"
    inst: dict[str, Any] = {
        "kind": "sql#instance", "name": spec.name, "project": world.project,
        "connectionName": f"{world.project}:{spec.region}:{spec.name}",
        "databaseVersion": spec.databaseVersion, "region": spec.region, "gceZone": zone,
        "state": spec.state, "backendType": "SECOND_GEN",
        "instanceType": spec.instanceType or ("READ_REPLICA_INSTANCE" if replica else "CLOUD_SQL_INSTANCE"),
        "replicaNames": list(spec.replicaNames), "selfLink": world.sql_url(spec.name),
        "serviceAccountEmailAddress":
            f"p{world.new_id()[-12:]}-abc123@gcp-sa-cloud-sql.iam.gserviceaccount.com",
        "ipAddresses": [{"type": "PRIVATE", "ipAddress": f"10.20.0.{3 + len(world.data['sql'])}"}]
        + ([] if replica else [{"type": "PRIMARY",
                                "ipAddress": f"34.76.12.{10 + len(world.data['sql'])}"}]),
        "createTime": rfc3339(now - 400 * DAY), "etag": fingerprint((spec.name, 1)),
        "settings": {
            "kind": "sql#settings",
            "settingsVersion": str((settings and settings.settingsVersion) or 7),
            "tier": spec.tier or (settings and settings.tier) or "db-custom-4-16384",
            "availabilityType": avail,
            "activationPolicy": (settings and settings.activationPolicy) or "ALWAYS",
            "pricingPlan": "PER_USE", "dataDiskType": "PD_SSD",
            "dataDiskSizeGb": str((settings and settings.dataDiskSizeGb) or 100),
            "edition": (settings and settings.edition) or _edition_of(scenario, master),
            "storageAutoResize": True, "replicationType": "SYNCHRONOUS",
            "backupConfiguration": {
                "kind": "sql#backupConfiguration", "enabled": bool(backups_on),
                "startTime": start_time,
                "pointInTimeRecoveryEnabled": bool(backups_on and (
                    backup_conf.pointInTimeRecoveryEnabled if backup_conf else True)),
                "transactionLogRetentionDays": backup_conf.transactionLogRetentionDays
                if backup_conf else 7,
                "backupRetentionSettings": {"retentionUnit": "COUNT", "retainedBackups": retention},
                "location": "eu",
            },
            "ipConfiguration": {
                "ipv4Enabled": not replica,
                "privateNetwork": f"projects/{world.project}/global/networks/default",
                "sslMode": "ENCRYPTED_ONLY",
                "authorizedNetworks": [] if replica else [
                    {"kind": "sql#aclEntry", "name": "office-vpn", "value": "203.0.113.0/24"}],
            },
            "locationPreference": {"kind": "sql#locationPreference", "zone": zone},
        },
        "_sim": {"dataAsOf": None, "restoredFrom": None},
    }
    real_sql_fields(world, inst, spec.databaseVersion, now)
    if avail == "REGIONAL":
        inst["failoverReplica"] = {"available": True}
        inst["secondaryGceZone"] = secondary
        inst["settings"]["locationPreference"]["secondaryZone"] = secondary
    if replica:
        inst["masterInstanceName"] = master
        inst["replicaConfiguration"] = {"kind": "sql#replicaConfiguration", "failoverTarget": False}
    world.data["sql"][spec.name] = inst
    runs: list[dict[str, Any]] = []
    if backups_on and schedule:
        for t in daily_times(now, start_time, retention):
            runs.append(new_backup_run(world, spec.name, t, "AUTOMATED", spec.databaseVersion))
    world.data["backupRuns"][spec.name] = runs
    return inst


def _edition_of(scenario: Scenario, master: str | None) -> str:
    """A replica's edition is its primary's; ENTERPRISE otherwise."""
    spec = next((s for s in scenario.sql.instances if s.name == master), None)
    return (spec and spec.settings and spec.settings.edition) or "ENTERPRISE"


def new_backup_run(world: World, instance: str, start: float, kind: str,
                   version: str, status: str = "SUCCESSFUL", duration: float = 540.0) -> dict[str, Any]:
    """A backup run of an instance started at `start` (id = its start in milliseconds)."""
    run_id = str(int(start * 1000))
    run = {
        "kind": "sql#backupRun", "id": run_id, "instance": instance, "status": status,
        "type": kind, "backupKind": "SNAPSHOT", "databaseVersion": version,
        "enqueuedTime": rfc3339(start), "startTime": rfc3339(start), "windowStartTime": rfc3339(start),
        "location": "eu", "selfLink": f"{world.sql_url(instance)}/backupRuns/{run_id}",
    }
    if status == "SUCCESSFUL":
        run["endTime"] = rfc3339(start + duration)
    return run


def seed(world: World, scenario: Scenario, now: float) -> None:
    """Fill a fresh world with the scenario's resources."""
    _seed_compute(world, scenario, now)
    masters = {r: s.name for s in scenario.sql.instances for r in s.replicaNames}
    for spec in scenario.sql.instances:
        _sql_instance(world, spec, masters, now, scenario)
    for name, inst in world.data["sql"].items():
        master = master_of(inst)
        if master in world.data["sql"] and name not in world.data["sql"][master]["replicaNames"]:
            world.data["sql"][master]["replicaNames"].append(name)
    for inst in world.data["sql"].values():
        designate_dr_replica(world, inst)


def set_group_size(w: World, igm: dict[str, Any], size: int, now: float, ready_at: float,
                   avoid_outages: bool = True) -> None:
    """Grow or shrink a group's managed instances to `size` (new ones boot until `ready_at`).

    A regional group places new instances in its zones that are up (`avoid_outages`)."""
    members: list[str] = igm["_sim"]["members"]
    if "zone" in igm:
        zones = [short(igm["zone"])]
    else:
        zones = [short(z["zone"]) for z in igm["distributionPolicy"]["zones"]]
        if avoid_outages:
            zones = [z for z in zones if not w.outage(now, zone=z)] or zones
    while len(members) < size:
        zone = zones[len(members) % len(zones)]
        name = f"{igm['baseInstanceName']}-{w.new_id()[-4:]}"
        template = w.data.get("instanceTemplates", {}).get(short(igm["instanceTemplate"]))
        machine = template["properties"]["machineType"] if template else "e2-standard-4"
        inst = new_instance(w, zone, name, machine, "RUNNING", [name], now,
                            {"managed-by": igm["name"]})
        inst["metadata"]["items"] = [
            {"key": "instance-template", "value": igm["instanceTemplate"]},
            {"key": "created-by", "value": igm["instanceGroup"]}]
        inst["_sim"] = {"ready_at": ready_at}
        members.append(f"{zone}/{name}")
    while len(members) > size:
        remove_instance(w, members.pop())
    igm["targetSize"] = size
    igm["fingerprint"] = fingerprint((igm["name"], size))
    w.dirty = True


def remove_instance(w: World, key: str) -> None:
    """Delete a VM: its auto-delete disks go with it, other disks lose it as a user."""
    inst = w.data["instances"].pop(key, None)
    if inst is None:
        return
    for att in inst["disks"]:
        dkey = f"{short(inst['zone'])}/{short(att['source'])}"
        if att.get("autoDelete"):
            w.data["disks"].pop(dkey, None)
        elif dkey in w.data["disks"]:
            users = w.data["disks"][dkey]["users"]
            w.data["disks"][dkey]["users"] = [u for u in users if u != inst["selfLink"]]


def disk_from(w: World, zone: str, name: str, now: float, size: int = 20,
              snapshot: str | None = None, disk_type: str = "pd-balanced") -> dict[str, Any]:
    """A new disk (CREATING until its operation is done)."""
    disk = new_disk(w, zone, name, now, size, disk_type, snapshot)
    disk["status"] = "CREATING"
    return disk
