"""The dry-run plan: resolved steps in order, parallel groups, effects and the critical path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from drp_console.runbook import residency, templating
from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.graph import Ancestry
from drp_console.runbook.model import DecisionStep, GcpStep, Runbook, ShellStep, WaitStep
from drp_console.runbook.params import masked

PEOPLE = ("manual", "approval", "decision")


@dataclass(frozen=True)
class PlannedStep:
    """One step as it would run."""

    id: str
    """Step id."""
    title: str
    """Step title."""
    type: str
    """Step type."""
    group: int
    """Parallel group: steps of one group may run at the same time (1 = first)."""
    needs: tuple[str, ...]
    """What it waits for."""
    effect: str
    """`people`, `read`, `mutating`, `destructive` or `local` (a shell command)."""
    action: str
    """The call, command or question, resolved as far as parameters allow."""
    estimate: float | None
    """Seconds expected: the budget, else the timeout; None when neither is written."""
    role: str | None = None
    """Who performs it."""
    conditional: bool = False
    """Runs only when a decision or a failure chooses it."""
    runs_in_mode: bool = True
    """False when `modes` leaves out the planned mode."""
    when: str | None = None
    """The step's `when`, as written."""
    when_value: bool | None = None
    """The `when` evaluated with the parameters; None when only the run can tell (or no when)."""
    not_offered: tuple[str, ...] = ()
    """A decision's options whose target could not run with these parameters (not offered)."""

    @property
    def skipped(self) -> str | None:
        """Why the step would be skipped whatever happens, or None."""
        if not self.runs_in_mode:
            return "modes"
        if self.when_value is False:
            return "when"
        return None


@dataclass(frozen=True)
class Plan:
    """What a runbook would do, without doing it."""

    runbook: Runbook
    """The runbook planned."""
    mode: str
    """The mode planned for."""
    params: dict[str, object]
    """Resolved parameters, secrets shown as `***`."""
    steps: list[PlannedStep]
    """In an order where every step comes after its needs."""
    critical_path: list[str] = field(default_factory=list)
    """The longest chain of estimates through the graph."""
    critical_seconds: float = 0.0
    """Sum of the estimates along the critical path."""
    restored_seconds: float | None = None
    """Estimated time to the first step with milestone `restored` (compare with the RTO)."""
    refusals: list[str] = field(default_factory=list)
    """Residency refusals (`runbook.residency`): steps whose arguments, parameters filled in,
    name a zone or region outside `allowed_regions`; a run would refuse them."""

    @property
    def groups(self) -> dict[int, list[PlannedStep]]:
        """Parallel group -> its steps."""
        out: dict[int, list[PlannedStep]] = {}
        for step in self.steps:
            out.setdefault(step.group, []).append(step)
        return out


class _Later(Mapping[str, Any]):
    """Stands for what is known only at run time: renders as `<check.state>`."""

    def __init__(self, name: str):
        self.name = name

    def __getitem__(self, key: str) -> _Later:
        return _Later(f"{self.name}.{key}")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        return f"<{self.name}>"


