"""The dry-run plan: resolved steps in order, parallel groups, effects and the critical path."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drp_console.runbook import templating
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

    @property
    def groups(self) -> dict[int, list[PlannedStep]]:
        """Parallel group -> its steps."""
        out: dict[int, list[PlannedStep]] = {}
        for step in self.steps:
            out.setdefault(step.group, []).append(step)
        return out


class _Later(Mapping):
    """Stands for what is known only at run time: renders as `<check.state>`."""

    def __init__(self, name: str):
        self.name = name

    def __getitem__(self, key: str) -> _Later:
        return _Later(f"{self.name}.{key}")

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __str__(self) -> str:
        return f"<{self.name}>"


class _LaterSteps(Mapping):
    """`steps[...]` in a plan: outputs and status are not known yet."""

    def __getitem__(self, step_id: str) -> dict[str, Any]:
        return {"outputs": _Later(step_id), "status": _Later(f"{step_id}.status")}

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


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
        return "people", f"choose: {options}"
    prompt = getattr(step, "prompt", None) or step.title
    return "people", str(show(prompt))


def make_plan(runbook: Runbook, params: Mapping[str, object], mode: str = "simulate") -> Plan:
    """The plan of a valid runbook (no needs cycles) for resolved parameters."""
    ancestry = Ancestry(runbook)
    ctx = templating.context(params=params, run={"mode": mode, "id": "<run.id>",
                                                 "operator": "<run.operator>",
                                                 "project": params.get("project", "")})
    ctx["steps"] = _LaterSteps()
    conditional = runbook.conditional_targets()
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
        finish[sid] = (finish[start_from] if start_from else 0.0) + (
            (estimate or 0.0) if in_mode else 0.0)
        effect, action = _describe(step, ctx)
        planned.append(PlannedStep(
            id=sid, title=step.title, type=step.type, group=group[sid],
            needs=runbook.needs(sid), effect=effect, action=action, estimate=estimate,
            role=step.role, conditional=sid in conditional, runs_in_mode=in_mode))
    restored = [finish[s.id] for s in runbook.steps if s.milestone == "restored"]
    path: list[str] = []
    end = max(finish, key=lambda s: finish[s], default=None)
    while end is not None:
        path.append(end)
        end = via[end]
    return Plan(runbook=runbook, mode=mode, params=masked(runbook, dict(params)),
                steps=planned, critical_path=list(reversed(path)),
                critical_seconds=max(finish.values(), default=0.0),
                restored_seconds=min(restored) if restored else None)
