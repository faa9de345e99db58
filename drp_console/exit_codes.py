"""The exit codes of `drp`, one place for every command (DESIGN.md: scripts rely on them)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a `drp` command's exit status means."""

    OK = 0
    """Done; for a run: it succeeded (or the console was quit and the run stays resumable)."""
    FAILED = 1
    """The run failed or was aborted, or the command could not do its work."""
    USAGE = 2
    """The command line, a parameter or an environment problem (say, no credentials)."""
    INVALID = 3
    """A runbook or scenario file is not valid."""
    LOCKED = 4
    """Another process holds the run's lock."""
    NEEDS_OPERATOR = 5
    """A headless run stopped at a question only an operator can answer."""
    INTERRUPTED = 130
    """Ctrl-C (128 + SIGINT, as shells report it)."""


OK = ExitCode.OK
FAILED = ExitCode.FAILED
USAGE = ExitCode.USAGE
INVALID = ExitCode.INVALID
LOCKED = ExitCode.LOCKED
NEEDS_OPERATOR = ExitCode.NEEDS_OPERATOR
INTERRUPTED = ExitCode.INTERRUPTED
