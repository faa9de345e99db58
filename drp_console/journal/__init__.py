"""Durable run events: the fsynced journal, its redaction, the run lock, run directories, run state."""

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
