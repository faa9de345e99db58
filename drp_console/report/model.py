"""The post-incident report as a frozen model: a view of the run-state fold of a run's journal.

`build_report` folds the events once (`RunState.fold`) and builds every section from that
state; no module of the report reads an event's type or folds events itself.
"""

from __future__ import annotations

from datetime import tzinfo

from drp_console.journal.state import RunState
from drp_console.report import clocks, deviations, facts, header, people
from drp_console.report.coerce import as_int, doc_steps
from drp_console.report.critical_path import predecessors, recovery_sources, runbook_of
from drp_console.report.intake import ReportError, events_sha256, prepare
from drp_console.report.moments import Moments, resolve_zone
from drp_console.report.parts import (
    ActionItem,
    Approval,
    BreachClock,
    Deviation,
    Header,
    Integrity,
    MilestoneRow,
    NoteRow,
    Objective,
    Parameter,
    Part,
    Person,
    Problem,
    ResourceRow,
    StepRow,
)
from drp_console.report.step_rows import RunSpan, step_rows

REPORT_FORMAT = "drp-report/v1"
"""Version of the report's JSON form."""


class Report(Part):
    """Everything the post-incident report says, section by section, in the issue's order."""

    report_format: str = REPORT_FORMAT
    """Version of this model's JSON form."""
    draft: bool
    """The run has not finished (in progress or interrupted): this is a draft, and it says so."""
    header: Header
    """1. What ran, where, when, with what result."""
    parameters: tuple[Parameter, ...]
    """1. The run's parameters as resolved (secrets `***`)."""
    people: tuple[Person, ...]
    """2. Who acted, in which roles."""
    approvals: tuple[Approval, ...]
    """2. Go/no-go answers with names and times."""
    objectives: tuple[Objective, ...]
    """3. RTO and RPO against their targets."""
    restored_from: str
    """3. The backup or point in time actually restored ("" when none was)."""
    milestones: tuple[MilestoneRow, ...]
    """4. The standard milestones in order, then custom ones."""
    critical_path: tuple[str, ...]
    """5. Step ids on the critical path, first to last."""
    steps: tuple[StepRow, ...]
    """5 and 6. Every step of the runbook, in runbook order."""
    deviations: tuple[Deviation, ...]
    """7. What did not go as planned."""
    notes: tuple[NoteRow, ...]
    """8. Notes and decisions."""
    problems: tuple[Problem, ...]
    """9. Errors and warnings."""
    resources: tuple[ResourceRow, ...]
    """10. Resources created and whether they were torn down."""
    breach: BreachClock | None
    """11. The 72-hour breach clock with the data concerned (None when the runbook has none);
    shown first when present."""
    actions: tuple[ActionItem, ...]
    """12. Improvement plan."""
    integrity: Integrity
    """13. Journal hash and event count."""


def build_report(
    events: list[dict],
    tz: str | tzinfo | None = "UTC",
    *,
    journal_sha256: str | None = None,
    in_progress: bool = False,
) -> Report:
    """The report of a run from its journal events (in any order; sorted by `seq`).

    `tz` is the reader's zone (an IANA name, a tzinfo, or None for this machine's); everything
    is also shown in UTC. Token-shaped strings are redacted again on the way in.
    `in_progress=True`: the caller knows the run is still going (the console renders it mid-run);
    a journal without `run_finished` then reads `in progress`, else `interrupted`. Either way
    there is no end time and durations run up to the last event, marked as such.
    """
    if not events:
        raise ReportError("the journal has no events: there is nothing to report")
    ordered = sorted(events, key=lambda e: as_int(e.get("seq")))
    sha = journal_sha256 or events_sha256(ordered)
    state = RunState.fold(prepare(ordered))
    return report_of(state, tz, sha256=sha, in_progress=in_progress)


def report_of(
    state: RunState, tz: str | tzinfo | None = "UTC", *, sha256: str, in_progress: bool = False
) -> Report:
    """The report of a folded run (its events redacted and clipped by `intake.prepare`)."""
    zone, zone_name = resolve_zone(tz)
    if state.started is None or state.last is None:
        raise ReportError("the run has no run_started event: is it a drp-console run journal?")
    when = Moments(zone, state.started, state.last)
    speed = header.speed_of(state)
    runbook = runbook_of(state)
    docs = doc_steps(state.runbook_doc)
    run = RunSpan(end=header.end_of_run(state), last=state.last)
    steps, path = step_rows(state, when, predecessors(runbook), run, speed, docs)
    not_yet = ("" if state.ended is not None else
               "not been recorded yet" if in_progress else "not been recorded before it stopped")
    objectives, restored_from = clocks.objectives(state, when, speed, not_yet)
    notes = people.notes(state, when)
    breach = None
    if state.breach_clock:
        breach = clocks.breach_clock(state, when).model_copy(update={
            "data_categories": facts.breach_facts(notes, facts.CATEGORIES_TAG),
            "data_subjects": facts.breach_facts(notes, facts.SUBJECTS_TAG)})
    return Report(
        draft=state.ended is None,
        header=header.header(state, when, zone_name, in_progress),
        parameters=facts.parameters(state),
        people=people.people(state, when),
        approvals=people.approvals(state, when, docs),
        objectives=objectives,
        restored_from=restored_from,
        milestones=clocks.milestone_rows(state, when),
        critical_path=tuple(path),
        steps=steps,
        deviations=deviations.deviations(state, when, docs, recovery_sources(runbook)),
        notes=notes,
        problems=deviations.problems(state, when),
        resources=deviations.resources(state, when),
        breach=breach,
        actions=facts.actions(state, notes, when),
        integrity=header.integrity(state, sha256),
    )
