"""How each journal event changes a run's state: one handler per event type.

`RunState.apply` is the only caller. Handlers read fields with defaults, so an older journal
(or a hand-edited one) folds without crashing; every instant they store carries the event's
sequence number and its offset on the run's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from drp_console.journal.event_types import EventType as E
from drp_console.journal.step_state import LOG_CAP, Milestone
from drp_console.journal.timing import Instant, parse_ts
from drp_console.runbook.durations import seconds_of

if TYPE_CHECKING:
    from drp_console.journal.state import RunState

Event = dict[str, Any]
Handler = Callable[["RunState", Event, Instant], None]


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _run_started(s: RunState, e: Event, at: Instant) -> None:
    s.run_started = e
    s.run_id = e.get("run_id")
    s.runbook = _dict(e.get("runbook"))
    s.runbook_doc = _dict(e.get("runbook_doc"))
    s.mode = e.get("mode")
    s.params = _dict(e.get("params"))
    s.scenario = e.get("scenario")
    s.project = e.get("project")
    s.incident_start = e.get("incident_start")
    s.operator = e.get("operator")
    s.started = at
    s.status = "running"
    steps = s.runbook_doc.get("steps")
    for doc in steps if isinstance(steps, list) else []:
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            continue
        step = s.step(doc["id"])
        step.title = doc.get("title") or doc["id"]
        step.type = doc.get("type")
        step.role = doc.get("role")
        step.budget = seconds_of(doc.get("budget"))
        step.milestone = doc.get("milestone")


def _run_resumed(s: RunState, e: Event, at: Instant) -> None:
    gap = at.t - s.last.t if s.last is not None else 0.0
    s.resumes.append({"ts": at.ts, "at": at, "gap": gap, "operator": e.get("operator"),
                      "host": e.get("host"), "pid": e.get("pid"),
                      "took_over_from": e.get("took_over_from")})
    if not s.finished:
        s.status, s.reason = "running", None


def _run_paused(s: RunState, e: Event, at: Instant) -> None:
    s.pauses.append({"paused": True, "reason": e.get("reason"), "by": e.get("operator"), "at": at})
    if not s.finished:
        s.status, s.reason = "paused", e.get("reason")


def _run_unpaused(s: RunState, e: Event, at: Instant) -> None:
    s.pauses.append({"paused": False, "reason": e.get("reason"), "by": e.get("operator"),
                     "at": at})
    if not s.finished:
        s.status, s.reason = "running", None


def _run_finished(s: RunState, e: Event, at: Instant) -> None:
    status = e.get("status")
    s.status = status if isinstance(status, str) and status else "failed"
    s.reason = e.get("reason")
    s.ended = at
    for step in s.steps.values():
        if step._phase is not None:
            step._switch(None, at)


def _step_started(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step._begin(at)
    step.status = "running"
    step.attempts = max(step.attempts, _int(e.get("attempt"), 1))
    step.retry_in = None
    step._switch("automation", at)
    step.resume = {"phase": "started", "attempt": _int(e.get("attempt"), 1)}


def _call_intent(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.call, step.request_id, step.args = e.get("call"), e.get("request_id"), e.get("args")
    step.resume.update(phase="intent", intent=e)


def _operation_submitted(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.operation = e.get("operation")
    step.operation_status, step.operation_progress = None, None
    op = step.operation
    name = op.get("name") if isinstance(op, dict) else op
    if name and str(name) not in step.operations:
        step.operations.append(str(name))
    step._open(step.polls, at)
    step._switch("polling", at)
    step.resume.update(phase="submitted", operation=e.get("operation"), pending=e.get("pending"))


def _operation_progress(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.operation_status = e.get("status")
    step.operation_progress = e.get("progress")
    if step.operation_status == "DONE":
        step._close(step.polls, at)
        if step._phase == "polling":
            step._switch("automation", at)


def _call_completed(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.result = e.get("result")
    step._close(step.polls, at)
    if step._phase == "polling":
        step._switch("automation", at)
    step.resume.update(phase="completed", result=e.get("result"))
    _note_backup_runs(s, e.get("result"))


def _note_backup_runs(s: RunState, result: Any) -> None:
    """Keep the backup runs a result shows (`sql.backupRuns.list` items or `.get`)."""
    if not isinstance(result, dict):
        return
    items = result.get("items")
    for run in [result] + (items if isinstance(items, list) else []):
        if isinstance(run, dict) and run.get("id") not in (None, "") and (
                run.get("startTime") or run.get("endTime")):
            s.backup_runs[str(run["id"])] = run


def _attempt_failed(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.error = e.get("error")
    step.retry_in = e.get("retry_in")
    step.failures.append({"attempt": e.get("attempt"), "error": e.get("error") or {},
                          "retry_in": e.get("retry_in"), "at": at})
    step._close(step.polls, at)
    if step._phase == "polling":
        step._switch("automation", at)
    step.resume.update(phase="failed_attempt", error=e.get("error"), retry_in=e.get("retry_in"))


def _waiting(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step._begin(at)
    kind = e.get("kind")
    step.question = {
        "kind": kind,
        "role": e.get("role"),
        "prompt": e.get("prompt"),
        "options": e.get("options") or [],
        "checklist": e.get("checklist") or [],
        "recommended": e.get("recommended"),
        "since": at.ts,
    }
    step.asked = at
    step._asked_seq = s.last_seq
    if kind != "unknown":
        step.status = "waiting"
    step._open(step.waits, at)
    step._switch("people", at)


def _answered(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    answer = {
        "step": step.id,
        "kind": e.get("kind"),
        "answer": e.get("answer"),
        "by": e.get("by") or e.get("operator"),
        "role": e.get("role") or step.role,
        "reason": e.get("reason"),
        "checklist": e.get("checklist") or [],
        "ts": at.ts,
        "at": at,
    }
    step.answers.append(answer)
    s.answers.append(answer)
    by = e.get("by") or e.get("operator")
    person = s.person(str(by), at) if by else None
    if person is not None:
        person.answers += 1
        if answer["role"] and answer["role"] not in person.roles:
            person.roles.append(str(answer["role"]))
    step.question = None
    step.ticks = {}
    if step.status in ("waiting", "unknown"):
        step.status = "running"
    step._close(step.waits, at)
    step._switch("automation", at)
    if e.get("kind") in ("unknown", "failed") and e.get("answer") in ("rerun", "retry"):
        step.resume["phase"] = "rerun"


def _checklist_ticked(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    item = e.get("item")
    if isinstance(item, int) and not isinstance(item, bool):
        step.ticks[item] = bool(e.get("checked"))


def _step_unknown(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step._begin(at)
    step.status = "unknown"
    step.unknown_reason = e.get("reason")
    step.unknowns.append({"reason": e.get("reason"), "at": at})
    step.attempts = max(step.attempts, _int(e.get("attempt"), 0))
    step._close(step.polls, at)
    if step._phase is None:
        step._switch("automation", at)
    step.resume["phase"] = "unknown"


def _output(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    step.log.append({"stream": e.get("stream"), "text": e.get("text")})
    if len(step.log) > LOG_CAP:
        del step.log[: len(step.log) - LOG_CAP]


def _step_finished(s: RunState, e: Event, at: Instant) -> None:
    step = s.step(e["step"])
    status = e.get("status")
    step.status = status if isinstance(status, str) and status else "failed"
    step.reason = e.get("reason")
    step.outputs = _dict(e.get("outputs"))
    step.changed = bool(e.get("changed"))
    step.attempts = _int(e.get("attempts"), step.attempts)
    step.question = None
    step.ticks = {}
    step.retry_in = None
    if step.started is None and step.status != "skipped":
        step.started = at
    if step.started is not None:
        step.ended = at
    step.finished = at
    step._close(step.waits, at)
    step._close(step.polls, at)
    step._switch(None, at)
    step.resume = {"phase": "finished", "attempt": step.resume.get("attempt", step.attempts)}


def _restore_point(s: RunState, e: Event, at: Instant) -> None:
    s.restore_point = {k: e.get(k) for k in ("step", "kind", "at", "backup_run_id", "lag_seconds")}
    s.restore_point["recorded"] = at


def _resource(target: str) -> Handler:
    def handler(s: RunState, e: Event, at: Instant) -> None:
        resource = _dict(e.get("resource"))
        getattr(s, target).append({"step": e.get("step"), **resource, "ts": at.ts, "at": at})

    return handler


def _milestone(s: RunState, e: Event, at: Instant) -> None:
    name = e.get("name")
    if isinstance(name, str) and name and name not in s.milestones:
        s.milestones[name] = Milestone(name, _occurred(e, at), e.get("operator"), e.get("step"),
                                       e.get("source"))


def _occurred(e: Event, at: Instant) -> Instant:
    """A milestone journaled after it happened (`occurred_at`, an alert's start): the instant
    moved back by the gap, on the wall clock (before the run, so approximate)."""
    occurred, wall = parse_ts(e.get("occurred_at")), at.wall
    if occurred is None or wall is None or occurred >= wall:
        return at
    return Instant(occurred.isoformat(), None, None, at.seq, at.t - (wall - occurred).total_seconds())


def _note(s: RunState, e: Event, at: Instant) -> None:
    s.notes.append({"text": e.get("text"), "tag": e.get("tag"), "step": e.get("step"),
                    "by": e.get("operator"), "ts": at.ts, "at": at,
                    "owner": e.get("owner"), "due": e.get("due")})


def _action_updated(s: RunState, e: Event, at: Instant) -> None:
    s.action_updates.append({"action": e.get("action"), "owner": e.get("owner"),
                             "due": e.get("due"), "by": e.get("operator"), "at": at})


def _warning(s: RunState, e: Event, at: Instant) -> None:
    s.warnings.append({"message": e.get("message"), "step": e.get("step"), "ts": at.ts, "at": at})


HANDLERS: dict[str, Handler] = {
    E.RUN_STARTED: _run_started,
    E.RUN_RESUMED: _run_resumed,
    E.RUN_PAUSED: _run_paused,
    E.RUN_UNPAUSED: _run_unpaused,
    E.RUN_FINISHED: _run_finished,
    E.STEP_STARTED: _step_started,
    E.CALL_INTENT: _call_intent,
    E.OPERATION_SUBMITTED: _operation_submitted,
    E.OPERATION_PROGRESS: _operation_progress,
    E.CALL_COMPLETED: _call_completed,
    E.ATTEMPT_FAILED: _attempt_failed,
    E.WAITING: _waiting,
    E.ANSWERED: _answered,
    E.CHECKLIST_TICKED: _checklist_ticked,
    E.STEP_UNKNOWN: _step_unknown,
    E.OUTPUT: _output,
    E.STEP_FINISHED: _step_finished,
    E.RESTORE_POINT: _restore_point,
    E.RESOURCE_CREATED: _resource("created"),
    E.RESOURCE_DELETED: _resource("deleted"),
    E.MILESTONE: _milestone,
    E.NOTE: _note,
    E.ACTION_UPDATED: _action_updated,
    E.WARNING: _warning,
}
"""Event type -> how it changes the state (every type of `EventType` has one)."""
