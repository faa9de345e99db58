"""Sections 5 and 6: every step's row (times, the fold's split of its time between the console,
cloud operations and people, budget, critical path), read from the run-state fold's
`StepState`s."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from drp_console.journal.state import RunState
from drp_console.journal.step_state import StepState
from drp_console.journal.timing import Instant
from drp_console.report.coerce import as_dict, text
from drp_console.report.critical_path import critical_path
from drp_console.report.moments import Moments
from drp_console.report.parts import Interval, StepRow

PEOPLE_STEPS = ("manual", "approval", "decision")
"""Step types whose time is people's time (never scaled by a simulation's speed)."""


def time_scale(step_type: object, speed: float) -> float:
    """How many seconds of the run's simulated time one real second of a step is: a simulated
    run's speed for automated steps, 1 for people's steps (never scaled), as the engine counts."""
    return 1.0 if step_type in PEOPLE_STEPS else speed


@dataclass(frozen=True, slots=True)
class RunSpan:
    """Where the report's time ends: `end` for the run (its finish, else its last event) and
    `last` for spans still open (the last event)."""

    end: Instant
    last: Instant


def end_of(step: StepState) -> Instant | None:
    """When the step finished: its end, or for a step skipped before it started, the skip."""
    return step.ended if step.started is not None else step.finished


def closed(spans: list[list[float]], last: float) -> list[tuple[float, float]]:
    """The spans with one still open (end -1) closed at `last`."""
    return [(a, last if b < 0 else b) for a, b in spans]


def step_rows(
    state: RunState, when: Moments, preds: dict[str, tuple[str, ...]], run: RunSpan,
    speed: float, listed: Collection[str],
) -> tuple[tuple[StepRow, ...], list[str]]:
    """A row per step in runbook order (then steps the runbook does not list), and the
    critical path. `listed`: the ids of the runbook's steps."""
    spans: dict[str, tuple[float, float]] = {}
    for sid, step in state.steps.items():
        if step.started is not None and step.status != "skipped":
            end = end_of(step)
            spans[sid] = (step.started.t, (end or run.end).t)
    path = critical_path(preds, spans)
    on_path = set(path)
    rows = tuple(_row(step, step.id in listed, spans.get(step.id), step.id in on_path, when, run,
                      speed) for step in state.steps.values())
    return rows, path


def _reason(step: StepState) -> str:
    if step.status == "unknown" and step.unknowns:
        return text(step.unknowns[-1]["reason"] or "")
    return text(step.reason or "")


def _row(
    step: StepState, listed: bool, span: tuple[float, float] | None, critical: bool,
    when: Moments, run: RunSpan, speed: float,
) -> StepRow:
    start, end = step.started, end_of(step)
    waits, polls = closed(step.waits, run.last.t), closed(step.polls, run.last.t)
    duration = span[1] - span[0] if span is not None else 0.0  # skipped: no span
    split = step.times(run.end) if start is not None else {}
    finished = start is not None and end is not None
    unfinished = start is not None and not finished and span is not None
    budget = step.budget
    return StepRow(
        id=step.id,
        title=text(step.title) if listed else "",
        type=text(step.type or ""),
        role=text(step.role or ""),
        status="not run" if step.status == "pending" else text(step.status),
        start=when.maybe(start),
        end=when.maybe(end),
        duration_s=round(duration, 3) if finished or unfinished else None,
        unfinished=unfinished,
        automation_s=round(split.get("automation", 0.0), 3),
        polling_s=round(split.get("polling", 0.0), 3),
        people_s=round(split.get("people", 0.0), 3),
        attempts=step.attempts,
        reason=_reason(step),
        operations=tuple(step.operations),
        changed=step.changed,
        budget_s=budget,
        overrun_s=round(max(0.0, duration * time_scale(step.type, speed) - budget), 3)
        if budget is not None and start is not None else 0.0,
        critical=critical,
        milestone=text(step.milestone or ""),
        waits=tuple(Interval(start=round(a, 3), end=round(b, 3)) for a, b in waits),
        polls=tuple(Interval(start=round(a, 3), end=round(b, 3)) for a, b in polls),
        outputs=dict(as_dict(step.outputs)),
    )
