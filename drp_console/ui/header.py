"""The run screen's header: the mode banner and the clocks an incident commander watches."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from drp_console.runbook.durations import format_duration
from drp_console.ui.clock import UiClock, clock_text, update_if_changed
from drp_console.ui.view_model import RunView

MODE_BANNER = {
    "live": ("LIVE", "mode-live", "REAL CHANGES"),
    "simulate": ("SIMULATION", "mode-simulate", "nothing real is touched"),
    "training": ("TRAINING", "mode-training", "simulated, with hints and a score"),
}
"""Mode -> (word, CSS class, what it means): words as well as colour."""


def _bar(fraction: float, width: int = 16) -> str:
    fraction = min(1.0, max(0.0, fraction))
    filled = int(round(fraction * width))
    return "▕" + "█" * filled + "░" * (width - filled) + "▏"


class ModeBanner(Static):
    """First header line: mode in words and colour, runbook, where, operator. Never cut: a
    simulated run's meaning and scenario are left out when the line is too long, then it
    wraps (a live run keeps all: project and REAL CHANGES)."""

    def show(self, view: RunView, operator: str | None = None) -> None:
        """Render for this run; `operator`: who is at this console (default: who started it)."""
        word, css, meaning = MODE_BANNER.get(view.mode, (view.mode.upper(), "mode-simulate", ""))
        for cls in ("mode-live", "mode-simulate", "mode-training"):
            self.set_class(cls == css, cls)
        where = view.project or ""
        if view.mode != "live" and view.scenario:
            where = str(view.scenario.get("id") or where)
            speed = view.scenario.get("speed")
            if speed and float(speed) != 1:
                where += f" ({float(speed):g}x)"
        version = f" (v{view.version})" if view.version not in (None, "") else ""
        who = operator or view.operator or "?"
        text = Text()  # what matters most comes first: mode, pause, runbook title
        text.append(f" {word} ", style="bold")
        if view.status == "paused":
            text.append("⏸ PAUSED ", style="bold")
        text.append(f"· {view.title}{version} ", style="bold")
        tail = [part for part in (where, meaning, f"operator {who}") if part]
        width = self.size.width or self.app.size.width
        for spare in (meaning, where) if view.mode != "live" else ():
            if len(text) + len(" · ".join(tail)) + 2 <= width:
                break
            if spare in tail:  # the word and the colour already say it is not live
                tail.remove(spare)
        text.append("· " + " · ".join(tail))
        update_if_changed(self, text)


class ClockLine(Static):
    """Second header line: incident clock, RTO countdown (overrun), RPO, 72-hour breach clock."""

    def show(self, view: RunView, clock: UiClock) -> None:
        """Render the clocks at the clock's current time."""
        now = clock.now()
        text = Text(" ")
        elapsed = view.incident_elapsed(now)
        text.append(f"Incident {clock_text(elapsed) if elapsed is not None else '—'}", "bold")
        remaining = view.rto_remaining(now)
        overrun = False
        if remaining is not None and view.rto:
            restored = "restored" in view.milestones
            used = view.rto - remaining
            if remaining >= 0:
                state = "met" if restored else "left"
                text.append(f"   RTO {format_duration(view.rto)} {_bar(used / view.rto)} ")
                text.append(f"{clock_text(remaining)} {state}", "bold")
            else:
                overrun = True
                state = "missed by" if restored else "OVERRUN by"
                text.append(f"   RTO {format_duration(view.rto)} {_bar(1)} ")
                text.append(f"{state} {clock_text(-remaining)}", "bold reverse")
        elif view.rto is None:
            text.append("   no RTO objective")
        if view.rpo:
            point = view.restore_point
            at = f"restore point {point.get('at')}" if point else "measured at restore"
            text.append(f"   RPO {format_duration(view.rpo)}: {at}")
        breach = view.breach_remaining(now)
        if view.breach_clock:
            if breach is None:
                text.append("   72h clock: starts at milestone aware")
            elif breach >= 0:
                text.append(f"   72h notify in {clock_text(breach)}", "bold")
            else:
                text.append(f"   72h deadline PASSED {clock_text(-breach)} ago", "bold reverse")
                overrun = True
        done, total = view.counts()
        text.append(f"   steps {done}/{total}")
        self.set_class(overrun, "overrun")
        update_if_changed(self, text)
