"""Step executors, one module per kind of work: people, Google Cloud calls, local commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from drp_console.engine.executors.base import StepResult, StepRun


def executor_for(step_type: str) -> Callable[[StepRun], Awaitable[StepResult]]:
    """The coroutine function that runs one attempt of a step of this type."""
    if step_type in ("manual", "approval", "decision"):
        from drp_console.engine.executors import people

        return getattr(people, f"run_{step_type}")
    if step_type == "gcp":
        from drp_console.engine.executors.gcp import run_gcp

        return run_gcp
    if step_type == "wait":
        from drp_console.engine.executors.wait import run_wait

        return run_wait
    if step_type == "shell":
        from drp_console.engine.executors.shell import run_shell

        return run_shell
    raise ValueError(f"no executor for step type {step_type!r}")
