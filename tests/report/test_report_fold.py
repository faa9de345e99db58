"""The report agrees with the journal's own fold (`RunState.fold`) to the second."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import RUNS

from drp_console.journal.events import read_events
from drp_console.journal.state import RunState
from drp_console.report import build_report


@pytest.mark.parametrize("run", sorted(RUNS))
def test_durations_time_split_rto_and_rpo_agree_with_the_fold(
    run: str, runs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = RUNS[run]().write(runs_dir, monkeypatch)
    events = read_events(run_dir / "journal.jsonl")
    state = RunState.fold(events)
    report = build_report(events, "UTC")

    assert state.status == report.header.status
    assert state.duration == pytest.approx(report.header.duration_s, abs=1)
    rto = report.objectives[0].achieved_s
    if state.rto_achieved is None:
        assert rto is None
    else:
        assert rto == pytest.approx(state.rto_achieved, abs=1)
    rpo = report.objectives[1].achieved_s
    if state.rpo_achieved is None:
        assert rpo is None
    else:
        assert rpo == pytest.approx(state.rpo_achieved, abs=1)
    rows = {s.id: s for s in report.steps}
    assert set(state.steps) <= set(rows)
    for step_id, step in state.steps.items():
        row = rows[step_id]
        if step.duration is None:
            assert row.duration_s is None, step_id
            continue
        assert row.duration_s == pytest.approx(step.duration, abs=1), step_id
        times = step.times()
        assert row.people_s == pytest.approx(times["people"], abs=1), step_id
        assert row.polling_s == pytest.approx(times["polling"], abs=1), step_id
        assert row.automation_s == pytest.approx(times["automation"], abs=1), step_id
        assert row.attempts == step.attempts, step_id
