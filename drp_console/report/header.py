"""Sections 1 and 13: what ran, where, when and with what result, and how to check the report
against its journal; read from the run-state fold."""

from __future__ import annotations

from drp_console.journal.state import RunState
from drp_console.journal.timing import Instant
from drp_console.report.coerce import as_dict, as_list, text
from drp_console.report.moments import Moments
from drp_console.report.parts import Header, Integrity

IN_PROGRESS = "in progress"
"""The status of a run that has not finished while a console still runs it."""


def speed_of(state: RunState) -> float:
    """The simulated world's speed (1 for a live run or an unreadable speed)."""
    speed = as_dict(state.scenario).get("speed")
    if isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed > 0:
        return float(speed)
    return 1.0


def end_of_run(state: RunState) -> Instant:
    """Where the run's time ends: its `run_finished`, else its last event."""
    end = state.ended or state.last
    assert end is not None, "a folded run has events"
    return end


def header(state: RunState, when: Moments, zone_name: str, in_progress: bool) -> Header:
    """Section 1."""
    start, end = state.started, end_of_run(state)
    assert start is not None and state.last is not None, "intake checks for run_started"
    first = as_dict(state.run_started)
    doc, runbook = as_dict(state.runbook_doc), as_dict(state.runbook)
    scenario = as_dict(state.scenario)
    run_id = text(state.run_id or "")
    finished = state.ended is not None
    return Header(
        run_id=run_id,
        runbook_id=text(runbook.get("id") or doc.get("id") or ""),
        runbook_title=text(runbook.get("title") or doc.get("title") or ""),
        runbook_version=text(runbook.get("version") or doc.get("version") or ""),
        runbook_hash=text(runbook.get("hash") or ""),
        runbook_path=text(runbook.get("path") or ""),
        mode=text(state.mode or ""),
        scenario=" - ".join(text(scenario[k]) for k in ("id", "title") if scenario.get(k)),
        speed=speed_of(state),
        project=text(state.project or ""),
        regions=tuple(text(r) for r in as_list(first.get("regions"))),
        tool_version=text(first.get("tool_version") or ""),
        zone=zone_name,
        zone_is_utc=when.utc_only,
        started=when.of(start),
        ended=when.maybe(state.ended),
        last_event=when.of(end),
        finished=finished,
        duration_s=round(end.t, 3),
        status=text(state.status or "failed") if finished
        else IN_PROGRESS if in_progress else "interrupted",
        reason=text(state.reason or "") if finished else _open_reason(in_progress, run_id),
        resumed=len(state.resumes),
    )


def _open_reason(in_progress: bool, run_id: str) -> str:
    if in_progress:
        return ("a console is still running it: no end yet; durations count up to the last "
                "event so far (in progress)")
    return ("the journal has no run_finished event and no console holds the run: it was "
            f"interrupted and has not ended (`drp resume {run_id}` continues it); durations are "
            "up to its last event")


def integrity(state: RunState, sha256: str) -> Integrity:
    """Section 13."""
    return Integrity(
        sha256=sha256,
        events=state.events,
        first_seq=state.first_seq or 0,
        last_seq=state.last_seq,
        gaps=tuple(state.gaps),
        boots=len(state.clock.boots),
        wall_clock_spans=state.clock.wall_spans,
    )
