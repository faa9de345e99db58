"""The post-incident report as a frozen model, built purely from a run's journal events."""

from __future__ import annotations

from datetime import tzinfo

from drp_console.report import restore, sections
from drp_console.report.coerce import as_dict, as_int, as_list, as_time
from drp_console.report.intake import ReportError, events_sha256, prepare
from drp_console.report.moments import Moments, resolve_zone, utc_text
from drp_console.report.parts import (
    ActionItem,
    Approval,
    BreachClock,
    Deviation,
    Header,
    Integrity,
    Interval,
    MilestoneRow,
    NoteRow,
    Objective,
    Part,
    Person,
    Problem,
    ResourceRow,
    StepRow,
)
from drp_console.report.timeline import (
    critical_path,
    merged_length,
    needs_of,
    track_steps,
)
from drp_console.runbook.durations import format_duration, seconds_of

REPORT_FORMAT = "drp-report/v1"
PEOPLE_STEPS = ("manual", "approval", "decision")
IN_PROGRESS = "in progress"
"""The status of a run that has not finished while a console still runs it."""
MILESTONES = ("detected", "aware", "declared", "mitigated", "restored", "verified", "closed")


class Report(Part):
    """Everything the post-incident report says, section by section, in the issue's order."""

    report_format: str = REPORT_FORMAT
    """Version of this model's JSON form."""
    header: Header
    """1. What ran, where, when, with what result."""
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
    """11. The 72-hour breach clock (None when the runbook has none)."""
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
    events = prepare(ordered)
    zone, zone_name = resolve_zone(tz)
    when = Moments(events, zone)
    start = events[0]
    doc = as_dict(start.get("runbook_doc"))
    doc_list = [s for s in as_list(doc.get("steps")) if isinstance(s, dict) and s.get("id")]
    doc_steps = {str(s["id"]): s for s in doc_list}

    finish = next((i for i in range(len(events) - 1, -1, -1)
                   if events[i].get("type") == "run_finished"), None)
    end_index = finish if finish is not None else len(events) - 1
    scenario = as_dict(start.get("scenario"))
    speed = scenario.get("speed")
    speed = float(speed) if isinstance(speed, (int, float)) and speed > 0 else 1.0
    runbook = as_dict(start.get("runbook"))
    header = Header(
        run_id=str(start.get("run_id", "")),
        runbook_id=str(runbook.get("id") or doc.get("id") or ""),
        runbook_title=str(runbook.get("title") or doc.get("title") or ""),
        runbook_version=str(runbook.get("version") or doc.get("version") or ""),
        runbook_hash=str(runbook.get("hash") or ""),
        runbook_path=str(runbook.get("path") or ""),
        mode=str(start.get("mode", "")),
        scenario=" - ".join(str(scenario[k]) for k in ("id", "title") if scenario.get(k)),
        speed=speed,
        project=str(start.get("project") or ""),
        regions=tuple(str(r) for r in as_list(start.get("regions"))),
        tool_version=str(start.get("tool_version") or ""),
        zone=zone_name,
        zone_is_utc=when.utc_only,
        started=when.at(0),
        ended=when.at(finish) if finish is not None else None,
        last_event=when.at(end_index),
        finished=finish is not None,
        duration_s=round(when.t[end_index], 3),
        status=str(events[finish].get("status") or "failed") if finish is not None
        else IN_PROGRESS if in_progress else "interrupted",
        reason=str(events[finish].get("reason") or "") if finish is not None
        else _open_reason(in_progress, str(start.get("run_id", ""))),
        resumed=sum(1 for e in events if e.get("type") == "run_resumed"),
    )

    marks: dict[str, int] = {}
    for i, event in enumerate(events):
        if event.get("type") == "milestone" and event.get("name"):
            marks.setdefault(str(event["name"]), i)
    milestone_rows = [_milestone(events, when, name, marks.get(name)) for name in MILESTONES]
    milestone_rows += [
        _milestone(events, when, name, i)
        for name, i in sorted(marks.items(), key=lambda kv: kv[1])
        if name not in MILESTONES
    ]

    steps, path = _steps(events, when, doc_list, end_index, speed)
    not_yet = ("" if finish is not None else
               "not been recorded yet" if in_progress else "not been recorded before it stopped")
    objectives, restored_from = _objectives(events, when, doc, marks, speed, not_yet)
    recovery = {
        str(s["on_failure"]): str(s["id"])
        for s in doc_list
        if s.get("on_failure") not in (None, "abort", "continue")
    }
    notes = sections.notes(events, when)
    seqs = [as_int(e.get("seq")) for e in events]
    return Report(
        header=header,
        people=sections.people(events, when, doc_steps),
        approvals=sections.approvals(events, when, doc_steps),
        objectives=objectives,
        restored_from=restored_from,
        milestones=tuple(milestone_rows),
        critical_path=tuple(path),
        steps=steps,
        deviations=sections.deviations(events, when, doc_steps, recovery),
        notes=notes,
        problems=sections.problems(events, when),
        resources=sections.resources(events, when),
        breach=sections.breach_clock(events, when, marks) if doc.get("breach_clock") else None,
        actions=sections.actions(notes),
        integrity=Integrity(
            sha256=sha,
            events=len(events),
            first_seq=seqs[0],
            last_seq=seqs[-1],
            gaps=_gaps(seqs),
            boots=when.boots,
            wall_clock_spans=when.wall_spans,
        ),
    )


