"""Training mode's score card: time against the RTO, skipped checks, decisions vs `recommended`."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from drp_console.runbook.durations import format_duration
from drp_console.ui.clock import clock_text
from drp_console.ui.view_model import RunView

CHECK_TYPES = {"wait", "shell"}


@dataclass
class Score:
    """How a training run went."""

    points: int = 100
    """Out of 100."""
    rto_line: str = ""
    """Time against the RTO, in words."""
    skipped_checks: list[str] = field(default_factory=list)
    """Verification steps (or checklists) the trainee skipped."""
    decisions: list[tuple[str, str, str | None, bool]] = field(default_factory=list)
    """(step, chosen, recommended, matches) per decision step."""


def _is_check(step) -> bool:
    if step.type in CHECK_TYPES or step.doc.get("check"):
        return True
    if step.type == "gcp":
        call = str(step.doc.get("call") or "")
        return call.endswith((".get", ".list"))
    return step.type == "manual" and bool(step.doc.get("checklist"))


def score(view: RunView) -> Score:
    """Score a finished (or stopped) training run from its view."""
    result = Score()
    if view.rto and view.rto_origin() is not None and view.finished is not None:
        remaining = view.rto_remaining(view.finished)
        speed = float((view.scenario or {}).get("speed") or 1)
        note = f" (simulated at {speed:g}x; people's steps in real time)" if speed != 1 else ""
        if remaining is not None and remaining >= 0:
            result.rto_line = (f"RTO {format_duration(view.rto)}: met with "
                               f"{clock_text(remaining)} to spare{note}")
        elif remaining is not None:
            result.rto_line = (f"RTO {format_duration(view.rto)}: missed by "
                               f"{clock_text(-remaining)}{note}")
            result.points -= min(30, 10 + int(-remaining / view.rto * 20))
    else:
        result.rto_line = "RTO: not measured (no objective, or the run did not finish)"
    for step in view.steps.values():
        by_operator = any(a.get("answer") == "skip" for a in step.answers) or bool(
            step.outputs.get("skipped_by")) or str(step.reason or "").startswith("skipped by ")
        if step.status == "skipped" and by_operator and _is_check(step):
            result.skipped_checks.append(step.id)
            result.points -= 10
        if step.type == "decision":
            chosen = next((str(a.get("answer")) for a in reversed(step.answers)
                           if a.get("kind") == "decision"), None)
            recommended = step.doc.get("recommended")
            if chosen is not None:
                ok = recommended is None or chosen == recommended
                result.decisions.append((step.id, chosen, recommended, ok))
                if not ok:
                    result.points -= 15
    result.points = max(0, result.points)
    return result


class ScoreCardScreen(ModalScreen[None]):
    """The score card shown when a training run ends."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("enter", "close", "Close")]

    def __init__(self, view: RunView) -> None:
        super().__init__()
        self.view = view
        self.score = score(view)
        """The computed score."""

    def compose(self) -> ComposeResult:
        s = self.score
        lines = [f"[b]{escape(self.view.title)}[/b] — run {escape(self.view.status)}", "",
                 f"[b]Score {s.points}/100[/b]", "", escape(s.rto_line), ""]
        if s.skipped_checks:
            lines.append(f"Skipped checks ({len(s.skipped_checks)}, -10 each): "
                         + ", ".join(escape(x) for x in s.skipped_checks))
        else:
            lines.append("Skipped checks: none ✔")
        lines.append("")
        if s.decisions:
            lines.append("Decisions:")
            for step, chosen, recommended, ok in s.decisions:
                mark = "✔ as recommended" if ok else f"✘ recommended: {escape(str(recommended))}"
                lines.append(f"  {escape(step)}: chose {escape(chosen)}  {mark}")
        else:
            lines.append("Decisions: none taken")
        with Vertical(classes="dialog score-card") as box:
            box.border_title = "Training score card"
            yield Static("\n".join(lines))
            yield Button("Close", id="close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
