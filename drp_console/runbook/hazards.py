"""Validation warnings about where values go: secrets into cloud calls, templates into shells."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from drp_console.runbook import templating
from drp_console.runbook.model import GcpStep, ShellStep, WaitStep
from drp_console.runbook.references import analyse

SHELLS = frozenset({"sh", "bash", "dash", "zsh", "ksh", "ash", "busybox"})
"""Programs whose `-c` argument is a script."""


def check_hazards(checker: Any) -> None:
    """Warn (through the validator's `checker.warn`) about secrets in cloud calls and templates
    spliced into `sh -c` scripts."""
    secrets = {n for n, p in checker.rb.parameters.items() if p.secret}
    for i, step in enumerate(checker.rb.steps):
        if secrets and isinstance(step, (GcpStep, WaitStep)):
            _secret_arguments(checker, i, step, secrets)
        if isinstance(step, ShellStep):
            _shell_scripts(checker, i, step)


def _secret_arguments(checker: Any, i: int, step: GcpStep | WaitStep, secrets: set[str]) -> None:
    for where, text, kind in checker.texts(step):
        if where[0] != "with" or not templating.is_template(text):
            continue
        found = analyse(text, kind)
        used = sorted({p[1] for p in found.paths
                       if len(p) >= 2 and p[0] == "params" and p[1] in secrets})
        if used:
            checker.warn(("steps", i) + where, (
                f"secret parameter '{used[0]}' goes into the arguments of {step.call}: Google "
                "Cloud (and a simulated run's world.json) will keep it in clear; pass a "
                "reference to the secret (a Secret Manager name) instead of its value"))


def _shell_scripts(checker: Any, i: int, step: ShellStep) -> None:
    run = [str(a) for a in step.run]
    if not run or PurePosixPath(run[0]).name not in SHELLS:
        return
    for j in range(1, len(run)):
        flag = run[j - 1]
        is_c = flag == "-c" or (flag.startswith("-") and not flag.startswith("--")
                                and flag.endswith("c"))
        if is_c and templating.is_template(run[j]):
            checker.warn(("steps", i, "run", j), (
                f"a template inside the `{PurePosixPath(run[0]).name} -c` script: a value with "
                "quotes, `;` or `$(...)` becomes shell code. Pass values as arguments "
                "(`[sh, -c, 'echo \"$1\"', sh, '{{ params.x }}']`) or through `env`"))
            return
