"""Where a resumed run picks up: resume hints read from the run's one fold (`RunState`).

The rules of "no double execution" live here. A step that finished stays finished. An
operation that was submitted is polled again. A Compute call journaled as intended but not
acknowledged is re-sent with the same requestId (Compute applies it once). Anything else that
may have acted (a Cloud SQL mutating call, a shell command) is UNKNOWN: the operator decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from drp_console.journal.state import RunState
from drp_console.journal.step_state import FINISHED
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


def plan_resume(runbook: Any, state: RunState) -> ResumePlan:
    """What is finished and how to continue the rest, read from the run's one fold."""
    plan = ResumePlan(finished_run=state.status if state.finished else None)
    for step_id, step in state.steps.items():
        if step.attempts:
            plan.attempts[step_id] = step.attempts
        phase = step.resume.get("phase")
        if phase is not None or step.answers or step.question is not None:
            plan.has_steps = True
        if phase == "finished" or (phase is None and step.status in FINISHED):
            plan.finished[step_id] = step.status
            plan.outputs[step_id] = step.outputs or {}
            continue
        if phase is None or not runbook.has_step(step_id):
            continue
        hint = _hint(runbook.step(step_id), step.resume)
        if hint is not None:
            plan.hints[step_id] = hint
    return plan


def _hint(step: Any, track: dict[str, Any]) -> ResumeHint | None:
    a, phase = int(track.get("attempt") or 0), track.get("phase")
    if phase == "rerun" or (phase == "failed_attempt" and track.get("retry_in") is not None):
        return ResumeHint("next_attempt", a)
    if phase == "failed_attempt":
        return ResumeHint("ask_failed", a, error=track.get("error"))
    if phase == "unknown":
        return ResumeHint("unknown", a, reason="it was UNKNOWN when the console stopped")
    if step.type == "gcp":
        if phase == "completed":
            return ResumeHint("completed", a, result=track.get("result"))
        if phase == "submitted" and track.get("operation"):
            return ResumeHint("poll", a, operation=track["operation"], pending=track.get("pending"))
        if phase == "intent":
            call = CATALOG[step.call]
            rid = (track.get("intent") or {}).get("request_id")
            if call.request_id and rid:
                return ResumeHint("resend", a, request_id=rid)
            return ResumeHint("unknown", a, reason=f"{call.name} was sent and the console stopped "
                              "before its answer; it may have been applied")
        return ResumeHint("restart", a)
    if step.type == "shell":
        if phase == "started":
            return ResumeHint("restart", a)
        return ResumeHint("unknown", a, reason="the command was started and the console stopped "
                          "before it ended; it may have acted, and it may still be running (it "
                          "runs in its own process group): check before you rerun it")
    return ResumeHint("restart", a)
