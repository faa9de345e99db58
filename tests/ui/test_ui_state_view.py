"""What the console reads from the run state: statuses, parallel branches, clocks, the timeline.

The console has no fold of its own: these tests read `RunState` (the journal's fold) and the
console's words for it, as the run screen does.
"""

from __future__ import annotations

from ui_recorded import RUNBOOK_DOC, Recorder, mid_run

from drp_console.journal.state import RunState
from drp_console.runbook.graph import parallel_steps
from drp_console.runbook.model import Runbook
from drp_console.ui.step_view import status_word
from drp_console.ui.widgets.timeline import entry_for


def test_the_state_follows_steps_through_their_life():
    state = RunState.fold(mid_run().events)
    assert state.runbook["title"] == "Promote the cross-region Cloud SQL replica"
    assert state.mode == "simulate"
    assert [state.steps[s].status for s in ("declare", "check-primary", "go-no-go")] == \
        ["succeeded"] * 3
    promote = state.steps["promote"]
    assert promote.status == "running" and promote.attempts == 2
    assert promote.operation_progress == 40 and promote.operation_status == "RUNNING"
    assert promote.error["http_status"] == 503 and promote.error["transient"] is True
    assert state.steps["notify-dpo"].status == "waiting"
    assert state.steps["notify-dpo"].question["checklist"] == ["DPO informed"]
    assert state.steps["check-primary"].outputs == {"primary_state": "SUSPENDED"}
    assert (state.steps_done, state.steps_total) == (3, 9)
    assert "declared" in state.milestones


def test_the_timeline_says_each_event_in_the_printer_s_words():
    entries = [e for e in (entry_for(event) for event in mid_run().events) if e is not None]
    texts = [e.text for e in entries]
    assert texts[0] == "run started by ana (simulate)"
    assert any("replica lag" in e.text and e.kind == "note" for e in entries)
    assert "promote: attempt 1 failed (transient): 503 Service Unavailable, retry in 10s" in texts
    assert any(e.kind == "milestone" and "declared" in e.text for e in entries)
    assert not any("calling" in t for t in texts)  # calls and progress stay in the detail pane


def test_parallel_branches_are_marked_but_decision_targets_are_not():
    parallel = parallel_steps(Runbook.from_doc(RUNBOOK_DOC))
    assert {"promote", "notify-dpo"} <= parallel
    assert "declare" not in parallel
    assert "smoke-test" not in parallel and "fail-back" not in parallel


async def test_replayed_events_out_of_order_are_folded_by_sequence_number(replay_app):
    r = mid_run()
    r.events.reverse()
    app = replay_app(r)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.state.steps["promote"].attempts == 2


def test_rto_counts_from_declared_and_freezes_at_restored():
    r = mid_run()
    state = RunState.fold(r.events)
    assert state.rto_origin[0] == "declared"
    declared = state.milestones["declared"].at
    later = state.at_wall(r.at)
    assert state.rto_elapsed(later) == later.t - declared.t
    r.add("milestone", after=60, name="restored", step="wait-runnable", source="step")
    state = RunState.fold(r.events)
    frozen = state.rto_elapsed(state.at_wall(r.at.replace(hour=20)))
    assert frozen == state.rto_achieved and frozen is not None


def test_breach_clock_runs_72_hours_from_aware():
    doc = {"id": "breach", "title": "Breach", "breach_clock": True,
           "steps": [{"id": "a", "title": "A", "type": "manual"}]}
    r = Recorder(doc=doc).start()
    assert RunState.fold(r.events).breach.aware is None
    r.add("milestone", name="aware", step=None, source="operator")
    state = RunState.fold(r.events)
    aware = state.breach.aware
    from datetime import timedelta

    assert state.breach.margin(state.at_wall(aware.wall + timedelta(hours=2))) == 70 * 3600


def test_finished_run_and_unknown_step():
    r = mid_run()
    r.add("step_unknown", step="promote", attempt=2, reason="the call may have reached Google")
    state = RunState.fold(r.events)
    assert state.steps["promote"].status == "unknown"
    assert status_word(state.steps["promote"]) == "UNKNOWN"
    r.add("run_finished", status="aborted", reason="operator")
    assert RunState.fold(r.events).status == "aborted"
