"""The driver's side of a joiner's action: check a command against the run as it is now, and
apply it through the engine's operator commands, journaled under the joiner's name.

`apply_command(engine, command)` returns how the command finishes: ("done", result) or
("rejected", {"reason": ...}). Answers (approve, reject, decide, done, resolve, retry, skip of
an open question) carry the joiner's name as their `by`; notes, milestones, ticks and pauses are
written with the joiner as the event's `operator` (`acting_as`). A command that does not fit
(no such step, nothing open to answer, an option that is not offered) is rejected with a
sentence the joiner's console shows; nothing is journaled for it. Everything journaled for a
command is written under `serving_command(command.id)`: the shared journal marks the command
done in the very transaction that appends its first event (see `pg_commands`).
"""

from __future__ import annotations

import inspect
from typing import Any

from drp_console.engine.responder import Answer
from drp_console.journal.queued import acting_as, serving_command

Outcome = tuple[str, dict[str, Any]]

ANSWERS = {"approve": ("approval", "approve"), "reject": ("approval", "reject"),
           "done": ("manual", "done")}
"""Command kind -> (the question kind it answers, the answer)."""
RESOLVE = ("verified", "rerun", "skip")
"""What a `resolve` command may say about an UNKNOWN step."""


def rejected(reason: str) -> Outcome:
    """A command refused, and why."""
    return "rejected", {"reason": reason}


async def apply_command(engine: Any, command: Any) -> Outcome:
    """Apply one taken command to the running engine (on its event loop)."""
    kind, step, by = command.kind, command.step, command.by
    payload = dict(command.payload or {})
    if step is not None and not _has_step(engine, step):
        return rejected(f"the runbook has no step {step!r}")
    needs_step = kind not in ("note", "milestone", "pause", "unpause")
    if needs_step and step is None:
        return rejected(f"a {kind} command names the step it is about")
    with acting_as(by), serving_command(command.id):
        if kind in ANSWERS or kind in ("decide", "resolve"):
            return _answer(engine, kind, step, by, payload)
        if kind == "tick":
            return await _tick(engine, step, by, payload)
        if kind == "retry":
            return ("done", {}) if engine.retry(step, by) else rejected(
                f"{step} is not waiting for a retry (only a failed or UNKNOWN step can be "
                "retried)")
        if kind == "skip":
            reason = str(payload.get("reason") or "").strip()
            if not reason:
                return rejected("a skip needs a reason")
            return ("done", {}) if engine.skip(step, reason, by) else rejected(
                f"{step} cannot be skipped now (it is running or finished)")
        return await _run_command(engine, kind, step, payload)


def _has_step(engine: Any, step: str) -> bool:
    return any(s.id == step for s in engine.runbook.steps)


def _answer(engine: Any, kind: str, step: str, by: str, payload: dict[str, Any]) -> Outcome:
    question = engine.waiting_question(step)
    if question is None:
        return rejected(f"{step} is not waiting for an answer")
    if kind == "decide":
        expected, value = "decision", str(payload.get("option") or "")
    elif kind == "resolve":
        expected, value = "unknown", str(payload.get("answer") or "")
        if value not in RESOLVE:
            return rejected(f"resolve an UNKNOWN step with {', '.join(RESOLVE)}, not {value!r}")
    else:
        expected, value = ANSWERS[kind]
    if question.kind != expected:
        return rejected(f"{step} waits for a {question.kind} answer, not a {expected} one")
    reason = payload.get("reason")
    if kind == "reject" and not reason:
        return rejected("a rejection needs a reason")
    answer = Answer(value, by=by, role=payload.get("role") or question.role,
                    reason=reason, checklist=question.checklist if kind == "done" else ())
    if kind == "done":
        state = engine.state().step(step)
        ticked = list(state.checklist_ticked[: len(question.checklist)])
        if sum(1 for on in ticked if on) < len(question.checklist):
            return rejected(f"tick all {len(question.checklist)} checklist items of {step} "
                            "first")
    problem = engine.commands.answer(step, answer)
    return rejected(problem) if problem else ("done", {})


async def _tick(engine: Any, step: str, by: str, payload: dict[str, Any]) -> Outcome:
    try:
        item = int(payload.get("item", -1))
    except (TypeError, ValueError):
        return rejected("a tick names the checklist item by its number")
    result = engine.tick(step, item, bool(payload.get("checked", True)), by)
    if result is False:
        return rejected(f"{step} has no open checklist item {item + 1}")
    event = await result
    return "done", {"seq": event.get("seq")}


async def _run_command(engine: Any, kind: str, step: str | None,
                       payload: dict[str, Any]) -> Outcome:
    """note, milestone, pause, unpause: written under the joiner's name."""
    if kind == "note":
        text = str(payload.get("text") or "").strip()
        if not text:
            return rejected("a note needs some text")
        result = engine.note(text, payload.get("tag") or None, step)
    elif kind == "milestone":
        name = str(payload.get("name") or "").strip()
        if not name:
            return rejected("a milestone needs a name")
        result = engine.milestone(name)
    elif kind in ("pause", "unpause"):
        result = getattr(engine, kind)(payload.get("reason"))
        if result is None:
            return rejected(f"the run is already {'paused' if kind == 'pause' else 'running'}")
    else:
        return rejected(f"{kind!r} is not an action the driver knows")
    event = await result if inspect.isawaitable(result) else None
    return "done", {"seq": event.get("seq")} if isinstance(event, dict) else {}
