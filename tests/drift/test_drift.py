"""`drp check`: what no longer matches the plan, found with read calls only."""

from __future__ import annotations

import json
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.drift import estate
from drp_console.drift.probe import Reader
from drp_console.runbook.catalog import CATALOG
from drp_console.sim.server import SimServer

HERE = Path(__file__).parent
RUNBOOKS = HERE.parents[1] / "runbooks"
FAILOVER = RUNBOOKS / "cloudsql-regional-failover.yaml"
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def drp(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sim_state(endpoint: str) -> dict:
    with urllib.request.urlopen(endpoint + "/_sim/state", timeout=10) as resp:
        return json.loads(resp.read())


def test_a_deleted_replica_and_disabled_backups_are_reported_and_nothing_is_changed():
    with SimServer(HERE / "replica-gone.yaml") as sim:
        endpoint = sim.start()
        res = drp("check", str(FAILOVER), "--sim-endpoint", endpoint, "--json")
        state = sim_state(endpoint)
    assert res.exit_code == 1, res.output
    report = json.loads(res.output)
    assert report["result"] == "drift"
    drift = {(f["step"], f["kind"]): f["message"] for f in report["drift"]}
    assert drift == {
        ("check-primary", "backups"): "automated backups of orders-db are disabled: turn them "
                                      "on (the recovery plan relies on daily backups)",
        ("check-replica", "gone"): "instance orders-db-replica-ew4 is not found: renamed or "
                                   "deleted? update the runbook or restore the resource",
    }
    steps = {s["id"]: s["status"] for s in report["steps"]}
    assert steps["promote"] == steps["make-ha"] == "drift"  # never sent, their target is gone
    assert steps["declare"] == "people"
    # the simulator saw reads only: no mutating call in any form, nothing changed
    called = {key.split(" ")[0] for key in state["calls"]}
    assert called and all(CATALOG[c].kind == "read" for c in called if c in CATALOG), called
    assert not {c for c in called if c in CATALOG and CATALOG[c].mutating}
    assert not state["mutations"] and not state["operations"]


def test_the_bundled_drill_is_clean_on_a_calm_day_and_says_so_in_text():
    res = drp("check", str(RUNBOOKS / "quarterly-restore-drill.yaml"))
    assert res.exit_code == 0, res.output
    assert "result: clean" in res.output
    assert "not sent  create-scratch" in res.output
    assert "reads what step create-scratch creates during a run" in res.output


def test_an_invalid_runbook_exits_3(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: drp/v1\nid: bad\ntitle: Bad\nsteps: []\n")
    assert drp("check", str(bad)).exit_code == 3


def test_the_reader_refuses_anything_but_a_read():
    mutating = [c for c in CATALOG.values() if c.mutating]
    assert mutating
    for call in mutating:
        with pytest.raises(RuntimeError, match="never sends"):
            Reader(cloud=None).read(call.name, {})


def test_backups_older_than_a_day_and_fewer_than_promised_are_drift():
    old = {"items": [{"status": "SUCCESSFUL", "endTime": (NOW - timedelta(days=3)).isoformat()}]}
    (finding,) = estate.sql_backup_runs("orders-db", old, NOW, "s")
    assert "newest successful backup of orders-db is 3d00h old" in finding.message
    fresh = {"items": [{"status": "SUCCESSFUL", "endTime": (NOW - timedelta(hours=5)).isoformat()}]}
    assert estate.sql_backup_runs("orders-db", fresh, NOW, "s") == []
    few = {"name": "orders-db", "settings": {"backupConfiguration": {
        "enabled": True, "backupRetentionSettings": {"retainedBackups": 3}}}}
    assert "keeps 3 backups" in estate.sql_backup_settings(few, "s")[0].message
    replica = {"name": "r", "instanceType": "READ_REPLICA_INSTANCE", "settings": {}}
    assert estate.sql_backup_settings(replica, "s") == []


def test_a_stopped_snapshot_schedule_and_an_unused_zone_are_drift():
    snaps = {"items": [
        {"sourceDisk": "zones/europe-west1-b/disks/web-1",
         "creationTimestamp": (NOW - timedelta(days=4)).isoformat()},
        {"sourceDisk": "zones/europe-west1-b/disks/web-2",
         "creationTimestamp": (NOW - timedelta(hours=3)).isoformat()}]}
    (finding,) = estate.snapshot_schedule(snaps, NOW, "find-snapshots")
    assert finding.message.startswith("the newest snapshot of disk web-1 is 4d00h old")
    zones = {"europe-west1-b": ["confirm-outage"], "europe-west1-d": ["recreate"]}
    found = estate.unused_zones(zones, {"europe-west1-b": [{"name": "web-1"}]},
                                [{"gceZone": "europe-west1-c"}])
    assert [f.message.split(" (")[0] for f in found] == ["zone europe-west1-d"]


def test_a_cloud_sql_instance_moved_out_of_the_allowed_regions_is_drift():
    res = drp("check", str(FAILOVER), "--scenario", str(HERE / "us-replica.yaml"), "--json")
    assert res.exit_code == 1, res.output
    drift = {(f["step"], f["kind"]) for f in json.loads(res.output)["drift"]}
    assert drift == {("promote", "residency"), ("make-ha", "residency")}
