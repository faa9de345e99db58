"""Run state as a pure fold over journal events: statuses, step times, milestones, RTO and RPO.

No I/O: the same events always give the same state, whether they come from a live run, a
resumed one or a journal read back for a report. The runbook's steps (titles, roles, budgets)
come from `run_started.runbook_doc` as plain dicts, so an old journal folds without the model.
Time per step is split into phases as events arrive: `waiting` starts people's time, `answered`
ends it; `operation_submitted` starts polling, the operation's DONE (or the call's completion or
failure) ends it; everything else between `step_started` and `step_finished` is automation.

This is the only fold of a run's events: the console, the report, resume and the headless
printer read a `RunState` (the console applies each new event to the same state). How each event
changes it is in `journal.fold`; the clocks (RTO, RPO, breach) are derived here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from drp_console.journal.event_types import STEP_EVENTS, EventType
from drp_console.journal.fold import HANDLERS
from drp_console.journal.step_state import FINISHED, Milestone, StepState
from drp_console.journal.timing import Instant, RunClock, parse_ts, span
from drp_console.runbook import milestones as ms
from drp_console.runbook.durations import seconds_of

STEP_STATUSES = ("pending", "running", "waiting", "succeeded", "failed", "skipped", "unknown")
"""Every status a step can have."""

RUN_STATUSES = ("running", "paused", "succeeded", "failed", "aborted", "interrupted")
"""Every status a run can have (`interrupted`: no `run_finished` and no live lock holder)."""

@dataclass
class Person:
    """Someone named in the journal: who wrote events and who answered."""

    name: str
    """The operator's name as journaled."""
    first: Instant
    """Their first event."""
    roles: list[str] = field(default_factory=list)
    """Roles they answered in, in order."""
    answers: int = 0
    """Questions they answered."""
    events: int = 0
    """Events written under their name."""


@dataclass
class Breach:
    """The GDPR 72-hour clock from milestone `aware` to the authority's notification."""

    aware: Instant | None
    """When the organisation became aware (None: never recorded, the clock cannot be placed)."""
    deadline: datetime | None
    """72 hours after `aware`."""
    authority: Instant | None
    """When the supervisory authority was notified."""
    subjects: Instant | None
    """When the data subjects were notified."""

    @property
    def stopped(self) -> bool:
        """The authority was notified: the clock no longer runs."""
        return self.authority is not None

    def margin(self, now: Instant | None) -> float | None:
        """Seconds left before the deadline when the authority was notified (negative: late),
        or, while not notified, left at `now` (an Instant on the run's clock)."""
        if self.aware is None:
            return None
        end = self.authority or now
        if end is None:
            return None
        return ms.BREACH_WINDOW_S - (end.t - self.aware.t)


