"""Run directories: where they live, how runs are named, found and listed."""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drp_console.journal.event_types import EventType
from drp_console.journal.events import JOURNAL_NAME, STAGING_PREFIX, JournalError, read_events
from drp_console.journal.lock import lock_holder
from drp_console.journal.state import RunState
from drp_console.settings import settings

STALE_STAGING_SECONDS = 600
"""A staged run directory older than this, and unlocked, is debris of a start that died."""
RUN_ID_PATTERN = re.compile(r"^\d{8}T\d{6}Z-[a-z0-9][a-z0-9-]*-[0-9a-f]{4}$")
"""What `new_run_id` produces."""


class RunNotFound(JournalError):
    """No run (or more than one) matches what the person asked for."""


def default_runs_dir() -> Path:
    """`DRP_RUNS_DIR`, else `<user state dir>/drp-console/runs`."""
    chosen = settings().runs_dir
    if chosen is not None:
        return chosen
    import platformdirs

    return Path(platformdirs.user_state_dir("drp-console")) / "runs"


def new_run_id(runbook_id: str, now: datetime | None = None) -> str:
    """A new run id: `20261127T221613Z-<runbook-id>-<4 hex>` (UTC start time first, so ids sort)."""
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{stamp}-{runbook_id}-{secrets.token_hex(2)}"


def _run_dirs(runs_dir: Path) -> list[Path]:
    try:
        entries = list(os.scandir(runs_dir))
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise JournalError(f"cannot list the runs in {runs_dir}: {exc.strerror or exc}") from exc
    return sorted((Path(e.path) for e in entries if _is_run(e)), key=lambda p: p.name)


def _is_run(entry: os.DirEntry[str]) -> bool:
    """A run directory: not hidden (a staged start), with a journal that holds something."""
    if entry.name.startswith(".") or not entry.is_dir():
        return False
    try:
        return (Path(entry.path) / JOURNAL_NAME).stat().st_size > 0
    except OSError:
        return False


def clean_staging(runs_dir: Path | str, now: float | None = None) -> list[Path]:
    """Remove staged run directories left by starts that died before `run_started` was on disk
    (unlocked and older than `STALE_STAGING_SECONDS`); the ones removed."""
    import shutil
    import time

    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = [e for e in os.scandir(runs_dir) if e.name.startswith(STAGING_PREFIX)]
    except OSError:
        return removed
    for entry in entries:
        try:
            stale = now - entry.stat(follow_symlinks=False).st_mtime > STALE_STAGING_SECONDS
            if entry.is_dir(follow_symlinks=False) and stale and lock_holder(entry.path) is None:
                shutil.rmtree(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def find_run(runs_dir: Path | str, ref: str) -> Path:
    """The run directory `ref` names: a run id, a unique prefix of one, or a path to the directory
    (or to its journal). Raises `RunNotFound` saying what to do."""
    runs_dir = Path(runs_dir).expanduser()
    ref = ref.strip()
    if not ref:
        raise RunNotFound("no run given: name a run id (`drp runs` lists them) or a run directory")
    as_path = Path(ref).expanduser()
    if as_path.name == JOURNAL_NAME and as_path.is_file():
        return as_path.parent
    if (as_path / JOURNAL_NAME).is_file() and (os.sep in ref or as_path.is_absolute() or ref.startswith(".")):
        return as_path
    exact = runs_dir / ref
    if os.sep not in ref and (exact / JOURNAL_NAME).is_file():
        return exact
    matches = [p for p in _run_dirs(runs_dir) if p.name.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise RunNotFound(
            f"no run matches {ref!r} in {runs_dir}: `drp runs` lists the runs there, "
            "or give the run directory's path (or --runs-dir)."
        )
    names = ", ".join(p.name for p in matches[:5]) + (", ..." if len(matches) > 5 else "")
    raise RunNotFound(f"{ref!r} matches {len(matches)} runs ({names}): give more of the run id.")


@dataclass(frozen=True)
class RunSummary:
    """One line of `drp runs`: what a run is and how far it got."""

    run_id: str
    """The run id (the directory name)."""
    path: Path
    """The run directory."""
    runbook_id: str | None
    """The runbook's id."""
    runbook_title: str | None
    """The runbook's title."""
    mode: str | None
    """live, simulate, training."""
    status: str
    """running, paused, succeeded, failed, aborted, interrupted (or `damaged`: unreadable)."""
    started: str | None
    """When the run started (UTC ISO)."""
    operator: str | None
    """Who started it."""
    steps_done: int
    """Steps finished (succeeded, failed or skipped)."""
    steps_total: int
    """Steps in the runbook."""
    holder: dict[str, Any] | None
    """Who holds the run's lock right now, None when nobody does."""
    problem: str | None = None
    """Why the journal could not be read, for a damaged run."""
    journal: str | None = None
    """The shared journal database holding the run (its URL without password); None when local."""


def summarize_run(run_dir: Path) -> RunSummary:
    """The summary of one run directory (reads the journal without changing it)."""
    holder = lock_holder(run_dir)
    try:
        events = read_events(run_dir / JOURNAL_NAME)
    except JournalError as exc:
        return RunSummary(run_dir.name, run_dir, None, None, None, "damaged", None, None, 0, 0,
                          holder, str(exc))
    state = RunState.fold(events, lock_free=holder is None)
    return RunSummary(
        run_id=state.run_id or run_dir.name,
        path=run_dir,
        runbook_id=state.runbook.get("id"),
        runbook_title=state.runbook.get("title"),
        mode=state.mode,
        status=state.status,
        started=state.started.ts if state.started else None,
        operator=state.operator,
        steps_done=state.steps_done,
        steps_total=state.steps_total,
        holder=holder,
    )


def list_runs(runs_dir: Path | str | None = None) -> list[RunSummary]:
    """Every run in `runs_dir` (default: `default_runs_dir()`), newest first."""
    runs_dir = Path(runs_dir).expanduser() if runs_dir is not None else default_runs_dir()
    clean_staging(runs_dir)
    return [summarize_run(p) for p in reversed(_run_dirs(runs_dir))]


def secret_names(run_dir: Path | str) -> list[str]:
    """The secret parameters a run was started with (from its first event, `run_started`);
    [] when the journal cannot tell (resuming then says what is missing)."""
    try:
        with open(Path(run_dir) / JOURNAL_NAME, encoding="utf-8") as fh:
            first = json.loads(fh.readline() or "{}")
    except (OSError, ValueError):
        return []
    if not isinstance(first, dict) or first.get("type") != EventType.RUN_STARTED:
        return []
    return [str(name) for name in first.get("secret_params") or []]
