"""Training mode's score card: time against the RTO, skipped checks, decisions vs `recommended`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from drp_console.journal.state import RunState
from drp_console.runbook.durations import duration_text
from drp_console.ui.clock import clock_text
from drp_console.ui.step_view import rebuild_runbook
from drp_console.ui.widgets.header import title_of

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


def _is_check(model: Any) -> bool:
    """A step that verifies rather than acts: a wait, a shell check, a read call, a checklist."""
    from drp_console.runbook.catalog import lookup

    kind = getattr(model, "type", None)
    if kind in CHECK_TYPES or getattr(model, "check", None):
        return True
    if kind == "gcp":
        call = lookup(model.call)
        return call is not None and not call.mutating
    return kind == "manual" and bool(getattr(model, "checklist", None))


def _rto_line(state: RunState, result: Score) -> str:
    target = state.objectives["rto"]
    took = state.rto_elapsed() if state.finished else None
    if not target or took is None:
        return "RTO: not measured (no objective, or the run did not finish)"
    speed = float((state.scenario or {}).get("speed") or 1)
    note = f" (simulated at {speed:g}x; people's steps in real time)" if speed != 1 else ""
    if took <= target:
        return f"RTO {duration_text(target)}: met in {clock_text(took)}, " \
               f"{clock_text(target - took)} to spare{note}"
    result.points -= min(30, 10 + int((took - target) / target * 20))
    return f"RTO {duration_text(target)}: missed by {clock_text(took - target)}{note}"


def score(state: RunState, runbook: Any = None) -> Score:
    """Score a finished (or stopped) training run from its state and runbook."""
    if runbook is None:
        runbook, _ = rebuild_runbook(state.runbook_doc)
    result = Score()
    result.rto_line = _rto_line(state, result)
    for step in state.steps.values():
        model = runbook.step(step.id) if runbook is not None and runbook.has_step(step.id) \
            else None
        by_operator = any(a.get("answer") == "skip" for a in step.answers) or bool(
            step.outputs.get("skipped_by")) or str(step.reason or "").startswith("skipped by ")
        if step.status == "skipped" and by_operator and _is_check(model):
            result.skipped_checks.append(step.id)
            result.points -= 10
        if step.type == "decision":
            chosen = next((str(a.get("answer")) for a in reversed(step.answers)
                           if a.get("kind") == "decision"), None)
            recommended = getattr(model, "recommended", None)
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

    def __init__(self, state: RunState, runbook: Any = None) -> None:
        super().__init__()
        self.state = state
        self.score = score(state, runbook)
        """The computed score."""

    def compose(self) -> ComposeResult:
        s = self.score
        lines = [f"[b]{escape(title_of(self.state))}[/b] — run {escape(self.state.status)}", "",
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
