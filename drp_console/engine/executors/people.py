"""People's steps: manual work with a checklist, approvals, decisions."""

from __future__ import annotations

from drp_console.engine.executors.base import StepFailure, StepResult, StepRun
from drp_console.engine.responder import Question


def _text(run: StepRun, text: str | None) -> str:
    """A templated text, rendered; `explain` is appended in training mode."""
    engine = run.engine
    parts = [engine.render(text or "")]
    explain = getattr(run.step, "explain", None)
    if explain and engine.ctx.mode == "training":
        parts.append(engine.render(explain))
    return "\n\n".join(p for p in parts if p)


async def run_manual(run: StepRun) -> StepResult:
    """A person does the work and ticks every checklist item."""
    step = run.step
    checklist = tuple(getattr(step, "checklist", None) or ())
    question = Question(step=step.id, kind="manual", prompt=_text(run, step.instructions),
                        role=step.role, options=("done",), checklist=checklist)
    answer = await run.engine.ask(question)
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
    answer = await run.engine.ask(question)
    if answer.value != "approve":
        why = f": {answer.reason}" if answer.reason else ""
        raise StepFailure(f"rejected by {answer.by}{why}", code="rejected",
                          hint="the gate was refused; retry to ask again, or skip")
    return StepResult(outputs={"approver": answer.by, "role": answer.role or step.role})


async def run_decision(run: StepRun) -> StepResult:
    """The operator picks one option; its target runs, the other targets are skipped."""
    step = run.step
    options: dict[str, str] = dict(step.options)
    question = Question(step=step.id, kind="decision",
                        prompt=_text(run, getattr(step, "prompt", None) or step.title),
                        role=step.role, options=tuple(options),
                        recommended=getattr(step, "recommended", None))
    answer = await run.engine.ask(question)
    return StepResult(outputs={"option": answer.value, "next": options[answer.value],
                               "by": answer.by})
