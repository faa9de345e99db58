"""Run state as a pure fold over journal events: statuses, step times, milestones, RTO and RPO.

No I/O: the same events always give the same state, whether they come from a live run, a
resumed one or a journal read back for a report. The runbook's steps (titles, roles, budgets)
come from `run_started.runbook_doc` as plain dicts, so an old journal folds without the model.
Time per step is split into phases as events arrive: `waiting` starts people's time, `answered`
ends it; `operation_submitted` starts polling, the operation's DONE (or the call's completion or
failure) ends it; everything else between `step_started` and `step_finished` is automation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drp_console.journal.step_state import (
    FINISHED,
    LOG_CAP,
    Milestone,
    StepState,
)
from drp_console.journal.timing import Instant, parse_ts, span
from drp_console.runbook.durations import seconds_of

STEP_STATUSES = ("pending", "running", "waiting", "succeeded", "failed", "skipped", "unknown")
"""Every status a step can have."""

RUN_STATUSES = ("running", "paused", "succeeded", "failed", "aborted", "interrupted")
"""Every status a run can have (`interrupted`: no `run_finished` and no live lock holder)."""

@dataclass
class RunState:
    """Everything known about one run, folded from its journal."""

    run_id: str | None = None
    """The run id."""
    status: str = "running"
    """running, paused, succeeded, failed, aborted, interrupted."""
    reason: str | None = None
    """Why the run finished or paused."""
    runbook: dict = field(default_factory=dict)
    """id, title, version, hash, path."""
    runbook_doc: dict = field(default_factory=dict)
    """The runbook as JSON (steps, objectives, roles, ...)."""
    mode: str | None = None
    """live, simulate, training."""
    params: dict = field(default_factory=dict)
    """Resolved parameters (secrets as `***`)."""
    scenario: dict | None = None
    """id, title, path, speed of the simulated world, None in live mode."""
    project: str | None = None
    """The Google Cloud project."""
    incident_start: str | None = None
    """When the incident started (ISO), as given at the start of the run."""
    operator: str | None = None
    """Who started the run."""
    started: Instant | None = None
    """The `run_started` event's time."""
    ended: Instant | None = None
    """The `run_finished` event's time."""
    steps: dict[str, StepState] = field(default_factory=dict)
    """Step id -> state, in runbook order."""
    milestones: dict[str, Milestone] = field(default_factory=dict)
    """Milestone name -> its first occurrence."""
    notes: list[dict] = field(default_factory=list)
    """Notes: text, tag, step, by, ts."""
    warnings: list[dict] = field(default_factory=list)
    """Warnings: message, step, ts."""
    restore_point: dict | None = None
    """The latest restore point: step, kind, at, backup_run_id."""
    created: list[dict] = field(default_factory=list)
    """Resources created: step, kind, name, location."""
    deleted: list[dict] = field(default_factory=list)
    """Resources deleted: step, kind, name, location."""
    resumes: list[dict] = field(default_factory=list)
    """Each resume: ts, operator, host, pid."""
    last_seq: int = 0
    """The sequence number of the last event folded."""
    run_started: dict | None = None
    """The `run_started` event itself (tool version, host, regions, ...)."""

    @classmethod
    def fold(cls, events: list[dict], *, lock_free: bool = False) -> RunState:
        """The state after `events`; with `lock_free` an unfinished run is `interrupted`."""
        state = cls()
        for event in events:
            state.apply(event)
        if lock_free and state.status in ("running", "paused"):
            state.status = "interrupted"
        return state

    def apply(self, event: dict) -> RunState:
        """Fold one more event into this state (in place, no I/O); returns the state."""
        seq = event.get("seq")
        if isinstance(seq, int):
            self.last_seq = seq
        kind = event.get("type", "")
        handler = _HANDLERS.get(kind)
        if kind in _STEP_EVENTS and not isinstance(event.get("step"), str):
            return self
        if handler is not None:
            handler(self, event, Instant.of(event))
        return self

    # -- derived -------------------------------------------------------------------------------

    def step(self, step_id: str) -> StepState:
        """The state of a step, created (pending) when the runbook did not list it."""
        state = self.steps.get(step_id)
        if state is None:
            state = self.steps[step_id] = StepState(id=step_id, title=step_id)
        return state

    @property
    def finished(self) -> bool:
        """The run has a `run_finished` event."""
        return self.status in ("succeeded", "failed", "aborted")

    @property
    def steps_total(self) -> int:
        """How many steps the run has."""
        return len(self.steps)

    @property
    def steps_done(self) -> int:
        """How many steps have finished (succeeded, failed or skipped)."""
        return sum(1 for s in self.steps.values() if s.status in FINISHED)

    @property
    def questions(self) -> list[dict]:
        """Open questions to people, oldest first: step, kind, role, prompt, options, ..."""
        waiting = [s for s in self.steps.values() if s.question is not None]
        waiting.sort(key=lambda s: s._asked_seq)
        return [{"step": s.id, **s.question} for s in waiting]  # type: ignore[dict-item]

    @property
    def objectives(self) -> dict[str, float | None]:
        """Target RTO and RPO in seconds (None when the runbook sets none)."""
        obj = self.runbook_doc.get("objectives") or {}
        return {"rto": seconds_of(obj.get("rto")), "rpo": seconds_of(obj.get("rpo"))}

    @property
    def duration(self) -> float | None:
        """Seconds from the start to the end of the run, None while it runs."""
        return span(self.started, self.ended)[0]

    def _rto(self) -> tuple[float | None, bool]:
        restored = self.milestones.get("restored")
        if restored is None:
            return None, False
        origin = self.milestones.get("detected") or self.milestones.get("declared")
        return span(origin.at if origin else self.started, restored.at)

    @property
    def rto_achieved(self) -> float | None:
        """Seconds from `detected` (else `declared`, else the run start) to `restored`."""
        return self._rto()[0]

    @property
    def rto_approximate(self) -> bool:
        """The RTO comes from wall clocks, not one boot's monotonic time."""
        return self._rto()[1]

    @property
    def rpo_achieved(self) -> float | None:
        """Seconds of data lost: incident start (else `detected`, else run start) minus the
        restore point's time; None without a restore point."""
        if not self.restore_point:
            return None
        at = parse_ts(self.restore_point.get("at"))
        detected = self.milestones.get("detected")
        origin = parse_ts(self.incident_start) or (detected.at.wall if detected else None)
        if origin is None and self.started is not None:
            origin = self.started.wall
        if at is None or origin is None:
            return None
        return max(0.0, (origin - at).total_seconds())


