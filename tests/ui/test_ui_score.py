"""The training score: time against the RTO, checks the trainee skipped, decisions vs advice."""

from __future__ import annotations

from ui_recorded import Recorder

from drp_console.journal.state import RunState
from drp_console.ui.screens.score_card import score


def _run(*, skip_check: bool, choice: str, minutes: int) -> RunState:
    r = Recorder("training").start()
    r.add("milestone", name="declared", step="declare", source="step")
    if skip_check:
        r.add("step_finished", step="check-primary", status="skipped",
              reason="skipped by ana: no time", outputs={"skipped_by": "ana"}, changed=False,
              attempts=0)
    r.add("answered", step="keep-or-fail-back", kind="decision", answer=choice, by="ana",
          role=None, reason=None, checklist=[])
    r.add("milestone", after=minutes * 60, name="restored", step=None, source="operator")
    r.add("run_finished", status="succeeded", reason=None)
    return RunState.fold(r.events)


def test_a_clean_run_scores_full_marks():
    card = score(_run(skip_check=False, choice="keep", minutes=10))
    assert card.points == 100 and card.skipped_checks == []
    assert card.decisions == [("keep-or-fail-back", "keep", "keep", True)]
    assert "met" in card.rto_line


def test_skipped_checks_wrong_decisions_and_a_missed_rto_cost_points():
    card = score(_run(skip_check=True, choice="fail back", minutes=45))
    assert card.skipped_checks == ["check-primary"]
    assert card.decisions == [("keep-or-fail-back", "fail back", "keep", False)]
    assert "missed by" in card.rto_line
    assert card.points < 100 - 10 - 15
