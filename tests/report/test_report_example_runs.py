"""Reports of real runs: example runbooks run headless by the engine against their scenarios."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest
import warm_drp  # tests/ is on sys.path: `drp` in a process of its own, started warm

from drp_console.journal.events import read_events
from drp_console.journal.state import RunState
from drp_console.report import load_report

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # whole example runbooks run to their end
HEADINGS = ["## 1. Run", "## 2. People", "## 3. Objectives and results", "## 4. Milestones",
            "## 5. Timeline", "## 6. Steps", "## 7. Deviations from the plan",
            "## 8. Notes and decisions", "## 9. Errors and warnings", "## 10. Resources created",
            "## 11. Breach notification clock", "## 12. Improvement plan", "## 13. Integrity"]


def _run(runbook: str, runs_dir: Path, scenario: Path) -> Path:
    env = dict(os.environ, DRP_RUNS_DIR=str(runs_dir))
    done = warm_drp.run(["run", str(ROOT / "runbooks" / runbook), "--headless", "--auto-approve",
                         "--operator", "ic-test", "--scenario", str(scenario)], env, 300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (run_dir,) = [p for p in runs_dir.iterdir() if p.is_dir()]
    return run_dir


@pytest.mark.parametrize("runbook", ["cloudsql-regional-failover.yaml",
                                     "personal-data-breach.yaml"])
def test_a_finished_run_leaves_all_four_reports_true_to_its_journal(runbook: str, tmp_path: Path,
                                                                    sped_up) -> None:
    run_dir = _run(runbook, tmp_path / "runs", sped_up(ROOT / "runbooks" / runbook))
    for fmt in ("md", "html", "json", "csv"):
        path = run_dir / f"report.{fmt}"
        assert path.exists(), f"the engine did not write {path.name}"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    md = (run_dir / "report.md").read_text()
    positions = [md.index(h) for h in HEADINGS]
    assert positions == sorted(positions), "sections out of order"
    data = json.loads((run_dir / "report.json").read_text())
    assert data["report_format"] == "drp-report/v1" and data["header"]["status"] == "succeeded"

    events = read_events(run_dir / "journal.jsonl")
    state = RunState.fold(events)
    report = load_report(run_dir, "UTC")
    assert report.header.duration_s == pytest.approx(state.duration, abs=1)
    if state.rto_achieved is not None:
        assert report.objectives[0].achieved_s == pytest.approx(state.rto_achieved, abs=1)
    rows = {s.id: s for s in report.steps}
    for step_id, step in state.steps.items():
        assert rows[step_id].status == step.status, step_id
        if step.duration is not None:
            assert rows[step_id].duration_s == pytest.approx(step.duration, abs=1), step_id
    assert any(p.name == "ic-test" for p in report.people)
    if runbook == "personal-data-breach.yaml":
        assert report.breach is not None and report.breach.authority is not None
        assert "in time" in report.breach.status


def test_a_real_backup_restore_names_the_backup_by_its_start_and_finish(tmp_path: Path,
                                                                        sped_up) -> None:
    """The drill restores the simulator's 02:00 backup (it runs nine minutes): the report takes
    the finish from the journaled backup listing and measures the RPO from the start."""
    run_dir = _run("quarterly-restore-drill.yaml", tmp_path / "runs",
                   sped_up(ROOT / "runbooks" / "quarterly-restore-drill.yaml"))
    report = load_report(run_dir, "UTC")
    assert report.header.status == "succeeded" and report.header.zone_is_utc
    assert re.fullmatch(
        r"backup run \d+, started \d{4}-\d\d-\d\d 02:00:00 UTC, finished 02:09:00 UTC, "
        r"restored by step restore; Cloud SQL restores a backup's data as of its start",
        report.restored_from), report.restored_from
    assert report.objectives[1].measured.startswith("from the start of backup run")
