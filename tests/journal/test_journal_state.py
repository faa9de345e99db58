"""RunState folds hand-written event sequences: statuses, time split, milestones, RTO and RPO."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from drp_console.journal import RunState

T0 = datetime(2026, 11, 27, 22, 0, 0, tzinfo=UTC)

DOC = {
    "id": "failover",
    "title": "Fail over",
    "objectives": {"rto": 1800.0, "rpo": "5m"},
    "steps": [
        {"id": "declare", "title": "Declare", "type": "manual", "role": "commander", "milestone": "declared"},
        {"id": "go", "title": "Approve", "type": "approval", "role": "commander", "budget": "5m"},
        {"id": "promote", "title": "Promote", "type": "gcp", "budget": 600.0},
        {"id": "smoke", "title": "Smoke test", "type": "shell"},
    ],
}


class Events:
    """Builds a journal by hand: one clock in seconds, one boot unless told otherwise."""

    def __init__(self) -> None:
        self.events: list[dict] = []

    def add(
        self, t: float, type: str, boot: str = "boot-1", mono: float | None = None, **fields: object
    ) -> dict:
        event = {
            "v": 1,
            "seq": len(self.events) + 1,
            "ts": (T0 + timedelta(seconds=t)).isoformat(timespec="microseconds"),
            "mono": 1000.0 + t if mono is None else mono,
            "boot": boot,
            "type": type,
            "operator": "alice",
            **fields,
        }
        self.events.append(event)
        return event


def _started(incident_start: str | None = None) -> Events:
    ev = Events()
    ev.add(
        0,
        "run_started",
        run_id="r1",
        runbook={"id": "failover", "title": "Fail over"},
        runbook_doc=DOC,
        params={"token": "***"},
        secret_params=["token"],
        mode="simulate",
        scenario=None,
        project="acme-prod",
        regions=["europe-west1"],
        incident_start=incident_start,
        tool_version="0.1.0",
        host="h",
        pid=1,
    )
    return ev


def test_steps_come_from_the_runbook_document_in_order() -> None:
    state = RunState.fold(_started().events)
    assert list(state.steps) == ["declare", "go", "promote", "smoke"]
    assert state.steps["go"].budget == 300.0 and state.steps["promote"].budget == 600.0
    assert state.steps["declare"].role == "commander" and state.steps["declare"].title == "Declare"
    assert state.status == "running" and state.mode == "simulate" and state.run_id == "r1"
    assert state.objectives == {"rto": 1800.0, "rpo": 300.0}
    assert state.steps_done == 0 and state.steps_total == 4


def test_time_split_people_polling_automation() -> None:
    ev = _started()
    ev.add(0, "step_started", step="declare", attempt=1)
    ev.add(
        1,
        "waiting",
        step="declare",
        kind="manual",
        role="commander",
        prompt="Declare",
        options=[],
        checklist=["channel"],
        recommended=None,
    )
    ev.add(
        101,
        "answered",
        step="declare",
        kind="manual",
        answer="done",
        by="alice",
        role="commander",
        reason=None,
        checklist=["channel"],
    )
    ev.add(
        102,
        "step_finished",
        step="declare",
        status="succeeded",
        reason=None,
        outputs={},
        changed=False,
        attempts=1,
    )
    ev.add(110, "step_started", step="promote", attempt=1)
    ev.add(
        110,
        "call_intent",
        step="promote",
        attempt=1,
        call="sql.instances.promoteReplica",
        request_id=None,
        args={"instance": "orders-db-replica-ew4"},
    )
    ev.add(
        112,
        "operation_submitted",
        step="promote",
        attempt=1,
        operation={
            "name": "op-1",
            "service": "sql",
            "scope": "sql",
            "location": None,
            "project": "acme-prod",
        },
    )
    ev.add(120, "operation_progress", step="promote", operation="op-1", status="RUNNING", progress=40)
    ev.add(170, "operation_progress", step="promote", operation="op-1", status="DONE", progress=100)
    ev.add(171, "call_completed", step="promote", attempt=1, result={"status": "DONE"})
    ev.add(
        173,
        "step_finished",
        step="promote",
        status="succeeded",
        reason=None,
        outputs={"state": "RUNNABLE"},
        changed=True,
        attempts=1,
    )
    state = RunState.fold(ev.events)

    declare = state.steps["declare"]
    assert (declare.people, declare.polling, declare.automation) == (100.0, 0.0, 2.0)
    assert declare.answers[0]["by"] == "alice" and declare.question is None
    promote = state.steps["promote"]
    assert promote.status == "succeeded" and promote.changed and promote.outputs == {"state": "RUNNABLE"}
    assert (promote.people, promote.polling, promote.automation) == (0.0, 58.0, 5.0)
    assert promote.duration == 63.0 and not promote.approximate
    assert promote.operation["name"] == "op-1" and promote.operation_progress == 100
    assert promote.call == "sql.instances.promoteReplica" and promote.result == {"status": "DONE"}
    assert state.steps_done == 2


def test_retries_failures_and_open_phases() -> None:
    ev = _started()
    ev.add(10, "step_started", step="promote", attempt=1)
    ev.add(11, "operation_submitted", step="promote", attempt=1, operation={"name": "op-1"})
    ev.add(
        15,
        "attempt_failed",
        step="promote",
        attempt=1,
        error={
            "message": "backend error",
            "code": "503",
            "http_status": 503,
            "transient": True,
            "hint": None,
        },
        retry_in=10,
    )
    mid = RunState.fold(ev.events)
    assert mid.steps["promote"].status == "running" and mid.steps["promote"].retry_in == 10
    ev.add(25, "step_started", step="promote", attempt=2)
    ev.add(26, "operation_submitted", step="promote", attempt=2, operation={"name": "op-2"})
    state = RunState.fold(ev.events)
    promote = state.steps["promote"]
    assert promote.attempts == 2 and promote.error["http_status"] == 503
    assert promote.polling == 4.0 and promote.automation == 12.0
    now = ev.add(36, "note", text="still going", tag=None, step=None)
    from drp_console.journal.timing import Instant

    assert promote.times(Instant.of(now)) == {"automation": 12.0, "polling": 14.0, "people": 0.0}


def test_failed_question_then_failure() -> None:
    ev = _started()
    ev.add(10, "step_started", step="smoke", attempt=1)
    ev.add(
        12,
        "attempt_failed",
        step="smoke",
        attempt=1,
        error={"message": "exit 7", "code": None, "http_status": None, "transient": False, "hint": "check"},
        retry_in=None,
    )
    ev.add(
        12,
        "waiting",
        step="smoke",
        kind="failed",
        role=None,
        prompt="Retry, skip or fail?",
        options=["retry", "skip", "fail"],
        checklist=[],
        recommended=None,
    )
    waiting = RunState.fold(ev.events)
    assert waiting.steps["smoke"].status == "waiting"
    assert waiting.questions == [
        {
            "step": "smoke",
            "kind": "failed",
            "role": None,
            "prompt": "Retry, skip or fail?",
            "options": ["retry", "skip", "fail"],
            "checklist": [],
            "recommended": None,
            "since": ev.events[-1]["ts"],
        }
    ]
    ev.add(
        40,
        "answered",
        step="smoke",
        kind="failed",
        answer="fail",
        by="alice",
        role=None,
        reason="no time",
        checklist=[],
    )
    ev.add(
        40,
        "step_finished",
        step="smoke",
        status="failed",
        reason="exit 7",
        outputs={},
        changed=False,
        attempts=1,
    )
    ev.add(41, "run_finished", status="failed", reason="smoke failed")
    state = RunState.fold(ev.events)
    smoke = state.steps["smoke"]
    assert smoke.status == "failed" and smoke.reason == "exit 7" and smoke.people == 28.0
    assert state.status == "failed" and state.reason == "smoke failed" and state.duration == 41.0
    assert state.questions == []


def test_skipped_step_keeps_its_reason_and_no_times() -> None:
    ev = _started()
    ev.add(
        5,
        "step_finished",
        step="smoke",
        status="skipped",
        reason="modes: live only",
        outputs={},
        changed=False,
        attempts=0,
    )
    smoke = RunState.fold(ev.events).steps["smoke"]
    assert smoke.status == "skipped" and smoke.skip_reason == "modes: live only"
    assert smoke.started is None and smoke.duration is None and smoke.attempts == 0


def test_unknown_step_waits_for_the_operator() -> None:
    ev = _started()
    ev.add(10, "step_started", step="promote", attempt=1)
    ev.add(
        10,
        "call_intent",
        step="promote",
        attempt=1,
        call="sql.instances.promoteReplica",
        request_id=None,
        args={},
    )
    ev.add(60, "run_resumed", host="h", pid=2)
    ev.add(60, "step_unknown", step="promote", attempt=1, reason="the call may have reached Cloud SQL")
    ev.add(
        60,
        "waiting",
        step="promote",
        kind="unknown",
        role=None,
        prompt="Did it act?",
        options=["verified", "rerun", "skip"],
        checklist=[],
        recommended=None,
    )
    ev.add(
        61,
        "waiting",
        step="go",
        kind="approval",
        role="commander",
        prompt="Go?",
        options=["approve", "reject"],
        checklist=[],
        recommended=None,
    )
    state = RunState.fold(ev.events)
    assert state.steps["promote"].status == "unknown"
    assert state.steps["promote"].unknown_reason.startswith("the call may")
    assert [q["step"] for q in state.questions] == ["promote", "go"]
    assert [{k: r[k] for k in ("ts", "operator", "host", "pid")} for r in state.resumes] == [
        {"ts": ev.events[3]["ts"], "operator": "alice", "host": "h", "pid": 2}
    ]
    assert state.resumes[0]["at"].seq == 4 and state.resumes[0]["gap"] == 50.0
    ev.add(
        90,
        "answered",
        step="promote",
        kind="unknown",
        answer="verified",
        by="alice",
        role=None,
        reason=None,
        checklist=[],
    )
    ev.add(
        90,
        "step_finished",
        step="promote",
        status="succeeded",
        reason="verified by alice",
        outputs={},
        changed=True,
        attempts=1,
    )
    state = RunState.fold(ev.events)
    assert state.steps["promote"].status == "succeeded"
    assert [q["step"] for q in state.questions] == ["go"]


def test_interrupted_only_when_unfinished_and_lock_free() -> None:
    ev = _started()
    ev.add(5, "run_paused", reason="lunch")
    assert RunState.fold(ev.events).status == "paused"
    assert RunState.fold(ev.events, lock_free=True).status == "interrupted"
    ev.add(6, "run_unpaused", reason=None)
    assert RunState.fold(ev.events).status == "running"
    ev.add(7, "run_finished", status="aborted", reason="operator aborted")
    assert RunState.fold(ev.events, lock_free=True).status == "aborted"


def test_rto_from_detected_else_declared_else_run_start() -> None:
    ev = _started()
    ev.add(20, "milestone", name="declared", step="declare", source="step")
    ev.add(400, "milestone", name="restored", step="promote", source="step")
    ev.add(500, "milestone", name="restored", step=None, source="operator")  # the first one counts
    assert RunState.fold(ev.events).rto_achieved == 380.0
    state = RunState.fold(ev.events)
    assert state.milestones["restored"].step == "promote" and state.milestones["restored"].by == "alice"

    detected = _started()
    detected.add(5, "milestone", name="detected", step=None, source="operator")
    detected.add(20, "milestone", name="declared", step="declare", source="step")
    detected.add(400, "milestone", name="restored", step="promote", source="step")
    assert RunState.fold(detected.events).rto_achieved == 395.0

    only_start = _started()
    only_start.add(250, "milestone", name="restored", step=None, source="operator")
    assert RunState.fold(only_start.events).rto_achieved == 250.0
    assert RunState.fold(_started().events).rto_achieved is None


def test_rto_across_a_reboot_uses_wall_clock_and_says_so() -> None:
    ev = _started()
    ev.add(10, "milestone", name="detected", step=None, source="operator")
    ev.add(910, "run_resumed", boot="boot-2", mono=3.0, host="h", pid=9)
    ev.add(1210, "milestone", name="restored", step=None, source="operator", boot="boot-2", mono=303.0)
    state = RunState.fold(ev.events)
    assert state.rto_achieved == 1200.0 and state.rto_approximate
    same_boot = _started()
    same_boot.add(10, "milestone", name="detected", step=None, source="operator")
    same_boot.add(70, "milestone", name="restored", step=None, source="operator", mono=1065.5)
    state = RunState.fold(same_boot.events)
    assert state.rto_achieved == 55.5 and not state.rto_approximate  # monotonic wins over wall


def test_rpo_from_incident_start_else_detected_else_run_start() -> None:
    ev = _started(incident_start="2026-11-27T21:58:00+00:00")
    assert RunState.fold(ev.events).rpo_achieved is None
    ev.add(
        300,
        "restore_point",
        step="restore",
        kind="point_in_time",
        at="2026-11-27T21:55:30+00:00",
        backup_run_id=None,
    )
    assert RunState.fold(ev.events).rpo_achieved == 150.0

    detected = _started()
    detected.add(60, "milestone", name="detected", step=None, source="operator")
    detected.add(
        300, "restore_point", step="restore", kind="backup", at="2026-11-27T21:00:00Z", backup_run_id="17"
    )
    state = RunState.fold(detected.events)
    assert state.rpo_achieved == 3660.0 and state.restore_point["backup_run_id"] == "17"

    start_only = _started()
    start_only.add(
        300,
        "restore_point",
        step="restore",
        kind="backup",
        at="2026-11-27T20:00:00+00:00",
        backup_run_id="16",
    )
    assert RunState.fold(start_only.events).rpo_achieved == 7200.0


def test_notes_warnings_resources_outputs_and_unknown_events() -> None:
    ev = _started()
    ev.add(1, "note", text="DBA joined", tag="observation", step=None)
    ev.add(2, "warning", message="journal repaired", step=None)
    ev.add(
        3,
        "resource_created",
        step="promote",
        resource={"kind": "sql.instance", "name": "x", "location": "europe-west4"},
    )
    ev.add(
        4,
        "resource_deleted",
        step="promote",
        resource={"kind": "compute.instance", "name": "y", "location": "europe-west1-b"},
    )
    ev.add(5, "output", step="smoke", stream="stdout", text="ok")
    ev.add(6, "something_from_the_future", step="smoke", anything=1)
    ev.add(7, "step_started", attempt=1)  # no step: ignored, not a crash
    state = RunState.fold(ev.events)
    assert [{k: n[k] for k in ("text", "tag", "step", "by", "ts")} for n in state.notes] == [
        {"text": "DBA joined", "tag": "observation", "step": None, "by": "alice", "ts": ev.events[1]["ts"]}
    ]
    assert state.notes[0]["at"].seq == 2 and state.notes[0]["at"].t == 1.0
    assert state.warnings[0]["message"] == "journal repaired"
    assert state.created[0]["name"] == "x" and state.deleted[0]["name"] == "y"
    assert state.steps["smoke"].log == [{"stream": "stdout", "text": "ok"}]
    assert state.last_seq == 8 and state.steps_total == 4


def test_fold_is_pure_and_equals_incremental_apply() -> None:
    ev = _started(incident_start="2026-11-27T21:58:00+00:00")
    for i in range(50):
        ev.add(i, "step_started", step="promote", attempt=i + 1)
        ev.add(i + 0.5, "attempt_failed", step="promote", attempt=i + 1, error={"message": "x"}, retry_in=1)
    ev.add(
        60,
        "step_finished",
        step="promote",
        status="failed",
        reason="gave up",
        outputs={},
        changed=False,
        attempts=50,
    )
    before = copy.deepcopy(ev.events)
    folded = RunState.fold(ev.events)
    incremental = RunState()
    for event in ev.events:
        incremental.apply(event)
    assert ev.events == before
    assert folded == incremental
    assert folded.steps["promote"].attempts == 50 and folded.steps["promote"].automation == 60.0


def test_restore_point_without_offset_is_utc() -> None:
    ev = _started(incident_start="2026-11-27T22:00:00Z")
    ev.add(
        300,
        "restore_point",
        step="restore",
        kind="point_in_time",
        at="2026-11-27T21:59:00",
        backup_run_id=None,
    )
    assert RunState.fold(ev.events).rpo_achieved == 60.0


def test_a_takeover_names_who_drove_before_and_the_report_says_so() -> None:
    from drp_console.report.deviations import _run_rows

    ev = _started()
    ev.add(30, "run_resumed", host="h2", pid=7, operator="alice")
    assert RunState.fold(ev.events).last_driver == "alice"
    ev.add(90, "run_resumed", host="h3", pid=8, operator="bob", took_over_from="alice")
    state = RunState.fold(ev.events)
    assert state.last_driver == "bob"
    assert [r["took_over_from"] for r in state.resumes] == [None, "alice"]
    words = [row[3] for row in _run_rows(state) if row[1] == "resume"]
    assert "taken over from" not in words[0]
    assert words[1].endswith("without the console, taken over from alice")
