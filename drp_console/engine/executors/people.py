"""People's steps: manual work with a checklist, approvals, decisions."""

from __future__ import annotations

from typing import Any

from drp_console.engine.executors.base import StepFailure, StepHost, StepResult, StepRun
from drp_console.engine.responder import Question

TERMINAL = frozenset({"succeeded", "failed", "skipped"})


def _text(run: StepRun, text: str | None) -> str:
    """A templated text, rendered; `explain` is appended in training mode."""
    host = run.host
    parts = [host.render(text or "")]
    explain = getattr(run.step, "explain", None)
    if explain and host.ctx.mode == "training":
        parts.append(host.render(explain))
    return "\n\n".join(p for p in parts if p)


async def run_manual(run: StepRun) -> StepResult:
    """A person does the work and ticks every checklist item."""
    step = run.step
    checklist = tuple(getattr(step, "checklist", None) or ())
    question = Question(step=step.id, kind="manual", prompt=_text(run, step.instructions),
                        role=step.role, options=("done",), checklist=checklist)
    answer = await run.host.ask(question)
    missing = [item for item in checklist if item not in answer.checklist]
    if missing:
        raise StepFailure(
            f"marked done with {len(missing)} checklist item(s) not ticked: " + "; ".join(missing),
            code="checklist", hint="tick every item, or skip the step with a reason",
        )
    return StepResult(outputs={"done_by": answer.by})


async def run_approval(run: StepRun) -> StepResult:
    """A go/no-go gate: approval records who approved and in which role; reject fails."""
    step = run.step
    prompt = _text(run, getattr(step, "prompt", None) or step.instructions or step.title)
    question = Question(step=step.id, kind="approval", prompt=prompt, role=step.role,
                        options=("approve", "reject"))
    answer = await run.host.ask(question)
    if answer.value != "approve":
        why = f": {answer.reason}" if answer.reason else ""
        raise StepFailure(f"rejected by {answer.by}{why}", code="rejected",
                          hint="the gate was refused; retry to ask again, or skip")
    return StepResult(outputs={"approver": answer.by, "role": answer.role or step.role})


async def run_decision(run: StepRun) -> StepResult:
    """The operator picks one option; its target runs, the other targets are skipped.

    An option whose target could not run (its `when` is already known to be false, or its
    `modes` leave out this run's mode) is not offered: the prompt says why."""
    step = run.step
    options: dict[str, str] = {}
    closed: dict[str, str] = {}
    for label, target in step.options.items():
        why = _closed(run.host, target)
        if why is None:
            options[label] = target
        else:
            closed[label] = why
    if not options:
        raise StepFailure("no option of this decision can run: " + "; ".join(
            f"'{label}' ({why})" for label, why in closed.items()), code="noOption",
            hint="give the parameters an option needs and start a new run, or skip the step")
    prompt = _text(run, getattr(step, "prompt", None) or step.title)
    if closed:
        prompt += "\n\nNot offered: " + "; ".join(
            f"*{label}* ({why})" for label, why in closed.items()) + "."
    recommended = getattr(step, "recommended", None)
    question = Question(step=step.id, kind="decision", prompt=prompt, role=step.role,
                        options=tuple(options),
                        recommended=recommended if recommended in options else None)
    answer = await run.host.ask(question)
    return StepResult(outputs={"option": answer.value, "next": options[answer.value],
                               "by": answer.by})


def _closed(host: StepHost, target: str) -> str | None:
    """Why a decision option's target cannot run in this run, or None (it may run).

    A `when` counts only when everything it reads is settled now: parameters, the run, and
    steps that have finished."""
    from drp_console.runbook.references import analyse

    step = host.runbook.step(target)
    if step.modes is not None and host.ctx.mode not in step.modes:
        return f"it runs only in {', '.join(step.modes)} mode"
    if not step.when:
        return None
    found = analyse(step.when, "expression")
    if found.error is not None:
        return None
    steps_read = [path[1] for path in found.paths if path[0] == "steps" and len(path) >= 2]
    if "steps" in found.names and not steps_read:
        return None  # steps[...] read in a way we cannot follow: let the step decide
    if any(host.status_of(s) not in TERMINAL for s in steps_read):
        return None
    try:
        holds = host.evaluate(step.when)
    except StepFailure:
        return None
    return None if holds else f"needs {step.when}"
