"""Sections 3, 4 and 11: the milestones and the clocks measured between them (RTO, RPO, the
72-hour breach clock), read from the run-state fold, which holds the one rule for each."""

from __future__ import annotations

from drp_console.journal.state import RunState
from drp_console.journal.timing import Instant, parse_ts
from drp_console.report import restore
from drp_console.report.coerce import text
from drp_console.report.moments import Moments, utc_text
from drp_console.report.parts import BreachClock, MilestoneRow, Objective
from drp_console.runbook import milestones as ms
from drp_console.runbook.durations import format_duration


def milestone_rows(state: RunState, when: Moments) -> tuple[MilestoneRow, ...]:
    """The standard milestones in order (reached or not), then custom ones as reached."""
    names = list(ms.MILESTONES) + [n for n in state.milestones if n not in ms.MILESTONES]
    rows = []
    for name in names:
        mark = state.milestones.get(name)
        if mark is None:
            rows.append(MilestoneRow(name=name, at=None, step="", source="", by=""))
        else:
            rows.append(MilestoneRow(name=name, at=when.of(mark.at), step=text(mark.step or ""),
                                     source=text(mark.source or ""), by=text(mark.by or "")))
    return tuple(rows)


def verdict(target: float | None, achieved: float | None, comparable: bool = True,
            speed: float = 1.0) -> str:
    """`met`, `missed`, `no target`, `not measured`, or `not comparable at Nx` (a run time
    measured at a simulation speed other than 1)."""
    if target is None:
        return "no target"
    if achieved is None:
        return "not measured"
    if not comparable:
        return f"not comparable at {speed:g}x"
    return "met" if achieved <= target else "missed"


def objectives(state: RunState, when: Moments, speed: float, not_yet: str
               ) -> tuple[tuple[Objective, ...], str]:
    """RTO and RPO against their targets, and what was restored ("" when nothing was).

    The RTO is run time: at a simulation speed other than 1 it cannot be held against a
    real-time target. The RPO is data time (the incident start minus the restored data's
    time): the gap is real at any speed, so it is always held against its target."""
    targets = state.objectives
    name, origin = state.rto_origin
    origin_words = f"milestone '{name}'" if name else "the run's start"
    if name and state.milestones[name].source == "alert":  # placed at the alert's start
        origin_words += " (the alert's incident start)"
    restored = state.milestones.get(ms.RTO_END)
    rto = state.rto_achieved
    if restored is not None and origin is not None:
        rto_words = (f"from {origin_words} ({when.of(origin).utc_text}) to milestone "
                     f"'{ms.RTO_END}' ({when.of(restored.at).utc_text})")
    else:
        rto_words = f"from {origin_words}; milestone '{ms.RTO_END}' " + (
            f"has {not_yet}" if not_yet else "was never recorded")
    rpo, rpo_words, restored_from = _rpo(state, when)
    return (
        Objective(name="RTO", target_s=targets["rto"],
                  achieved_s=None if rto is None else round(rto, 3),
                  verdict=verdict(targets["rto"], rto, speed == 1, speed), measured=rto_words),
        Objective(name="RPO", target_s=targets["rpo"],
                  achieved_s=None if rpo is None else round(rpo, 3),
                  verdict=verdict(targets["rpo"], rpo), measured=rpo_words),
    ), restored_from


def _rpo(state: RunState, when: Moments) -> tuple[float | None, str, str]:
    """(seconds of data lost, what they were measured between, what was restored)."""
    point = state.restore_point
    at = parse_ts(point.get("at")) if point else None
    rpo = state.rpo_achieved
    if point is None or at is None or rpo is None:
        return None, "no backup or point in time was restored", ""
    restored_from, what = restore.describe(point, at, state.backup_runs, when)
    return rpo, f"from {what} to {state.rpo_origin[0]}", restored_from


def breach_clock(state: RunState, when: Moments) -> BreachClock:
    """The 72-hour clock from milestone `aware` to the notifications."""
    breach = state.breach
    authority, subjects = when.maybe(breach.authority), when.maybe(breach.subjects)
    if breach.aware is None or breach.deadline is None:
        return BreachClock(aware=None, deadline_utc="", deadline_local="", authority=authority,
                           subjects=subjects,
                           status="milestone 'aware' never recorded: the clock cannot be placed",
                           margin_s=None)
    margin = breach.margin(state.last) or 0.0
    return BreachClock(
        aware=when.of(breach.aware), deadline_utc=utc_text(breach.deadline),
        deadline_local=when.local_text(breach.deadline), authority=authority, subjects=subjects,
        status=_breach_status(margin, breach.authority), margin_s=round(margin, 3),
    )


def _breach_status(margin: float, authority: Instant | None) -> str:
    if authority is not None:
        return ("authority notified in time, " + format_duration(margin) + " before the deadline"
                if margin >= 0 else f"authority notified {format_duration(-margin)} late")
    return ("authority not yet notified: " + format_duration(margin) + " left at the report's end"
            if margin >= 0 else
            f"authority not notified: deadline overrun by {format_duration(-margin)}")
