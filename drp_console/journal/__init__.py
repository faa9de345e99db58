"""Durable run events: the fsynced journal, its redaction, the run lock, run directories, run state.

The names below are loaded from their modules on first use (PEP 562), so importing one small
module of the package (`journal.timing`, say) does not load the writer, the lock and asyncio.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drp_console.journal.events import SCHEMA_VERSION, JournalError, read_events
    from drp_console.journal.lock import RunLock, RunLocked, lock_holder
    from drp_console.journal.redact import Redactor
    from drp_console.journal.rundir import (
        RunNotFound,
        RunSummary,
        default_runs_dir,
        find_run,
        list_runs,
        new_run_id,
    )
    from drp_console.journal.state import RunState
    from drp_console.journal.step_state import Milestone, StepState
    from drp_console.journal.writer import Journal

_HOME = {
    "SCHEMA_VERSION": "events", "JournalError": "events", "read_events": "events",
    "RunLock": "lock", "RunLocked": "lock", "lock_holder": "lock",
    "Redactor": "redact",
    "RunNotFound": "rundir", "RunSummary": "rundir", "default_runs_dir": "rundir",
    "find_run": "rundir", "list_runs": "rundir", "new_run_id": "rundir",
    "RunState": "state",
    "Milestone": "step_state", "StepState": "step_state",
    "Journal": "writer",
}
"""Exported name -> the module of this package that defines it."""

__all__ = [
    "SCHEMA_VERSION",
    "Journal",
    "JournalError",
    "Milestone",
    "Redactor",
    "RunLock",
    "RunLocked",
    "RunNotFound",
    "RunState",
    "RunSummary",
    "StepState",
    "default_runs_dir",
    "find_run",
    "list_runs",
    "lock_holder",
    "new_run_id",
    "read_events",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
