"""The resume rules on hand-written journals: what is polled, re-sent, finished or UNKNOWN."""

from __future__ import annotations

import pytest
from engine_helpers import runbook

from drp_console.engine.resume import plan_resume as _plan
from drp_console.journal import RunState

RB = runbook(
    {"id": "vm", "title": "vm", "type": "gcp", "call": "compute.instances.start",
     "with": {"project": "p", "zone": "z", "instance": "i"}},
    {"id": "db", "title": "db", "type": "gcp", "call": "sql.instances.promoteReplica",
     "needs": [], "with": {"project": "p", "instance": "r"}},
    {"id": "cmd", "title": "cmd", "type": "shell", "needs": [], "run": ["true"]},
    {"id": "ask", "title": "ask", "type": "manual", "needs": []},
)
OP = {"name": "op-1", "service": "compute", "scope": "zone", "location": "z", "project": "p"}


def plan_resume(runbook, events):
    return _plan(runbook, RunState.fold(events))


def ev(type, step, **kw):
    return {"type": type, "step": step, **kw}


def start(step, attempt=1):
    return ev("step_started", step, attempt=attempt)


@pytest.mark.parametrize("events,step,kind", [
    ([start("vm")], "vm", "restart"),
    ([start("vm"), ev("call_intent", "vm", attempt=1, request_id="rid-1")], "vm", "resend"),
    ([start("db"), ev("call_intent", "db", attempt=1, request_id=None)], "db", "unknown"),
    ([start("vm"), ev("call_intent", "vm", attempt=1, request_id="rid-1"),
      ev("operation_submitted", "vm", attempt=1, operation=OP)], "vm", "poll"),
    ([start("vm"), ev("call_intent", "vm", attempt=1, request_id="rid-1"),
      ev("operation_submitted", "vm", attempt=1, operation=OP),
      ev("call_completed", "vm", attempt=1, result={"status": "DONE"})], "vm", "completed"),
    ([start("cmd")], "cmd", "restart"),
    ([start("cmd"), ev("call_intent", "cmd", attempt=1, request_id=None)], "cmd", "unknown"),
    ([start("ask"), ev("waiting", "ask", kind="manual")], "ask", "restart"),
    ([start("db"), ev("attempt_failed", "db", attempt=1, error={"message": "x"}, retry_in=5)],
     "db", "next_attempt"),
    ([start("db"), ev("attempt_failed", "db", attempt=1, error={"message": "x"}, retry_in=None)],
     "db", "ask_failed"),
    ([start("db"), ev("step_unknown", "db", attempt=1)], "db", "unknown"),
    ([start("db"), ev("step_unknown", "db", attempt=1),
      ev("answered", "db", kind="unknown", answer="rerun")], "db", "next_attempt"),
])
def test_hint_for_a_step_in_flight(events, step, kind):
    plan = plan_resume(RB, events)
    assert plan.hints[step].kind == kind


def test_resend_keeps_the_journaled_request_id_and_poll_the_operation():
    plan = plan_resume(RB, [start("vm", 2), ev("call_intent", "vm", attempt=2, request_id="rid-2")])
    assert (plan.hints["vm"].request_id, plan.hints["vm"].attempt) == ("rid-2", 2)
    plan = plan_resume(RB, [start("vm"), ev("operation_submitted", "vm", attempt=1, operation=OP)])
    assert plan.hints["vm"].operation == OP


def test_finished_steps_stay_finished_with_their_outputs():
    plan = plan_resume(RB, [start("ask"), ev("step_finished", "ask", status="succeeded",
                                             outputs={"done_by": "ana"}),
                            {"type": "run_finished", "status": "succeeded"}])
    assert plan.finished == {"ask": "succeeded"} and plan.outputs["ask"] == {"done_by": "ana"}
    assert not plan.hints and plan.finished_run == "succeeded"
