"""The plan document of a runbook as data: what the Markdown and HTML templates print.

Pure: a valid runbook (no needs cycle) and its last drill in, a `PlanDoc` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drp_console.plandoc import words
from drp_console.plandoc.drills import Drill
from drp_console.plandoc.graph_svg import effect_of
from drp_console.runbook.durations import duration_text, format_duration
from drp_console.runbook.graph import order
from drp_console.runbook.model import (
    ApprovalStep,
    DecisionStep,
    GcpStep,
    ManualStep,
    Runbook,
    Step,
    WaitStep,
)
from drp_console.runbook.plan import yaml_text


def duration(seconds: float | None) -> str:
    """A measured duration (`1h02m`), or an em dash for none."""
    return "—" if seconds is None else format_duration(seconds)


def written(seconds: float | None) -> str:
    """A duration as runbooks write it (`90d`, `1h30m`), or an em dash for none."""
    return "—" if seconds is None else duration_text(seconds)


@dataclass(frozen=True)
class ParamRow:
    """One parameter as the plan lists it (a secret's default is never shown)."""

    name: str
    description: str
    default: str
    required: bool
    secret: bool
    rule: str


@dataclass(frozen=True)
class StepDoc:
    """One step, everything an auditor reads about it."""

    number: int
    id: str
    title: str
    type: str
    role: str
    needs: tuple[str, ...]
    chosen_by: tuple[str, ...]
    milestone: str | None
    effect: str
    effect_words: str
    action: str
    call: str | None
    args: tuple[tuple[str, str], ...]
    prompt: str | None
    options: tuple[tuple[str, str], ...]
    recommended: str | None
    instructions: str | None
    explain: str | None
    checklist: tuple[str, ...]
    checks: tuple[tuple[str, str], ...]
    when: str | None
    modes: str
    budget: str
    timeout: str
    on_failure: str


@dataclass(frozen=True)
class LastDrill:
    """The most recent finished run of the runbook."""

    run_id: str
    date: str
    mode: str
    kind: str
    result: str
    rto: str
    rpo: str


@dataclass(frozen=True)
class PlanDoc:
    """The runbook as a plan document."""

    id: str
    title: str
    version: str
    owner: str
    source: str
    source_hash: str
    summary: str | None
    tags: tuple[str, ...]
    rto: str
    rpo: str
    review_every: str
    breach_clock: bool
    roles: tuple[tuple[str, str, tuple[str, ...]], ...]
    params: tuple[ParamRow, ...]
    steps: tuple[StepDoc, ...]
    last_drill: LastDrill | None


def against(achieved: float | None, target: float | None) -> str:
    """`1h10m (target 2h, met)`, or what is missing."""
    if achieved is None:
        return "not measured" + (f" (target {written(target)})" if target is not None else "")
    if target is None:
        return f"{duration(achieved)} (no target)"
    verdict = "met" if achieved <= target else "MISSED"
    return f"{duration(achieved)} (target {written(target)}, {verdict})"


def last_drill_of(drill: Drill | None) -> LastDrill | None:
    """The last drill as the plan shows it."""
    if drill is None:
        return None
    date = drill.started.strftime("%Y-%m-%d %H:%M UTC") if drill.started else "unknown date"
    rto = against(drill.rto_achieved, drill.rto_target)
    if drill.rto_achieved is not None and not drill.real_time:
        rto = (f"{duration(drill.rto_achieved)} at x{drill.speed:g} (accelerated: not "
               f"comparable with the target of {written(drill.rto_target)})")
    return LastDrill(drill.run_id, date, drill.mode, drill.kind, drill.result, rto,
                     against(drill.rpo_achieved, drill.rpo_target))


def _arg_text(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value, ensure_ascii=False, default=str)
    return value if isinstance(value, str) else yaml_text(value)


def _chosen_by(runbook: Runbook, step_id: str) -> tuple[str, ...]:
    out = []
    for step in runbook.steps:
        if isinstance(step, DecisionStep):
            out += [f"{step.id} (option “{label}”)" for label, target in step.options.items()
                    if target == step_id]
        if step.on_failure == step_id:
            out.append(f"{step.id} (when it fails)")
    return tuple(out)


def _step_doc(runbook: Runbook, step: Step, number: int, ctx: dict[str, Any]) -> StepDoc:
    def text(value: str | None) -> str | None:
        return None if value is None else str(words.shown(value, ctx))

    args: tuple[tuple[str, str], ...] = ()
    call = None
    if isinstance(step, (GcpStep, WaitStep)):
        call = step.call
        args = tuple((k, _arg_text(v)) for k, v in words.shown(step.with_, ctx).items())
    prompt = text(step.prompt) if isinstance(step, (ApprovalStep, DecisionStep)) else None
    options: tuple[tuple[str, str], ...] = ()
    recommended = None
    if isinstance(step, DecisionStep):
        options = tuple(step.options.items())
        recommended = step.recommended
    effect = effect_of(step)
    role = step.role or ""
    if role and role in runbook.roles:
        role = f"{role} ({runbook.roles[role]})"
    checks = [(what, str(words.shown(expr, ctx)) if what.startswith("in live") else expr)
              for what, expr in words.checks_of(step)]
    return StepDoc(
        number=number, id=step.id, title=step.title, type=step.type, role=role,
        needs=runbook.needs(step.id), chosen_by=_chosen_by(runbook, step.id),
        milestone=step.milestone, effect=effect, effect_words=words.effect_words(effect),
        action=words.action_words(step, ctx), call=call, args=args, prompt=prompt,
        options=options, recommended=recommended, instructions=text(step.instructions),
        explain=text(step.explain),
        checklist=tuple(step.checklist) if isinstance(step, ManualStep) else (),
        checks=tuple(checks), when=step.when,
        modes=", ".join(step.modes) if step.modes is not None else "all modes",
        budget=written(step.budget), timeout=written(step.timeout),
        on_failure=words.failure_words(runbook, step),
    )


def _param_rows(runbook: Runbook) -> tuple[ParamRow, ...]:
    rows = []
    for name, spec in runbook.parameters.items():
        if spec.secret:
            default = "(secret: never shown)"
        elif spec.default is None:
            default = "—"
        else:
            default = yaml_text(spec.default) if spec.default != "" else '"" (empty)'
        rule = []
        if spec.choices:
            rule.append("one of " + ", ".join(str(c) for c in spec.choices))
        if spec.pattern:
            rule.append(f"matches {spec.pattern}")
        rows.append(ParamRow(name, spec.description, default, spec.is_required, spec.secret,
                             "; ".join(rule)))
    return tuple(rows)


def build_plan_doc(runbook: Runbook, last: Drill | None, source: str = "") -> PlanDoc:
    """The plan document of a valid runbook and its last finished drill (None: never drilled)."""
    ctx = words.context(runbook)
    steps = tuple(_step_doc(runbook, runbook.step(sid), n, ctx)
                  for n, sid in enumerate(order(runbook), start=1))
    roles = tuple((rid, text, tuple(s.id for s in runbook.steps if s.role == rid))
                  for rid, text in runbook.roles.items())
    summary = runbook.summary
    return PlanDoc(
        id=runbook.id, title=runbook.title,
        version=str(runbook.version) if runbook.version is not None else "—",
        owner=runbook.owner or "—", source=source, source_hash=runbook.source_hash or "—",
        summary=str(words.shown(summary, ctx)) if summary else None, tags=tuple(runbook.tags),
        rto=written(runbook.objectives.rto), rpo=written(runbook.objectives.rpo),
        review_every=written(runbook.review_every), breach_clock=runbook.breach_clock,
        roles=roles, params=_param_rows(runbook), steps=steps, last_drill=last_drill_of(last),
    )
