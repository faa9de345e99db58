"""How a step of the run state reads in the console: its icon, its word, its time so far.

The console keeps no state of its own about a run: it reads `journal.state.RunState` (the one
fold of the run's events) and the runbook rebuilt from the journaled document. These helpers only
turn a `StepState` into words; they fold nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drp_console.journal.state import RunState
    from drp_console.journal.step_state import StepState
    from drp_console.journal.timing import Instant
    from drp_console.runbook.model import Runbook

STATUS_ICON = {
    "pending": ("○", "pending"),
    "running": ("◐", "running"),
    "waiting": ("◆", "waiting"),
    "succeeded": ("✔", "done"),
    "failed": ("✘", "failed"),
    "skipped": ("⊘", "skipped"),
    "unknown": ("?", "UNKNOWN"),
}
"""Status -> (icon, word): the word is always shown, colour never carries meaning alone."""

_QUESTION_WORD = {"confirm": "confirm", "failed": "failed", "unknown": "UNKNOWN"}


def question_kind(step: StepState) -> str | None:
    """The kind of the step's open question (manual, approval, ...), None when none is open."""
    return (step.question or {}).get("kind")


def shown_status(step: StepState) -> str:
    """The status to draw: a step waiting on its failure or on reconciliation shows so."""
    kind = question_kind(step)
    if step.status == "waiting" and kind in ("failed", "unknown"):
        return str(kind)
    return step.status


def status_icon(step: StepState) -> str:
    """The status icon."""
    return STATUS_ICON.get(shown_status(step), ("·", step.status))[0]


def status_word(step: StepState) -> str:
    """The status word shown beside the icon."""
    kind = question_kind(step)
    if step.status == "waiting" and kind is not None:
        return _QUESTION_WORD.get(kind, "waiting")
    return STATUS_ICON.get(step.status, ("·", step.status))[1]


def elapsed(step: StepState, now: Instant) -> float | None:
    """Seconds on the run's clock since the step started, to its end if it ended."""
    if step.started is None:
        return None
    end = step.ended or now
    return max(0.0, end.t - step.started.t)


def now_of(state: RunState, wall: datetime) -> Instant:
    """The instant the console shows the run at: its end once finished, else the wall clock's
    now continued on the run's clock."""
    if state.finished and state.ended is not None:
        return state.ended
    return state.at_wall(wall)


def rebuild_runbook(doc: dict) -> tuple[Runbook | None, str | None]:
    """The runbook rebuilt from the journaled document, or None and why it cannot be."""
    if not doc:
        return None, None
    from drp_console.runbook.model import Runbook

    try:
        return Runbook.from_doc(doc), None
    except Exception as exc:  # noqa: BLE001 - an old or edited journal: show what the fold has
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"the runbook in this journal cannot be rebuilt ({first})"
