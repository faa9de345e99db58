"""Step executors, one module per kind of work: people, Google Cloud calls, local commands.

Each gets a `StepRun` (the step, the attempt, and a `StepHost`: the little of the engine an
executor may use) and returns a `StepResult` or raises `StepFailure`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from drp_console.engine.executors.base import StepResult, StepRun
from drp_console.engine.executors.gcp import run_gcp
from drp_console.engine.executors.people import run_approval, run_decision, run_manual
from drp_console.engine.executors.shell import run_shell
from drp_console.engine.executors.wait import run_wait

Executor = Callable[[StepRun], Awaitable[StepResult]]
"""Runs one attempt of a step."""

EXECUTORS: dict[str, Executor] = {
    "manual": run_manual,
    "approval": run_approval,
    "decision": run_decision,
    "gcp": run_gcp,
    "wait": run_wait,
    "shell": run_shell,
}
"""Step type -> its executor."""


def executor_for(step_type: str) -> Executor:
    """The coroutine function that runs one attempt of a step of this type."""
    try:
        return EXECUTORS[step_type]
    except KeyError:
        raise ValueError(f"no executor for step type {step_type!r}") from None