@dataclass
class RunState:
    """Everything known about one run, folded from its journal."""

    run_id: str | None = None
    """The run id."""
    status: str = "running"
    """running, paused, succeeded, failed, aborted, interrupted."""
    reason: str | None = None
    """Why the run finished or paused."""
    runbook: dict[str, Any] = field(default_factory=dict)
    """id, title, version, hash, path."""
    runbook_doc: dict[str, Any] = field(default_factory=dict)
    """The runbook as JSON (steps, objectives, roles, ...)."""
    mode: str | None = None
    """live, simulate, training."""
    params: dict[str, Any] = field(default_factory=dict)
    """Resolved parameters (secrets as `***`)."""
    scenario: dict[str, Any] | None = None
    """id, title, path, speed of the simulated world, None in live mode."""
    project: str | None = None
    """The Google Cloud project."""
    incident_start: str | None = None
    """When the incident started (ISO), as given at the start of the run."""
    operator: str | None = None
    """Who started the run."""
    started: Instant | None = None
    """The `run_started` event's time."""
    ended: Instant | None = None
    """The `run_finished` event's time."""
    steps: dict[str, StepState] = field(default_factory=dict)
    """Step id -> state, in runbook order."""
    milestones: dict[str, Milestone] = field(default_factory=dict)
    """Milestone name -> its first occurrence."""
    notes: list[dict[str, Any]] = field(default_factory=list)
    """Notes: text, tag, step, by, ts, at, owner, due."""
    action_updates: list[dict[str, Any]] = field(default_factory=list)
    """Owner/due changes of improvement actions, in order: action (`A1`), owner, due, by, at."""
    warnings: list[dict[str, Any]] = field(default_factory=list)
    """Warnings: message, step, ts."""
    restore_point: dict[str, Any] | None = None
    """The latest restore point: step, kind, at, backup_run_id."""
    created: list[dict[str, Any]] = field(default_factory=list)
    """Resources created: step, kind, name, location."""
    deleted: list[dict[str, Any]] = field(default_factory=list)
    """Resources deleted: step, kind, name, location."""
    resumes: list[dict[str, Any]] = field(default_factory=list)
    """Each resume: ts, operator, host, pid, took_over_from (who drove before; a takeover)."""
    last_seq: int = 0
    """The sequence number of the last event folded."""
    run_started: dict[str, Any] | None = None
    """The `run_started` event itself (tool version, host, regions, ...)."""
    clock: RunClock = field(default_factory=RunClock)
    """The run's clock: each event's offset from the start (monotonic within one boot)."""
    last: Instant | None = None
    """The last event folded."""
    events: int = 0
    """How many events were folded."""
    first_seq: int | None = None
    """The first event's sequence number."""
    gaps: list[int] = field(default_factory=list)
    """Sequence numbers missing between the first and the last (at most 100)."""
    people: dict[str, Person] = field(default_factory=dict)
    """Everyone named in the journal, in order of appearance."""
    answers: list[dict[str, Any]] = field(default_factory=list)
    """Every answer of the run, in order: step, kind, answer, by, role, reason, checklist, at."""
    pauses: list[dict[str, Any]] = field(default_factory=list)
    """Pauses and unpauses in order: paused (bool), reason, by, at."""
    backup_runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Backup runs (id -> record with startTime, endTime) that call results showed."""

    @classmethod
    def fold(cls, events: list[dict[str, Any]], *, lock_free: bool = False) -> RunState:
        """The state after `events`; with `lock_free` an unfinished run is `interrupted`."""
        state = cls()
        for event in events:
            state.apply(event)
        if lock_free and state.status in ("running", "paused"):
            state.status = "interrupted"
        return state

    def apply(self, event: dict[str, Any]) -> RunState:
        """Fold one more event into this state (in place, no I/O); returns the state."""
        seq = event.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool):
            if self.first_seq is None:
                self.first_seq = seq
            elif seq > self.last_seq + 1 and len(self.gaps) < 100:
                self.gaps.extend(range(self.last_seq + 1, min(seq, self.last_seq + 101 - len(self.gaps))))
            self.last_seq = seq
        at = self.clock.tick(event)
        self.events += 1
        operator = event.get("operator")
        if operator:
            self.person(str(operator), at).events += 1
        kind = event.get("type", "")
        handler = HANDLERS.get(kind) if isinstance(kind, str) else None
        if handler is not None and not (kind in STEP_EVENTS and not isinstance(event.get("step"), str)):
            handler(self, event, at)
        if kind != EventType.ACTION_UPDATED or self.last is None:
            self.last = at  # an action's owner set later (`drp report --action`) is no run time
        return self

    def person(self, name: str, at: Instant) -> Person:
        """The person of that name, added (first seen at `at`) when new."""
        person = self.people.get(name)
        if person is None:
            person = self.people[name] = Person(name, at)
        return person

    # -- derived -------------------------------------------------------------------------------

    def step(self, step_id: str) -> StepState:
        """The state of a step, created (pending) when the runbook did not list it."""
        state = self.steps.get(step_id)
        if state is None:
            state = self.steps[step_id] = StepState(id=step_id, title=step_id)
        return state

    @property
    def finished(self) -> bool:
        """The run has a `run_finished` event."""
        return self.status in ("succeeded", "failed", "aborted")

    @property
    def last_driver(self) -> str | None:
        """Who drove the run last: the operator of its last resume, else who started it."""
        if self.resumes:
            return self.resumes[-1].get("operator") or self.operator
        return self.operator

    @property
    def steps_total(self) -> int:
        """How many steps the run has."""
        return len(self.steps)

    @property
    def steps_done(self) -> int:
        """How many steps have finished (succeeded, failed or skipped)."""
        return sum(1 for s in self.steps.values() if s.status in FINISHED)

    @property
    def questions(self) -> list[dict[str, Any]]:
        """Open questions to people, oldest first: step, kind, role, prompt, options, ..."""
        waiting = [s for s in self.steps.values() if s.question is not None]
        waiting.sort(key=lambda s: s._asked_seq)
        return [{"step": s.id, **s.question} for s in waiting]  # type: ignore[dict-item]

    @property
    def objectives(self) -> dict[str, float | None]:
        """Target RTO and RPO in seconds (None when the runbook sets none)."""
        obj = self.runbook_doc.get("objectives")
        obj = obj if isinstance(obj, dict) else {}
        return {"rto": seconds_of(obj.get("rto")), "rpo": seconds_of(obj.get("rpo"))}

    @property
    def duration(self) -> float | None:
        """Seconds from the start to the end of the run, None while it runs."""
        return span(self.started, self.ended)[0]

    def at_wall(self, now: datetime) -> Instant:
        """An instant on the run's clock for a wall time (for a live display: the run's clock
        continued from its last event by wall time)."""
        last = self.last
        if last is None or last.wall is None:
            return Instant(now.isoformat(), None, None, 0, 0.0)
        return Instant(now.isoformat(), None, None, 0, last.t + (now - last.wall).total_seconds())

    # -- clocks --------------------------------------------------------------------------------

    @property
    def rto_origin(self) -> tuple[str | None, Instant | None]:
        """(milestone name or None for the run's start, instant) the RTO is measured from."""
        name = ms.rto_origin_name(self.milestones)
        if name is not None:
            return name, self.milestones[name].at
        return None, self.started

    def rto_elapsed(self, now: Instant | None = None) -> float | None:
        """Seconds on the RTO clock: to `restored` when recorded, else to the run's end, else to
        `now`; None when there is no start yet."""
        origin = self.rto_origin[1]
        restored = self.milestones.get(ms.RTO_END)
        end = restored.at if restored else self.ended or now
        if origin is None or end is None:
            return None
        return max(0.0, end.t - origin.t)

    @property
    def rto_achieved(self) -> float | None:
        """Seconds from `detected` (else `declared`, else the run start) to `restored`."""
        if ms.RTO_END not in self.milestones:
            return None
        return self.rto_elapsed()

    @property
    def rto_approximate(self) -> bool:
        """The RTO comes from wall clocks, not one boot's monotonic time."""
        restored = self.milestones.get(ms.RTO_END)
        return restored is not None and span(self.rto_origin[1], restored.at)[1]

    @property
    def rpo_origin(self) -> tuple[str, datetime | None]:
        """(what, wall time) the RPO is measured to: the incident start, else milestone
        `detected`, else the run's start."""
        incident = parse_ts(self.incident_start)
        if incident is not None:
            return "the incident start", incident
        detected = self.milestones.get("detected")
        if detected is not None and detected.at.wall is not None:
            return "milestone 'detected'", detected.at.wall
        return "the run's start", self.started.wall if self.started else None

    @property
    def rpo_achieved(self) -> float | None:
        """Seconds of data lost: incident start (else `detected`, else run start) minus the
        restore point's time; None without a restore point. Data time, not run time: it is the
        same at any simulation speed."""
        if not self.restore_point:
            return None
        at = parse_ts(self.restore_point.get("at"))
        origin = self.rpo_origin[1]
        if at is None or origin is None:
            return None
        return max(0.0, (origin - at).total_seconds())

    @property
    def breach_clock(self) -> bool:
        """The runbook runs the GDPR 72-hour clock."""
        return bool(self.runbook_doc.get("breach_clock"))

    @property
    def breach(self) -> Breach:
        """The 72-hour clock: awareness, deadline, and the notifications recorded."""
        aware = self.milestones.get(ms.BREACH_START)
        deadline = None
        if aware is not None and aware.at.wall is not None:
            deadline = aware.at.wall + timedelta(seconds=ms.BREACH_WINDOW_S)
        return Breach(
            aware=aware.at if aware else None,
            deadline=deadline,
            authority=self._notified(ms.AUTHORITY_MILESTONES, ms.AUTHORITY_WORDS),
            subjects=self._notified(ms.SUBJECTS_MILESTONES, ms.SUBJECTS_WORDS),
        )

    def _notified(self, names: tuple[str, ...], words: tuple[str, ...]) -> Instant | None:
        marks = [m.at for m in self.milestones.values() if m.name in names]
        if marks:
            return min(marks, key=lambda at: at.seq)
        done = [s.ended for s in self.steps.values()
                if s.status == "succeeded" and s.ended is not None
                and ms.notification_step(s.id, words)]
        return min(done, key=lambda at: at.seq) if done else None
