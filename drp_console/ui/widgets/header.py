"""The run screen's header: the mode banner and the clocks an incident commander watches.

Every clock is read from `RunState` (one rule each for the RTO origin, the RPO and the breach
clock); the header only puts them into words.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from drp_console.journal.state import RunState
from drp_console.journal.timing import Instant, parse_ts
from drp_console.runbook import milestones as ms
from drp_console.runbook.durations import duration_text, format_duration
from drp_console.ui.clock import clock_text, update_if_changed

MODE_BANNER = {
    "live": ("LIVE", "mode-live", "REAL CHANGES"),
    "simulate": ("SIMULATION", "mode-simulate", "nothing real is touched"),
    "training": ("TRAINING", "mode-training", "simulated, with hints and a score"),
}
"""Mode -> (word, CSS class, what it means): words as well as colour."""

_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(fraction: float, width: int = 16) -> str:
    """A progress bar in eighths of a cell, so that a long objective still shows it moving."""
    fraction = min(1.0, max(0.0, fraction))
    eighths = int(fraction * width * 8)
    if fraction > 0 and eighths == 0:
        eighths = 1
    full, part = divmod(eighths, 8)
    cells = "█" * full + (_EIGHTHS[part] if part else "")
    return "▕" + cells + "░" * (width - len(cells)) + "▏"


def title_of(state: RunState) -> str:
    """The runbook's title (its id when it has none)."""
    book, doc = state.runbook or {}, state.runbook_doc or {}
    return str(book.get("title") or doc.get("title") or book.get("id") or doc.get("id") or "")


class ModeBanner(Static):
    """First header line: mode in words and colour, runbook, where, operator. Never cut: a
    simulated run's meaning and scenario are left out when the line is too long, then it
    wraps (a live run keeps all: project and REAL CHANGES)."""

    def show(self, state: RunState, operator: str | None = None) -> None:
        """Render for this run; `operator`: who is at this console (default: who started or
        last resumed it)."""
        mode = state.mode or "simulate"
        word, css, meaning = MODE_BANNER.get(mode, (mode.upper(), "mode-simulate", ""))
        for cls in ("mode-live", "mode-simulate", "mode-training"):
            self.set_class(cls == css, cls)
        where = state.project or ""
        if mode != "live" and state.scenario:
            where = str(state.scenario.get("id") or where)
            speed = state.scenario.get("speed")
            if speed and float(speed) != 1:
                where += f" ({float(speed):g}x)"
        version = (state.runbook or {}).get("version", (state.runbook_doc or {}).get("version"))
        version_text = f" (v{version})" if version not in (None, "") else ""
        who = (operator or (state.resumes[-1].get("operator") if state.resumes else None)
               or state.operator or "?")
        text = Text()  # what must never be cut comes first: mode, pause, runbook title
        text.append(f" {word} ", style="bold")
        if state.status == "paused":
            text.append("⏸ PAUSED ", style="bold")
        text.append(f"· {title_of(state)}{version_text} ", style="bold")
        people = getattr(getattr(self.screen, "session", None), "people", "")  # a shared run
        tail = [part for part in (where, meaning, f"operator {who}", people) if part]
        width = self.size.width or self.app.size.width
        for spare in (meaning, where) if mode != "live" else ():
            if len(text) + len(" · ".join(tail)) + 2 <= width:
                break
            if spare in tail:  # the word and the colour already say it is not live
                tail.remove(spare)
        text.append("· " + " · ".join(tail))
        update_if_changed(self, text)


class ClockLine(Static):
    """Second header line: incident clock, RTO, RPO, the 72-hour breach clock, steps done."""

    def show(self, state: RunState, runbook: Any, now: Instant, wall: datetime,
             tz: str = "UTC") -> None:
        """Render the clocks at `now` (on the run's clock; `wall` is the same moment)."""
        text = Text(" ")
        elapsed = self._incident(state, now, wall)
        text.append(f"Incident {clock_text(elapsed) if elapsed is not None else '—'}", "bold")
        overrun = self._rto(text, state, runbook, now)
        self._rpo(text, state, runbook)
        overrun = self._breach(text, state, now, tz) or overrun
        text.append(f"   steps {state.steps_done}/{state.steps_total}")
        self.set_class(overrun, "overrun")
        update_if_changed(self, text)

    @staticmethod
    def _incident(state: RunState, now: Instant, wall: datetime) -> float | None:
        """Seconds since the incident started (as given), else since the run started."""
        incident = parse_ts(state.incident_start)
        if incident is not None:
            end = state.ended.wall if state.finished and state.ended else wall
            return max(0.0, ((end or wall) - incident).total_seconds())
        return now.t if state.started is not None else None

    @staticmethod
    def _rto(text: Text, state: RunState, runbook: Any, now: Instant) -> bool:
        """The RTO in words; True when it is overrun."""
        target = state.objectives["rto"]
        if not target:
            text.append("   no RTO objective")
            return False
        origin, _ = state.rto_origin
        planned = ms.rto_origin_name(runbook.step_milestones()) if runbook is not None else None
        if origin is None and planned is not None and not state.finished:
            text.append(f"   RTO {duration_text(target)}: starts at milestone {planned}")
            return False
        elapsed = state.rto_elapsed(now)
        if elapsed is None:
            text.append(f"   RTO {duration_text(target)}")
            return False
        text.append(f"   RTO {duration_text(target)} {_bar(elapsed / target)} ")
        if state.rto_achieved is not None:
            if elapsed <= target:
                text.append(f"met in {clock_text(elapsed)}", "bold")
                return False
            text.append(f"missed: {clock_text(elapsed)}", "bold reverse")
            return True
        if elapsed <= target:
            text.append(f"{clock_text(target - elapsed)} left", "bold")
            return False
        text.append(f"OVERRUN by {clock_text(elapsed - target)}", "bold reverse")
        return True

    @staticmethod
    def _rpo(text: Text, state: RunState, runbook: Any) -> None:
        """The RPO in words: data time, the same at any simulation speed."""
        target = state.objectives["rpo"]
        if not target:
            return
        label = f"   RPO {duration_text(target)}: "
        lost = state.rpo_achieved
        if lost is not None:
            verdict = "met" if lost <= target else "missed"
            text.append(label + f"{format_duration(lost)} of data lost ({verdict})")
        elif state.restore_point:
            text.append(label + "restored, the data's time is not known")
        elif runbook is not None and not runbook.measures_rpo():
            text.append(label + "not measured here (no step restores data)")
        else:
            text.append(label + "measured at restore")

    @staticmethod
    def _breach(text: Text, state: RunState, now: Instant, tz: str) -> bool:
        """The 72-hour clock; it stops once the authority is notified. True when overrun."""
        if not state.breach_clock:
            return False
        breach = state.breach
        margin = breach.margin(now)
        if breach.aware is None or margin is None:
            text.append("   72h clock: starts at milestone aware")
            return False
        if breach.stopped and breach.authority is not None:
            at = breach.authority.wall
            when = at.astimezone(ZoneInfo(tz)).strftime("%H:%M:%S") if at else "?"
            if margin >= 0:
                text.append(f"   72h: authority notified {when}, {clock_text(margin)} before "
                            "the deadline", "bold")
                return False
            text.append(f"   72h: authority notified {when}, {clock_text(-margin)} late",
                        "bold reverse")
            return True
        if margin >= 0:
            text.append(f"   72h notify in {clock_text(margin)}", "bold")
            return False
        text.append(f"   72h deadline PASSED {clock_text(-margin)} ago", "bold reverse")
        return True
