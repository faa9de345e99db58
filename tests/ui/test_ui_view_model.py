"""The run view folded from journal events: statuses, parallel branches, clocks."""

from __future__ import annotations

from datetime import timedelta

from drp_console.ui.view_model import RunView
from ui_recorded import T0, Recorder, mid_run


def test_fold_follows_steps_through_their_life():
    view = RunView.fold(mid_run().events)
    assert view.title == "Promote the cross-region Cloud SQL replica"
    assert view.mode == "simulate"
    assert [view.steps[s].status for s in ("declare", "check-primary", "go-no-go")] == \
        ["succeeded"] * 3
    promote = view.steps["promote"]
    assert promote.status == "running" and promote.attempt == 2
    assert promote.progress == 40 and promote.op_status == "RUNNING"
    assert promote.error["http_status"] == 503 and promote.error["transient"] is True
    assert view.steps["notify-dpo"].status == "waiting"
    assert view.steps["notify-dpo"].waiting["checklist"] == ["DPO informed"]
    assert view.steps["check-primary"].outputs == {"primary_state": "SUSPENDED"}
    assert view.counts() == (3, 9)
    assert "declared" in view.milestones
    assert any("replica lag" in e.text and e.kind == "note" for e in view.timeline)


def test_parallel_branches_are_marked_but_decision_targets_are_not():
    steps = RunView.fold(mid_run().events).steps
    assert steps["promote"].parallel and steps["notify-dpo"].parallel
    assert not steps["declare"].parallel
    assert not steps["smoke-test"].parallel and not steps["fail-back"].parallel


def test_events_out_of_order_are_folded_by_sequence_number():
    events = mid_run().events
    assert RunView.fold(list(reversed(events))).steps["promote"].attempt == 2


def test_rto_counts_from_declared_and_turns_to_overrun():
    view = RunView.fold(mid_run().events)
    declared = view.milestones["declared"]
    assert view.rto_remaining(declared + timedelta(minutes=10)) == 20 * 60
    assert view.rto_remaining(declared + timedelta(minutes=31)) == -60


def test_rto_freezes_at_restored():
    r = mid_run()
    r.add("milestone", after=60, name="restored", step="wait-runnable", source="step")
    view = RunView.fold(r.events)
    later = view.rto_remaining(r.at + timedelta(hours=5))
    assert later == view.rto_remaining(r.at)
    assert later > 0


def test_breach_clock_runs_72_hours_from_aware():
    doc = {"id": "breach", "title": "Breach", "breach_clock": True,
           "steps": [{"id": "a", "title": "A", "type": "manual"}]}
    r = Recorder(doc=doc).start()
    view = RunView.fold(r.events)
    assert view.breach_remaining(T0) is None
    r.add("milestone", name="aware", step=None, source="operator")
    view = RunView.fold(r.events)
    assert view.breach_remaining(view.milestones["aware"] + timedelta(hours=2)) == 70 * 3600


def test_finished_run_and_unknown_step():
    r = mid_run()
    r.add("step_unknown", step="promote", attempt=2, reason="the call may have reached Google")
    view = RunView.fold(r.events)
    assert view.steps["promote"].status == "unknown"
    assert view.steps["promote"].word == "UNKNOWN"
    r.add("run_finished", status="aborted", reason="operator")
    assert RunView.fold(r.events).status == "aborted"


def test_the_console_and_the_journal_state_agree_on_every_step():
    """The console's fold and the journal's RunState read the same events the same way."""
    from drp_console.journal.state import RunState

    r = mid_run()
    r.add("step_unknown", step="promote", attempt=2, reason="may have acted")
    r.add("step_finished", step="smoke-test", status="skipped", reason="not chosen",
          outputs={}, changed=False, attempts=0)
    view = RunView.fold(r.events)
    state = RunState.fold(r.events)
    assert {sid: s.status for sid, s in view.steps.items()} == \
        {sid: state.step(sid).status for sid in view.steps}
    assert view.counts() == (state.steps_done, state.steps_total)
