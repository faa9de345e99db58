"""Every run of each runbook as a drill record, and the drills register (who is overdue).

What counts as a **test** of a runbook (for the register and `review_every:`): a run that reached
its end, succeeded or failed, either `live` or as a game-day, that is a simulate or training run
whose simulated world ran at speed 1 (people worked at the real pace). Accelerated simulations
are rehearsals: listed, never counted as tests, and left out of RTO trends (their clock is not
the real one). Aborted and interrupted runs are listed and never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from drp_console.journal.events import JOURNAL_NAME, JournalError, read_events
from drp_console.journal.rundir import list_runs
from drp_console.journal.state import RunState
from drp_console.runbook.durations import seconds_of

TESTED_RESULTS = ("succeeded", "failed")
"""Run results that count as a test of the runbook."""


@dataclass(frozen=True)
class Drill:
    """One run of a runbook, as the history lists it."""

    run_id: str
    """The run id (its directory's name)."""
    path: Path
    """The run directory."""
    runbook_id: str
    """The runbook's id."""
    runbook_title: str
    """The runbook's title at the time of the run."""
    version: int | None
    """The runbook's version at the time of the run."""
    mode: str
    """live, simulate or training."""
    speed: float
    """The simulated world's speed; 1 for live runs."""
    result: str
    """succeeded, failed, aborted, interrupted, running or paused."""
    started: datetime | None
    """When the run started (UTC)."""
    rto_achieved: float | None
    """Seconds from detection (or declaration, or the start) to milestone `restored`."""
    rto_target: float | None
    """The runbook's RTO then, in seconds."""
    rpo_achieved: float | None
    """Seconds of data lost, from the restore point."""
    rpo_target: float | None
    """The runbook's RPO then, in seconds."""
    people: tuple[str, ...]
    """Everyone named in the journal."""
    skipped: tuple[str, ...]
    """Steps a person skipped (`id (by name)`): checks the run did not do."""
    actions: tuple[str, ...]
    """Notes tagged `action`: improvement actions raised during the run."""
    review_every: float | None
    """The runbook's `review_every` then, in seconds."""

    @property
    def real_time(self) -> bool:
        """The run went at the real pace: live, or a simulated world at speed 1."""
        return self.mode == "live" or self.speed == 1

    @property
    def kind(self) -> str:
        """`live`, `game-day` (simulated at speed 1) or `rehearsal x60` (accelerated)."""
        if self.mode == "live":
            return "live"
        return "game-day" if self.speed == 1 else f"rehearsal x{self.speed:g}"

    @property
    def counts_as_test(self) -> bool:
        """Whether this run tested the runbook (see the module's rule)."""
        return self.real_time and self.result in TESTED_RESULTS

    @property
    def finished(self) -> bool:
        """The run has ended (succeeded, failed or aborted)."""
        return self.result in ("succeeded", "failed", "aborted")


def drill_of(state: RunState, path: Path, status: str) -> Drill | None:
    """The drill record of a folded run (None when the journal names no runbook)."""
    runbook_id = state.runbook.get("id")
    if not isinstance(runbook_id, str):
        return None
    speed = (state.scenario or {}).get("speed", 1) if state.mode != "live" else 1
    skipped = tuple(
        f"{s.id} (by {s.outputs['skipped_by']})" for s in state.steps.values()
        if s.status == "skipped" and s.outputs.get("skipped_by"))
    objectives = state.objectives
    version = state.runbook.get("version")
    return Drill(
        run_id=state.run_id or path.name, path=path, runbook_id=runbook_id,
        runbook_title=str(state.runbook.get("title") or runbook_id),
        version=version if isinstance(version, int) else None,
        mode=state.mode or "?", speed=float(speed) if isinstance(speed, (int, float)) else 0.0,
        result=status, started=state.started.wall if state.started else None,
        rto_achieved=state.rto_achieved, rto_target=objectives["rto"],
        rpo_achieved=state.rpo_achieved, rpo_target=objectives["rpo"],
        people=tuple(state.people), skipped=skipped,
        actions=tuple(str(n.get("text", "")) for n in state.notes if n.get("tag") == "action"),
        review_every=seconds_of(state.runbook_doc.get("review_every")),
    )


def load_drills(runs_dir: Path | str | None,
                runbook_id: str | None = None) -> tuple[list[Drill], list[str]]:
    """(every run in `runs_dir`, oldest first, of one runbook or all; a line per run whose
    journal could not be read)."""
    drills: list[Drill] = []
    problems: list[str] = []
    for summary in reversed(list_runs(runs_dir)):
        if summary.status == "damaged":
            problems.append(f"{summary.run_id}: {summary.problem}")
            continue
        if runbook_id is not None and summary.runbook_id != runbook_id:
            continue
        try:
            events = read_events(summary.path / JOURNAL_NAME)
        except JournalError as exc:
            problems.append(f"{summary.run_id}: {exc}")
            continue
        state = RunState.fold(events, lock_free=summary.holder is None)
        drill = drill_of(state, summary.path, summary.status)
        if drill is not None:
            drills.append(drill)
    drills.sort(key=lambda d: (d.started is None, d.started or datetime.min, d.run_id))
    return drills, problems


def last_finished(drills: list[Drill], runbook_id: str) -> Drill | None:
    """The most recent finished run of a runbook (for the plan's "last drill")."""
    done = [d for d in drills if d.runbook_id == runbook_id and d.finished]
    return done[-1] if done else None


@dataclass(frozen=True)
class RegisterEntry:
    """One runbook in the drills register."""

    runbook_id: str
    """The runbook's id."""
    title: str
    """Its title."""
    review_every: float | None
    """How often it must be tested (seconds), None when the runbook does not say."""
    last_test: Drill | None
    """Its most recent test (see the module's rule), None when never tested."""
    due: datetime | None
    """When the next test is due, None without `review_every` or without a test."""
    overdue: bool
    """Never tested, or tested longer ago than `review_every` (only with `review_every`)."""


@dataclass(frozen=True)
class KnownRunbook:
    """A runbook the register lists: from a runbook file or from the journal of its runs."""

    id: str
    """The runbook's id."""
    title: str
    """Its title."""
    review_every: float | None
    """Its `review_every` in seconds."""
    rto: float | None = None
    """Its RTO target in seconds (from the file; None when only runs named it)."""
    rpo: float | None = None
    """Its RPO target in seconds (from the file; None when only runs named it)."""


def known_runbooks(drills: list[Drill], files: list[KnownRunbook]) -> list[KnownRunbook]:
    """The runbooks to register: those given as files (current), then those only seen in runs
    (as their newest run recorded them), by id."""
    out = {rb.id: rb for rb in files}
    for drill in reversed(drills):  # newest first: the newest record of a runbook wins
        if drill.runbook_id not in out:
            out[drill.runbook_id] = KnownRunbook(drill.runbook_id, drill.runbook_title,
                                                 drill.review_every)
    return sorted(out.values(), key=lambda rb: rb.id)


def register(drills: list[Drill], runbooks: list[KnownRunbook],
             as_of: datetime) -> list[RegisterEntry]:
    """The drills register as of a moment: last test, next due date and overdue flag."""
    out = []
    for rb in runbooks:
        tests = [d for d in drills if d.runbook_id == rb.id and d.counts_as_test
                 and d.started is not None]
        last = tests[-1] if tests else None
        due = None
        if rb.review_every is not None and last is not None and last.started is not None:
            due = last.started + timedelta(seconds=rb.review_every)
        overdue = rb.review_every is not None and (due is None or due < as_of)
        out.append(RegisterEntry(rb.id, rb.title, rb.review_every, last, due, overdue))
    return out