class _LaterSteps(Mapping[str, Any]):
    """`steps[...]` in a plan: outputs and status are not known yet."""

    def __getitem__(self, step_id: str) -> dict[str, Any]:
        return {"outputs": _Later(step_id), "status": _Later(f"{step_id}.status")}

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def yaml_text(value: Any) -> str:
    """A parameter value as YAML spells it (`false`, not `False`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _when_value(expr: str | None, ctx: Mapping[str, Any]) -> bool | None:
    """A `when` evaluated from parameters and the run alone; None when it reads steps."""
    if not expr:
        return None
    from drp_console.runbook.references import analyse

    found = analyse(expr, "expression")
    if found.error is not None or "steps" in found.names:
        return None
    try:
        return bool(templating.evaluate(expr, ctx))
    except Exception:  # e.g. run.id compared with something: only the run can tell
        return None


def _describe(step: Any, ctx: Mapping[str, Any]) -> tuple[str, str]:
    def show(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: show(v) for k, v in value.items()}
        if isinstance(value, list):
            return [show(v) for v in value]
        try:
            return templating.render_value(value, ctx)
        except Exception:  # needs what only the run knows
            return value

    if isinstance(step, (GcpStep, WaitStep)):
        call = CATALOG.get(step.call)
        args = show(step.with_)
        shown = ", ".join(f"{k}={v}" for k, v in args.items())
        if call is None:
            effect = "read"
        elif call.destructive:
            effect = "destructive"
        else:
            effect = "mutating" if call.mutating else "read"
        action = f"{step.call}({shown})"
        if isinstance(step, WaitStep):
            action += f" until {step.until}"
        return effect, action
    if isinstance(step, ShellStep):
        return "local", " ".join(str(a) for a in show(list(step.run)))
    if isinstance(step, DecisionStep):
        options = ", ".join(f"{label} -> {target}" for label, target in step.options.items())
        return "people", f"choose: {options}"  # options not offered are added by make_plan
    prompt = getattr(step, "prompt", None) or step.title
    return "people", str(show(prompt))


def make_plan(runbook: Runbook, params: Mapping[str, object], mode: str = "simulate",
              rules: list[residency.Rule] | None = None) -> Plan:
    """The plan of a valid runbook (no needs cycles) for resolved parameters; residency `rules`
    default to the runbook's and its `drp.toml`'s (ResidencyConfigError for a bad drp.toml)."""
    ancestry = Ancestry(runbook)
    ctx = templating.context(params=params, run={"mode": mode, "id": "<run.id>",
                                                 "operator": "<run.operator>",
                                                 "project": params.get("project", "")})
    ctx["steps"] = _LaterSteps()
    shown = dict(ctx)  # for display: booleans spelled as in YAML, secrets as ***
    shown["params"] = {k: yaml_text(v) if isinstance(v, bool) else v
                       for k, v in masked(runbook, dict(params)).items()}
    conditional = runbook.conditional_targets()
    whens = {s.id: _when_value(s.when, ctx) for s in runbook.steps}
    group: dict[str, int] = {}
    finish: dict[str, float] = {}
    via: dict[str, str | None] = {}
    planned: list[PlannedStep] = []
    for sid in ancestry.topo:
        step = runbook.step(sid)
        deps = ancestry.deps[sid]
        group[sid] = 1 + max((group[d] for d in deps), default=0)
        estimate = step.budget if step.budget is not None else step.timeout
        in_mode = step.modes is None or mode in step.modes
        start_from = max(deps, key=lambda d: finish[d], default=None)
        via[sid] = start_from
        runs = in_mode and whens[sid] is not False
        finish[sid] = (finish[start_from] if start_from else 0.0) + (
            (estimate or 0.0) if runs else 0.0)
        effect, action = _describe(step, shown)
        not_offered: tuple[str, ...] = ()
        if isinstance(step, DecisionStep):
            not_offered = tuple(
                label for label, target in step.options.items() if runbook.has_step(target)
                and (whens[target] is False or ((modes := runbook.step(target).modes) is not None
                                                and mode not in modes)))
        planned.append(PlannedStep(
            id=sid, title=step.title, type=step.type, group=group[sid],
            needs=runbook.needs(sid), effect=effect, action=action, estimate=estimate,
            role=step.role, conditional=sid in conditional, runs_in_mode=in_mode,
            when=step.when, when_value=whens[sid], not_offered=not_offered))
    restored = [finish[s.id] for s in runbook.steps if s.milestone == "restored"]
    path: list[str] = []
    end = max(finish, key=lambda s: finish[s], default=None)
    while end is not None:
        path.append(end)
        end = via[end]
    refused = residency.refusals(runbook, rules, render=lambda args: _rendered(args, ctx))
    return Plan(runbook=runbook, mode=mode, params=masked(runbook, dict(params)),
                steps=planned, critical_path=list(reversed(path)),
                critical_seconds=max(finish.values(), default=0.0),
                restored_seconds=min(restored) if restored else None,
                refusals=[message for _, _, message in refused])


def _rendered(value: Any, ctx: Mapping[str, Any]) -> Any:
    """Every string of a value rendered with the parameters; what only the run knows is left
    as written (so the residency guard skips it)."""
    if isinstance(value, dict):
        return {k: _rendered(v, ctx) for k, v in value.items()}
    if isinstance(value, list):
        return [_rendered(v, ctx) for v in value]
    try:
        out = templating.render_value(value, ctx)
    except Exception:  # needs what only the run knows
        return value
    return value if "<" in str(out) else out
