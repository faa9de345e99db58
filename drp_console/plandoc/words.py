"""What a step does, in words: the action, the checks, and what happens on failure.

Templated text is shown with the parameters' default values; `«name»` stands for what is given
when the run starts (parameters without a default, secrets) or known only during the run (a
step's outputs, the run id).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from drp_console.runbook import templating
from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.durations import duration_text
from drp_console.runbook.model import (
    ApprovalStep,
    DecisionStep,
    GcpStep,
    ManualStep,
    Runbook,
    ShellStep,
    Step,
    WaitStep,
)


class Later(Mapping[str, Any]):
    """A value known only at run time: renders as `«name»`, and so does any part of it."""

    def __init__(self, name: str):
        self.name = name

    def __getitem__(self, key: str) -> Later:
        return Later(f"{self.name}.{key}")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        return f"«{self.name}»"


class _LaterSteps(Mapping[str, Any]):
    def __getitem__(self, step_id: str) -> dict[str, Any]:
        return {"outputs": Later(step_id), "status": Later(f"{step_id}.status")}

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def shown_params(runbook: Runbook) -> dict[str, Any]:
    """Parameter values templates are shown with: the default, else (and for every secret)
    `«name»`."""
    out: dict[str, Any] = {}
    for name, spec in runbook.parameters.items():
        has_default = spec.default is not None and not spec.secret
        out[name] = spec.default if has_default else Later(name)
    return out


def context(runbook: Runbook) -> dict[str, Any]:
    """The template context of a plan document."""
    ctx = templating.context(params=shown_params(runbook), run={
        "mode": Later("run.mode"), "id": Later("run.id"), "operator": Later("run.operator"),
        "project": shown_params(runbook).get("project", Later("run.project"))})
    ctx["steps"] = _LaterSteps()
    return ctx


def shown(value: Any, ctx: Mapping[str, Any]) -> Any:
    """A templated value rendered for reading; as written when only the run could render it."""
    if isinstance(value, dict):
        return {k: shown(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [shown(v, ctx) for v in value]
    if value is True or value is False:
        return "true" if value else "false"
    try:
        return templating.render_value(value, ctx)
    except Exception:  # a template that needs what only the run has: show it as written
        return value


def effect_words(effect: str) -> str:
    """One phrase per effect (see `graph_svg.effect_of`)."""
    return {
        "people": "done by people; changes nothing by itself",
        "read": "reads only; changes nothing",
        "mutating": "CHANGES the project",
        "destructive": "DESTROYS or overwrites data",
        "local": "runs a command on the operator's machine",
    }[effect]


def action_words(step: Step, ctx: Mapping[str, Any]) -> str:
    """The step's action in one or two sentences (arguments are listed separately)."""
    if isinstance(step, GcpStep):
        call = CATALOG.get(step.call)
        summary = f" ({call.summary.lower()})" if call else ""
        wait = "; waits for the operation it starts to end" if call and call.mutating else ""
        return f"Calls {step.call}{summary}{wait}."
    if isinstance(step, WaitStep):
        return (f"Calls {step.call} every {duration_text(step.interval)} until its check "
                "holds.")
    if isinstance(step, ShellStep):
        command = " ".join(str(a) for a in shown(list(step.run), ctx))
        where = f" in {step.cwd}" if step.cwd else ""
        return f"Runs the local command `{command}`{where} and keeps its output."
    if isinstance(step, DecisionStep):
        return "A person chooses one option; the steps of the other options are skipped."
    if isinstance(step, ApprovalStep):
        return "A go/no-go gate: approved, the run goes on; rejected, the step fails."
    if isinstance(step, ManualStep):
        ticks = " after ticking every checklist item" if step.checklist else ""
        return f"A person does the work and marks the step done{ticks}."
    return step.type


def failure_words(runbook: Runbook, step: Step) -> str:
    """What happens when the step fails: retries, timeout, then `on_failure`."""
    parts = []
    if step.retry.attempts > 1:
        wait = ""
        if step.retry.delay:
            wait = f", waiting {duration_text(step.retry.delay)} before the second try"
            if step.retry.backoff != 1:
                wait += f" and {step.retry.backoff:g} times longer each time after"
        parts.append(f"Transient errors (HTTP 429, 5xx, lost connections) are tried again, "
                     f"{step.retry.attempts} tries in all{wait}.")
    if step.timeout is not None:
        parts.append(f"The step fails when it runs longer than {duration_text(step.timeout)}.")
    if step.on_failure == "abort":
        parts.append("On failure the run starts nothing new (abort); people decide what next.")
    elif step.on_failure == "continue":
        parts.append("On failure the run continues: the steps that need it still run.")
    else:
        target = step.on_failure
        title = runbook.step(target).title if runbook.has_step(target) else ""
        parts.append(f"On failure the run goes to step {target}" +
                     (f" ({title})." if title else "."))
    return " ".join(parts)


def checks_of(step: Step) -> list[tuple[str, str]]:
    """(what, expression or text) of every check the step makes."""
    out = []
    if isinstance(step, GcpStep) and step.check:
        out.append(("the result must satisfy", step.check))
    if isinstance(step, WaitStep):
        out.append(("done when", step.until))
    if isinstance(step, (GcpStep, WaitStep)):
        out += [(f"keeps output {name} =", expr) for name, expr in step.outputs.items()]
    if step.confirm:
        out.append(("in live mode, the operator types", step.confirm))
    return out
