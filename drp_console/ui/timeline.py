"""The timeline pane: the run's events and notes in words, newest last."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rich.text import Text
from textual.widgets import Static

from drp_console.ui.step_view import TimelineEntry

STYLE = {"note": "bold", "milestone": "bold green4", "error": "red3", "event": ""}
"""Entry kind -> style, readable on dark and light themes."""


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