# -- event handlers ----------------------------------------------------------------------------


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _run_started(s: RunState, e: dict, at: Instant) -> None:
    s.run_started = e
    s.run_id = e.get("run_id")
    s.runbook = e.get("runbook") or {}
    s.runbook_doc = e.get("runbook_doc") or {}
    s.mode = e.get("mode")
    s.params = e.get("params") or {}
    s.scenario = e.get("scenario")
    s.project = e.get("project")
    s.incident_start = e.get("incident_start")
    s.operator = e.get("operator")
    s.started = at
    s.status = "running"
    for doc in s.runbook_doc.get("steps") or []:
        if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
            continue
        step = s.step(doc["id"])
        step.title = doc.get("title") or doc["id"]
        step.type = doc.get("type")
        step.role = doc.get("role")
        step.budget = seconds_of(doc.get("budget"))
        step.milestone = doc.get("milestone")


def _run_resumed(s: RunState, e: dict, at: Instant) -> None:
    s.resumes.append({"ts": at.ts, "operator": e.get("operator"), "host": e.get("host"), "pid": e.get("pid")})
    if not s.finished:
        s.status, s.reason = "running", None


def _run_paused(s: RunState, e: dict, at: Instant) -> None:
    if not s.finished:
        s.status, s.reason = "paused", e.get("reason")


def _run_unpaused(s: RunState, e: dict, at: Instant) -> None:
    if not s.finished:
        s.status, s.reason = "running", None


def _run_finished(s: RunState, e: dict, at: Instant) -> None:
    s.status = e.get("status") or "failed"
    s.reason = e.get("reason")
    s.ended = at
    for step in s.steps.values():
        if step._phase is not None:
            step._switch(None, at)


