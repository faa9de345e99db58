"""cloudsql-restore-backup: the clone is offered only with a point in time, and then restores."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.sim.server import SimServer

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "runbooks" / "cloudsql-restore-backup.yaml"
SCENARIO = ROOT / "runbooks" / "scenarios" / "orders-db-corrupted.yaml"
CLONE = "clone to a point in time"
RESTORE = "restore the last good backup"
pytestmark = pytest.mark.slow  # the whole runbook, run to its end


def run(tmp_path: Path, *args: str) -> tuple[object, list[dict]]:
    answers = tmp_path / "answers.yaml"
    answers.write_text(json.dumps({"choose": CLONE}))
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(RUNBOOK), "--headless", "--auto-approve",
                                   "--answers", str(answers), "--runs-dir", str(runs), *args],
                             catch_exceptions=False)
    (run_dir,) = list(runs.iterdir())
    lines = (run_dir / "journal.jsonl").read_text().splitlines()
    return res, [json.loads(x) for x in lines]


def test_without_a_point_in_time_the_clone_is_not_offered_and_the_run_does_not_succeed(tmp_path,
                                                                                      sped_up):
    res, events = run(tmp_path, "--scenario", str(sped_up(SCENARIO)))
    asked = [e for e in events if e["type"] == "waiting" and e["step"] == "choose"]
    assert asked and asked[0]["options"] == [RESTORE]
    assert asked[0]["recommended"] == RESTORE
    assert "recover_to" in asked[0]["prompt"] and CLONE in asked[0]["prompt"]
    assert res.exit_code == 5, res.output  # the answer asked for is not offered: an operator
    assert "'choose'" in res.output and "not offered" in res.output
    assert not any(e["type"] == "run_finished" for e in events)
    assert not any(e["type"] == "step_started" and e["step"] == "clone-pitr" for e in events)


def test_with_a_point_in_time_the_clone_restores_clean_data_and_the_rpo_is_measured(tmp_path,
                                                                                    sped_up):
    # the scenario's damage happened 40 minutes before the start: recover to 45 minutes before
    recover_to = (datetime.now(UTC) - timedelta(minutes=45)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    with SimServer(sped_up(SCENARIO)) as sim:
        res, events = run(tmp_path, "--sim-endpoint", sim.endpoint,
                          "-p", f"recover_to={recover_to}")
        state = sim.snapshot()
    assert res.exit_code == 0, res.output
    asked = next(e for e in events if e["type"] == "waiting" and e["step"] == "choose")
    assert asked["options"] == [RESTORE, CLONE]
    finished = {e["step"]: e["status"] for e in events if e["type"] == "step_finished"}
    assert finished["clone-pitr"] == finished["wait-clone"] == finished["repoint-app"] \
        == finished["reopen"] == "succeeded"
    assert finished["restore"] == "skipped"
    (point,) = [e for e in events if e["type"] == "restore_point"]
    assert point["kind"] == "point_in_time" and point["at"].startswith(recover_to[:16])
    assert events[-1]["type"] == "run_finished" and events[-1]["status"] == "succeeded"
    assert "RPO: " in res.output and "not measured" not in res.output.split("RPO: ")[1][:30]
    clone = next(i for i in state["sql"]["instances"] if i["name"] == "orders-db-pitr")
    assert clone["simulation"]["dataCorrupted"] is False
    damaged = next(i for i in state["sql"]["instances"] if i["name"] == "orders-db")
    assert damaged["simulation"]["dataCorrupted"] is True  # kept as evidence
