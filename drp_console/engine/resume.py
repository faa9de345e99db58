"""Where a resumed run picks up: a fold of the journal's step events into resume hints.

The rules of "no double execution" live here. A step that finished stays finished. An
operation that was submitted is polled again. A Compute call journaled as intended but not
acknowledged is re-sent with the same requestId (Compute applies it once). Anything else that
may have acted (a Cloud SQL mutating call, a shell command) is UNKNOWN: the operator decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from drp_console.runbook.catalog import CATALOG

HintKind = Literal["poll", "resend", "completed", "unknown", "next_attempt", "ask_failed",
                   "restart"]


@dataclass
class ResumeHint:
    """How to continue one step that was in flight when the console stopped."""

    kind: HintKind
    """poll the operation, re-send the call, finish from the result, ask UNKNOWN, start the
    next attempt, ask the failed question again, or restart the same attempt."""
    attempt: int
    """The attempt to continue (next_attempt: the one that failed)."""
    operation: dict[str, Any] | None = None
    """The journaled OperationRef (poll)."""
    pending: dict[str, Any] | None = None
    """Effects journaled with the operation, recorded once it succeeds (poll)."""
    request_id: str | None = None
    """The requestId to send again (resend)."""
    result: Any = None
    """The journaled result (completed)."""
    error: dict[str, Any] | None = None
    """The last attempt's error (ask_failed)."""
    reason: str = ""
    """Why the step is UNKNOWN (unknown)."""


@dataclass
class ResumePlan:
    """The engine's state rebuilt from a journal."""

    finished: dict[str, str] = field(default_factory=dict)
    """Step id -> terminal status (succeeded, failed, skipped)."""
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Step id -> outputs of finished steps."""
    attempts: dict[str, int] = field(default_factory=dict)
    """Step id -> highest attempt number seen."""
    hints: dict[str, ResumeHint] = field(default_factory=dict)
    """Steps in flight -> how to continue them."""
    finished_run: str | None = None
    """The run's final status when the journal already holds `run_finished`."""
    has_steps: bool = False
    """Whether any step event was journaled (False: a fresh run)."""


@dataclass
class _Track:
    attempt: int = 0
    phase: str = "idle"
    intent: dict[str, Any] | None = None
    operation: dict[str, Any] | None = None
    pending: dict[str, Any] | None = None
    result: Any = None
    has_result: bool = False
    error: dict[str, Any] | None = None
    retry_in: float | None = None


def plan_resume(runbook: Any, events: list[dict[str, Any]]) -> ResumePlan:
    """Fold the journal's events into what is finished and how to continue the rest."""
    plan = ResumePlan()
    tracks: dict[str, _Track] = {}
    for ev in events:
        kind, step = ev.get("type"), ev.get("step")
        if kind == "run_finished":
            plan.finished_run = ev.get("status")
        if not step or kind in ("note", "milestone", "warning"):
            continue
        plan.has_steps = True
        t = tracks.setdefault(step, _Track())
        if "attempt" in ev and isinstance(ev["attempt"], int):
            plan.attempts[step] = max(plan.attempts.get(step, 0), ev["attempt"])
        if kind == "step_started":
            tracks[step] = t = _Track(attempt=ev["attempt"], phase="started")
        elif kind == "call_intent":
            t.intent, t.phase = ev, "intent"
        elif kind == "operation_submitted":
            t.operation, t.pending, t.phase = ev.get("operation"), ev.get("pending"), "submitted"
        elif kind == "call_completed":
            t.result, t.has_result, t.phase = ev.get("result"), True, "completed"
        elif kind == "attempt_failed":
            t.error, t.retry_in, t.phase = ev.get("error"), ev.get("retry_in"), "attempt_failed"
        elif kind == "step_unknown":
            t.phase = "unknown"
        elif kind == "answered" and ev.get("kind") in ("unknown", "failed"):
            if ev.get("answer") in ("rerun", "retry"):
                t.phase = "rerun"
        elif kind == "step_finished":
            plan.finished[step] = ev.get("status", "succeeded")
            plan.outputs[step] = ev.get("outputs") or {}
            t.phase = "finished"
    for step_id, t in tracks.items():
        if t.phase in ("finished", "idle"):
            continue
        hint = _hint(runbook.step(step_id), t)
        if hint is not None:
            plan.hints[step_id] = hint
    return plan


def _hint(step: Any, t: _Track) -> ResumeHint | None:
    a = t.attempt
    if t.phase == "rerun" or (t.phase == "attempt_failed" and t.retry_in is not None):
        return ResumeHint("next_attempt", a)
    if t.phase == "attempt_failed":
        return ResumeHint("ask_failed", a, error=t.error)
    if t.phase == "unknown":
        return ResumeHint("unknown", a, reason="it was UNKNOWN when the console stopped")
    if step.type == "gcp":
        if t.phase == "completed":
            return ResumeHint("completed", a, result=t.result)
        if t.phase == "submitted" and t.operation:
            return ResumeHint("poll", a, operation=t.operation, pending=t.pending)
        if t.phase == "intent":
            call = CATALOG[step.call]
            rid = (t.intent or {}).get("request_id")
            if call.request_id and rid:
                return ResumeHint("resend", a, request_id=rid)
            return ResumeHint("unknown", a, reason=f"{call.name} was sent and the console stopped "
                              "before its answer; it may have been applied")
        return ResumeHint("restart", a)
    if step.type == "shell":
        if t.phase == "started":
            return ResumeHint("restart", a)
        return ResumeHint("unknown", a, reason="the command was started and the console stopped "
                          "before it ended; it may have acted, and it may still be running (it "
                          "runs in its own process group): check before you rerun it")
    return ResumeHint("restart", a)
