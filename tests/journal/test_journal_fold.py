"""The one fold's newer parts: checklist ticks, people, the run's clock, sequence gaps, the
breach clock that stops at notification, and the RTO clock's single origin rule."""

from __future__ import annotations

from datetime import timedelta

from test_journal_state import T0, _started

from drp_console.journal import RunState
from drp_console.journal.event_types import RECORDS, STEP_EVENTS, EventType, StepStarted
from drp_console.journal.fold import HANDLERS


def test_every_event_type_has_a_record_and_a_handler() -> None:
    assert set(RECORDS) == set(EventType) == set(HANDLERS)
    assert EventType.STEP_STARTED in STEP_EVENTS and EventType.NOTE not in STEP_EVENTS
    assert StepStarted(step="a", attempt=2).fields() == {"step": "a", "attempt": 2}


def test_checklist_ticks_are_folded_and_cleared_by_the_answer() -> None:
    ev = _started()
    ev.add(1, "waiting", step="declare", kind="manual", role="commander", prompt="Declare",
           options=[], checklist=["page the DBA", "open the bridge"], recommended=None)
    ev.add(2, "checklist_ticked", step="declare", item=1, text="open the bridge", checked=True, by="bob")
    state = RunState.fold(ev.events)
    assert state.steps["declare"].checklist_ticked == [False, True]
    ev.add(3, "checklist_ticked", step="declare", item=1, text="open the bridge", checked=False, by="bob")
    ev.add(4, "checklist_ticked", step="declare", item=0, text="page the DBA", checked=True, by="bob")
    assert RunState.fold(ev.events).steps["declare"].checklist_ticked == [True, False]
    ev.add(5, "answered", step="declare", kind="manual", answer="done", by="bob", role="commander",
           reason=None, checklist=["page the DBA"])
    state = RunState.fold(ev.events)
    assert state.steps["declare"].ticks == {} and state.steps["declare"].checklist_ticked == []


def test_people_count_events_answers_and_roles() -> None:
    ev = _started()
    ev.add(1, "waiting", step="go", kind="approval", role="commander", prompt="Go?", options=[],
           checklist=[], recommended=None)
    ev.add(2, "answered", step="go", kind="approval", answer="approve", by="dana", role="dba",
           reason=None, checklist=[])
    state = RunState.fold(ev.events)
    assert list(state.people) == ["alice", "dana"]
    assert state.people["alice"].events == 3 and state.people["alice"].answers == 0
    assert state.people["dana"].answers == 1 and state.people["dana"].roles == ["dba"]
    assert state.answers[0]["at"].seq == 3 and state.answers[0]["by"] == "dana"


def test_run_clock_crosses_a_reboot_by_wall_time_and_counts_it() -> None:
    ev = _started()
    ev.add(10, "note", text="a", tag=None, step=None)
    ev.add(70, "note", text="b", tag=None, step=None, boot="boot-2", mono=5.0)
    state = RunState.fold(ev.events)
    assert state.last is not None and state.last.t == 70.0
    assert state.clock.wall_spans == 1 and state.clock.boots == {"boot-1", "boot-2"}


def test_sequence_gaps_are_listed() -> None:
    ev = _started()
    ev.add(1, "note", text="a", tag=None, step=None)
    ev.events[-1]["seq"] = 5
    state = RunState.fold(ev.events)
    assert state.gaps == [2, 3, 4] and state.first_seq == 1 and state.last_seq == 5


def test_breach_clock_stops_when_the_authority_is_notified() -> None:
    ev = _started()
    ev.add(60, "milestone", name="aware", step=None, source="operator")
    state = RunState.fold(ev.events)
    breach = state.breach
    assert breach.aware is not None and not breach.stopped
    assert breach.deadline == T0 + timedelta(seconds=60 + 72 * 3600)
    assert breach.margin(state.at_wall(T0 + timedelta(hours=2, seconds=60))) == 70 * 3600
    ev.add(3660, "milestone", name="authority-notified", step=None, source="operator")
    state = RunState.fold(ev.events)
    breach = state.breach
    assert breach.stopped and breach.authority is not None and breach.authority.t == 3660
    # stopped: the margin no longer depends on "now"
    later = state.at_wall(T0 + timedelta(hours=100))
    assert breach.margin(later) == 72 * 3600 - 3600


def test_breach_notification_by_a_step_name() -> None:
    ev = _started()
    ev.add(1, "milestone", name="aware", step=None, source="operator")
    ev.add(2, "step_finished", step="notify-authority", status="succeeded", reason=None,
           outputs={}, changed=False, attempts=1)
    assert RunState.fold(ev.events).breach.authority is not None


def test_rto_counts_from_declared_not_before_it() -> None:
    ev = _started()
    state = RunState.fold(ev.events)
    assert state.rto_origin[0] is None
    assert state.rto_elapsed(state.at_wall(T0 + timedelta(seconds=30))) == 30
    ev.add(100, "milestone", name="declared", step="declare", source="step")
    state = RunState.fold(ev.events)
    assert state.rto_origin[0] == "declared"
    assert state.rto_elapsed(state.at_wall(T0 + timedelta(seconds=130))) == 30
    ev.add(400, "milestone", name="restored", step=None, source="operator")
    state = RunState.fold(ev.events)
    assert state.rto_achieved == 300
    assert state.rto_elapsed(state.at_wall(T0 + timedelta(hours=5))) == 300


def test_a_step_skipped_before_it_started_keeps_when_it_was_skipped() -> None:
    ev = _started()
    ev.add(5, "step_finished", step="smoke", status="skipped", reason="not chosen", outputs={},
           changed=False, attempts=0)
    step = RunState.fold(ev.events).steps["smoke"]
    assert step.started is None and step.ended is None and step.duration is None
    assert step.finished is not None and step.finished.t == 5 and step.finished.seq == 2


def test_fields_of_unexpected_shape_fold_without_crashing() -> None:
    ev = _started()
    start = ev.events[0]
    start.update(runbook="x", runbook_doc={"steps": 3, "objectives": "1h"}, params=["a"])
    ev.add(1, "step_started", step="declare", attempt=1)
    ev.add(2, "answered", step="declare", kind="manual", answer="done", by=["a"], role=None,
           reason=None, checklist=[])
    ev.add(3, "resource_created", step="declare", resource="vm-1")
    ev.add(4, "milestone", name="", step=None, source="operator")
    ev.add(5, "step_finished", step="declare", status=["odd"], reason=None, outputs="x",
           changed=False, attempts=True)
    ev.add(6, ["not", "a", "type"])
    ev.add(7, "run_finished", status=None, reason=None)
    state = RunState.fold(ev.events)
    step = state.steps["declare"]
    assert step.status == "failed" and step.outputs == {} and step.attempts == 1
    assert state.objectives == {"rto": None, "rpo": None} and state.milestones == {}
    assert state.created[0]["step"] == "declare" and "['a']" in state.people
    assert state.status == "failed" and state.events == 8
