"""Who is at the keyboard: the name a run's answers and decisions are recorded under."""

from __future__ import annotations

import subprocess

from drp_console.settings import settings

OPERATOR_ENV = "DRP_OPERATOR"
"""The environment variable naming the operator when `--operator` is not given."""


def git_user_name() -> str | None:
    """git's `user.name`, or None (no git, no name, or git too slow to answer)."""
    try:
        done = subprocess.run(["git", "config", "--get", "user.name"], capture_output=True,
                              text=True, timeout=2, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    name = done.stdout.strip() if done.returncode == 0 else ""
    return name or None


def guess_operator(given: str | None = None) -> str:
    """The operator's name: `given` (`--operator`), else `$DRP_OPERATOR`, else git's
    `user.name`, else the login name (`unknown` where the system has none)."""
    for name in (given, settings().operator):
        if name and name.strip():
            return name.strip()
    from drp_console.journal.login import login_name

    return git_user_name() or login_name()
