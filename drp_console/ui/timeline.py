"""The timeline pane: the run's events in words as they arrive, newest last.

A printer, not a fold: each event is described once, when it arrives, in the same words the
headless printer uses (`describe`); the run's state is `RunState`'s alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from drp_console.journal.event_types import EventType as E
from drp_console.journal.timing import parse_ts

STYLE = {"note": "bold", "milestone": "bold green4", "error": "red3", "event": ""}
"""Entry kind -> style, readable on dark and light themes."""

QUIET = frozenset({E.CALL_INTENT, E.CALL_COMPLETED, E.OPERATION_PROGRESS, E.OUTPUT,
                   E.CHECKLIST_TICKED})
"""Events the detail pane shows and the timeline leaves out (they would drown the rest)."""


@dataclass
class TimelineEntry:
    """One line of the timeline pane."""

    at: datetime | None
    """When it happened (UTC)."""
    text: str
    """What happened, in words."""
    kind: str = "event"
    """event, note, milestone, error: picks the colour."""


def _kind(event: dict) -> str:
    kind = event.get("type")
    if kind == E.MILESTONE:
        return "milestone"
    if kind == E.NOTE:
        return "note"
    if kind in (E.ATTEMPT_FAILED, E.STEP_UNKNOWN, E.WARNING):
        return "error"
    if kind in (E.STEP_FINISHED, E.RUN_FINISHED) and event.get("status") in ("failed",
                                                                             "aborted"):
        return "error"
    return "event"


def entry_for(event: dict, runbook: Any = None) -> TimelineEntry | None:
    """The timeline line of an event (None: not one for the timeline)."""
    from drp_console.runner.headless import describe

    kind = event.get("type")
    if kind in QUIET or (kind == E.STEP_STARTED and event.get("attempt") in (None, 1)):
        return None
    if kind == E.RUN_STARTED:
        text = f"run started by {event.get('operator')} ({event.get('mode')})"
    else:
        described = describe(event, runbook)
        if described is None:
            return None
        text = described
        if kind == E.RUN_RESUMED and event.get("operator"):
            text += f" by {event['operator']}"
    if event.get("step") and kind != E.MILESTONE:
        text = f"{event['step']}: {text}"
    return TimelineEntry(parse_ts(event.get("ts")), text, _kind(event))


class Timeline(Static):
    """The last entries of the run's timeline (CSS decides how many lines fit)."""

    def __init__(self, *, tz: str = "UTC", **kwargs) -> None:
        super().__init__(**kwargs)
        self.tz = ZoneInfo(tz)
        self._count = -1

    def show(self, entries: list[TimelineEntry], limit: int = 200) -> None:
        """Render the newest `limit` entries, when there are new ones."""
        if len(entries) == self._count:
            return
        self._count = len(entries)
        text = Text()
        for entry in entries[-limit:]:
            stamp = entry.at.astimezone(self.tz).strftime("%H:%M:%S") if entry.at else "--:--:--"
            if text:
                text.append("\n")
            text.append(f"{stamp}  ", style="dim")
            text.append(entry.text, style=STYLE.get(entry.kind, ""))
        self.update(text)