def _step_started(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step._begin(at)
    step.status = "running"
    step.attempts = max(step.attempts, _int(e.get("attempt"), 1))
    step.retry_in = None
    step._switch("automation", at)


def _call_intent(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.call, step.request_id, step.args = e.get("call"), e.get("request_id"), e.get("args")


def _operation_submitted(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.operation = e.get("operation")
    step.operation_status, step.operation_progress = None, None
    step._switch("polling", at)


def _operation_progress(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.operation_status = e.get("status")
    step.operation_progress = e.get("progress")
    if step.operation_status == "DONE" and step._phase == "polling":
        step._switch("automation", at)


def _call_completed(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.result = e.get("result")
    if step._phase == "polling":
        step._switch("automation", at)


def _attempt_failed(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.error = e.get("error")
    step.retry_in = e.get("retry_in")
    if step._phase == "polling":
        step._switch("automation", at)


def _waiting(s: RunState, e: dict, at: Instant) -> None:
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
    step._asked_seq = s.last_seq
    if kind != "unknown":
        step.status = "waiting"
    step._switch("people", at)


def _answered(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.answers.append(
        {
            "kind": e.get("kind"),
            "answer": e.get("answer"),
            "by": e.get("by"),
            "role": e.get("role"),
            "reason": e.get("reason"),
            "checklist": e.get("checklist") or [],
            "ts": at.ts,
        }
    )
    step.question = None
    if step.status in ("waiting", "unknown"):
        step.status = "running"
    step._switch("automation", at)


def _step_unknown(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step._begin(at)
    step.status = "unknown"
    step.unknown_reason = e.get("reason")
    step.attempts = max(step.attempts, _int(e.get("attempt"), 0))
    if step._phase is None:
        step._switch("automation", at)


def _output(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.log.append({"stream": e.get("stream"), "text": e.get("text")})
    if len(step.log) > LOG_CAP:
        del step.log[: len(step.log) - LOG_CAP]


def _step_finished(s: RunState, e: dict, at: Instant) -> None:
    step = s.step(e["step"])
    step.status = e.get("status") or "failed"
    step.reason = e.get("reason")
    step.outputs = e.get("outputs") or {}
    step.changed = bool(e.get("changed"))
    if isinstance(e.get("attempts"), int):
        step.attempts = e["attempts"]
    step.question = None
    step.retry_in = None
    if step.started is not None:
        step.ended = at
    step._switch(None, at)


def _restore_point(s: RunState, e: dict, at: Instant) -> None:
    s.restore_point = {k: e.get(k) for k in ("step", "kind", "at", "backup_run_id")}


def _resource(target: str):
    def handler(s: RunState, e: dict, at: Instant) -> None:
        resource = e.get("resource") or {}
        getattr(s, target).append({"step": e.get("step"), **resource, "ts": at.ts})

    return handler


def _milestone(s: RunState, e: dict, at: Instant) -> None:
    name = e.get("name")
    if isinstance(name, str) and name not in s.milestones:
        s.milestones[name] = Milestone(name, at, e.get("operator"), e.get("step"), e.get("source"))


def _note(s: RunState, e: dict, at: Instant) -> None:
    s.notes.append(
        {"text": e.get("text"), "tag": e.get("tag"), "step": e.get("step"), "by": e.get("operator"), "ts": at.ts}
    )


def _warning(s: RunState, e: dict, at: Instant) -> None:
    s.warnings.append({"message": e.get("message"), "step": e.get("step"), "ts": at.ts})


_STEP_EVENTS = frozenset(
    {
        "step_started", "call_intent", "operation_submitted", "operation_progress",
        "call_completed", "attempt_failed", "waiting", "answered", "step_unknown", "output",
        "step_finished",
    }
)

_HANDLERS = {
    "run_started": _run_started,
    "run_resumed": _run_resumed,
    "run_paused": _run_paused,
    "run_unpaused": _run_unpaused,
    "run_finished": _run_finished,
    "step_started": _step_started,
    "call_intent": _call_intent,
    "operation_submitted": _operation_submitted,
    "operation_progress": _operation_progress,
    "call_completed": _call_completed,
    "attempt_failed": _attempt_failed,
    "waiting": _waiting,
    "answered": _answered,
    "step_unknown": _step_unknown,
    "output": _output,
    "step_finished": _step_finished,
    "restore_point": _restore_point,
    "resource_created": _resource("created"),
    "resource_deleted": _resource("deleted"),
    "milestone": _milestone,
    "note": _note,
    "warning": _warning,
}