def _open_reason(in_progress: bool, run_id: str) -> str:
    if in_progress:
        return ("a console is still running it: no end yet; durations count up to the last "
                "event so far (in progress)")
    return ("the journal has no run_finished event and no console holds the run: it was "
            f"interrupted and has not ended (`drp resume {run_id}` continues it); durations are "
            "up to its last event")


def _gaps(seqs: list[int], limit: int = 100) -> tuple[int, ...]:
    """Sequence numbers missing between the first and the last (at most `limit` of them)."""
    missing: list[int] = []
    for before, after in zip(seqs, seqs[1:]):
        missing.extend(range(before + 1, min(after, before + 1 + limit - len(missing))))
        if len(missing) >= limit:
            break
    return tuple(missing)


def _milestone(events: list[dict], when: Moments, name: str, i: int | None) -> MilestoneRow:
    if i is None:
        return MilestoneRow(name=name, at=None, step="", source="", by="")
    event = events[i]
    return MilestoneRow(name=name, at=when.at(i), step=str(event.get("step") or ""),
                        source=str(event.get("source") or ""),
                        by=str(event.get("operator") or ""))


def time_scale(step_type: object, speed: float) -> float:
    """How many seconds of the run's simulated time one real second of a step is: a simulated
    run's speed for automated steps, 1 for people's steps (never scaled), as the engine counts."""
    return 1.0 if step_type in PEOPLE_STEPS else speed


def _steps(
    events: list[dict], when: Moments, doc_list: list[dict], end_index: int, speed: float
) -> tuple[tuple[StepRow, ...], list[str]]:
    tracks = track_steps(events, when.t)
    by_id = {str(s["id"]): s for s in doc_list}
    order = list(by_id) + [k for k in tracks if k not in by_id]
    run_end = when.t[end_index]
    spans: dict[str, tuple[float, float]] = {}
    for sid in order:
        track = tracks.get(sid)
        if track and track.start is not None and track.status != "skipped":
            end = when.t[track.end] if track.end is not None else run_end
            spans[sid] = (when.t[track.start], end)
    path = critical_path(needs_of(doc_list), spans)
    on_path = set(path)
    rows = []
    for sid in order:
        doc_step = by_id.get(sid, {})
        track = tracks.get(sid)
        budget = seconds_of(doc_step.get("budget"))
        duration = people = polling = 0.0
        has_span = track is not None and track.start is not None
        if has_span:
            start_t, end_t = spans.get(sid, (when.t[track.start], when.t[track.start]))
            duration = end_t - start_t
            people = merged_length(track.waits)
            polling = min(merged_length(track.polls), max(0.0, duration - people))
        finished = track is not None and track.end is not None and has_span
        unfinished = has_span and not finished and sid in spans
        rows.append(StepRow(
            id=sid,
            title=str(doc_step.get("title") or ""),
            type=str(doc_step.get("type") or ""),
            role=str(doc_step.get("role") or ""),
            status=track.status if track else "not run",
            start=when.at(track.start) if has_span else None,
            end=when.at(track.end) if track and track.end is not None else None,
            duration_s=round(duration, 3) if finished or unfinished else None,
            unfinished=unfinished,
            automation_s=round(max(0.0, duration - people - polling), 3),
            polling_s=round(polling, 3),
            people_s=round(people, 3),
            attempts=track.attempts if track else 0,
            reason=track.reason if track else "",
            operations=tuple(track.operations) if track else (),
            changed=track.changed if track else False,
            budget_s=budget,
            overrun_s=round(max(0.0, duration * time_scale(doc_step.get("type"), speed) - budget), 3)
            if budget is not None and has_span else 0.0,
            critical=sid in on_path,
            milestone=str(doc_step.get("milestone") or ""),
            waits=tuple(Interval(start=round(a, 3), end=round(b, 3)) for a, b in track.waits)
            if track else (),
            polls=tuple(Interval(start=round(a, 3), end=round(b, 3)) for a, b in track.polls)
            if track else (),
            outputs=track.outputs if track else {},
        ))
    return tuple(rows), path


