"""The residency guard: validate, plan and run each refuse a restore into us-central1; an
allowed region passes (runbook `allowed_regions:` and a project-wide `drp.toml`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.runbook import residency

HERE = Path(__file__).parent
RUNBOOK = HERE / "restore-vm.yaml"


def drp(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def copy_runbook(tmp_path: Path, old: str = "", new: str = "") -> Path:
    shutil.copy(HERE / "world.yaml", tmp_path / "world.yaml")
    target = tmp_path / "restore-vm.yaml"
    target.write_text(RUNBOOK.read_text().replace(old, new) if old else RUNBOOK.read_text())
    return target


def test_locations_come_from_zones_regions_bodies_and_urls():
    args = {"zone": "us-central1-a", "settings": {"locationPreference": {"zone": "asia-east1-b"}},
            "source": "projects/p/zones/europe-west1-b/disks/d", "region": "{{ params.r }}",
            "networkInterfaces": [{"subnetwork": "regions/us-east1/subnetworks/default"}]}
    found = residency.locations(args)
    assert found == [("zone", "us-central1-a"),
                     ("settings.locationPreference.zone", "asia-east1-b"),
                     ("source", "europe-west1-b"),
                     ("networkInterfaces[0].subnetwork", "us-east1")]
    assert [residency.region_of(loc) for _, loc in found] == [
        "us-central1", "asia-east1", "europe-west1", "us-east1"]


def test_validate_refuses_a_literal_zone_outside_the_allowed_regions(tmp_path):
    path = copy_runbook(tmp_path, 'zone: "{{ params.zone }}"', "zone: us-central1-a")
    res = drp("validate", str(path))
    assert res.exit_code == 3, res.output
    assert (f"{path}:19:13: steps[0].with.zone: step 'restore' would act in us-central1-a, "
            "region us-central1 (argument zone), outside allowed_regions of runbook "
            "'restore-vm' [europe-west1, europe-west4]") in res.output
    allowed = copy_runbook(tmp_path, 'zone: "{{ params.zone }}"', "zone: europe-west1-c")
    assert drp("validate", str(allowed)).exit_code == 0


def test_a_project_drp_toml_applies_to_runbooks_below_it(tmp_path):
    (tmp_path / "drp.toml").write_text('[residency]\nallowed_regions = ["europe-west4"]\n')
    folder = tmp_path / "runbooks"
    folder.mkdir()
    path = copy_runbook(folder, 'zone: "{{ params.zone }}"', "zone: europe-west1-c")
    res = drp("validate", str(path))
    assert res.exit_code == 3, res.output
    assert f"outside allowed_regions in {tmp_path / 'drp.toml'} [europe-west4]" in res.output
    (tmp_path / "drp.toml").write_text("[residency]\nallowed_regions = 'europe-west4'\n")
    res = drp("validate", str(path))
    assert res.exit_code == 3 and "allowed_regions must be a list" in res.output


def test_plan_refuses_when_the_parameters_name_a_zone_outside(tmp_path):
    res = CliRunner().invoke(cli, ["plan", str(RUNBOOK), "-p", "zone=us-central1-a"])
    assert res.exit_code == 3, res.output
    assert "drp plan: refused: step 'restore' would act in us-central1-a" in res.stderr
    assert drp("plan", str(RUNBOOK)).exit_code == 0


def _events(runs: Path) -> list[dict]:
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    return [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]


def test_run_refuses_before_anything_is_sent_and_an_allowed_zone_restores(tmp_path):
    refused_runs, allowed_runs = tmp_path / "refused", tmp_path / "allowed"
    res = drp("run", str(RUNBOOK), "--headless", "--runs-dir", str(refused_runs),
              "-p", "zone=us-central1-a")
    assert res.exit_code == 1, res.output
    ev = _events(refused_runs)
    assert not [e for e in ev if e["type"] in ("call_intent", "call_completed")]
    (failed,) = [e for e in ev if e["type"] == "attempt_failed"]
    assert failed["error"]["code"] == "residency"
    assert failed["error"]["message"].startswith("step 'restore' would act in us-central1-a")
    assert ev[0]["residency"] == [{"regions": ["europe-west1", "europe-west4"],
                                   "source": "allowed_regions of runbook 'restore-vm'"}]
    world = (next(refused_runs.iterdir()) / "world.json")
    assert not world.exists() or "web-1-restored" not in world.read_text()

    res = drp("run", str(RUNBOOK), "--headless", "--runs-dir", str(allowed_runs))
    assert res.exit_code == 0, res.output
    ev = _events(allowed_runs)
    (intent,) = [e for e in ev if e["type"] == "call_intent"]
    assert intent["args"]["zone"] == "europe-west4-a"
    assert "web-1-restored" in (next(allowed_runs.iterdir()) / "world.json").read_text()


def test_bundled_runbooks_keep_data_in_the_eu():
    from drp_console.runbook.loader import load_runbook

    for path in sorted((HERE.parents[1] / "runbooks").glob("*.yaml")):
        assert load_runbook(path).allowed_regions == ["europe-west1", "europe-west4"], path
