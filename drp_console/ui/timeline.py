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

from drp_console.journal.timing import parse_ts

STYLE = {"note": "bold", "milestone": "bold green4", "error": "red3", "event": ""}
"""Entry kind -> style, readable on dark and light themes."""

@dataclass
class TimelineEntry:
    """One line of the timeline pane."""

    at: datetime | None
    """When it happened (UTC)."""
    text: str
    """What happened, in words."""
    kind: str = "event"
    """event, note, milestone, error: picks the colour."""


def entry_for(event: dict, runbook: Any = None) -> TimelineEntry | None:
    """The timeline line of an event (None: not one for the timeline)."""
    from drp_console.runner.headless import timeline_line

    line = timeline_line(event, runbook)
    if line is None:
        return None
    return TimelineEntry(parse_ts(event.get("ts")), *line)


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