def _verdict(target: float | None, achieved: float | None, speed: float) -> str:
    if target is None:
        return "no target"
    if achieved is None:
        return "not measured"
    if speed != 1:
        return f"not comparable at {speed:g}x"
    return "met" if achieved <= target else "missed"


def _objectives(
    events: list[dict], when: Moments, doc: dict, marks: dict[str, int], speed: float,
    not_yet: str = "",
) -> tuple[tuple[Objective, ...], str]:
    targets = as_dict(doc.get("objectives"))
    rto_target, rpo_target = seconds_of(targets.get("rto")), seconds_of(targets.get("rpo"))

    ref_name = next((n for n in ("detected", "declared") if n in marks), None)
    ref = marks[ref_name] if ref_name else 0
    ref_words = f"milestone '{ref_name}'" if ref_name else "the run's start"
    restored = marks.get("restored")
    ref_text, early = when.at(ref).utc_text, 0.0
    occurred = as_time(events[ref].get("occurred_at")) if ref_name else None
    if occurred is not None and occurred < when.wall(ref):  # detected by an alert, before the run
        ref_text, early = utc_text(occurred), (when.wall(ref) - occurred).total_seconds()
        ref_words += " (the alert's incident start)"
    if restored is not None:
        rto = when.t[restored] - when.t[ref] + early
        rto_words = (f"from {ref_words} ({ref_text}) to milestone 'restored' "
                     f"({when.at(restored).utc_text})")
    else:
        rto = None
        rto_words = (f"from {ref_words}; milestone 'restored' has {not_yet}" if not_yet
                     else f"from {ref_words}; milestone 'restored' was never recorded")

    start = events[0]
    if as_time(start.get("incident_start")):
        incident, incident_words = as_time(start["incident_start"]), "the incident start"
    elif "detected" in marks:
        incident, incident_words = when.wall(marks["detected"]), "milestone 'detected'"
    else:
        incident, incident_words = when.wall(0), "the run's start"
    point = next((e for e in reversed(events) if e.get("type") == "restore_point"), None)
    rpo = None
    restored_from = ""
    rpo_words = "no backup or point in time was restored"
    at = as_time(point.get("at")) if point is not None else None
    if point is not None and at is not None:
        rpo = max(0.0, (incident - at).total_seconds())
        restored_from, what = restore.describe(point, at, events, when)
        rpo_words = f"from {what} to {incident_words}"
    objectives = (
        Objective(name="RTO", target_s=rto_target, achieved_s=None if rto is None else round(rto, 3),
                  verdict=_verdict(rto_target, rto, speed), measured=rto_words),
        Objective(name="RPO", target_s=rpo_target, achieved_s=None if rpo is None else round(rpo, 3),
                  verdict=_verdict(rpo_target, rpo, speed), measured=rpo_words),
    )
    return objectives, restored_from


def describe(seconds_: float | None) -> str:
    """A duration for people, or an em dash when unknown."""
    return "—" if seconds_ is None else format_duration(seconds_)
