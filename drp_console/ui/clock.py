"""Wall clocks the console reads: the system's, or a frozen one for tests and snapshots."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from drp_console.clock import SystemClock  # noqa: F401  (the one clock; importable here)


def __getattr__(name: str) -> Any:
    """`parse_ts` (the one parser) stays importable here without loading the journal's timing
    module before the launcher's first frame."""
    if name == "parse_ts":
        from drp_console.journal.timing import parse_ts

        return parse_ts
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class UiClock(Protocol):
    """What the console asks of a clock: the current UTC time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class FrozenClock:
    """A clock that stands still (snapshots) until a test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        """The time this clock reports."""

    def now(self) -> datetime:
        """The frozen time."""
        return self.at


def clock_text(seconds: float) -> str:
    """A running clock as `H:MM:SS` (or `MM:SS` under an hour), with a minus sign if negative."""
    sign = "-" if seconds < 0 else ""
    total = int(abs(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"


def update_if_changed(widget, content) -> None:
    """`Static.update` only when the content differs, and with a layout pass only when its
    height may change.

    A layout pass redraws the whole screen (and, behind a dialog, the dialog over it): a clock
    that ticks once a second in a line that keeps its height repaints that line alone."""
    if getattr(widget, "_drp_last", None) == content:
        return
    widget._drp_last = content
    width = widget.content_size.width if widget.is_mounted else 0
    styles = widget.styles
    if width <= 0 or (styles.width is not None and styles.width.is_auto):
        widget.update(content)  # not laid out yet, or as wide as its text: lay it out
        return
    screen = widget.app.size
    before = widget.get_content_height(screen, screen, width)
    widget.update(content, layout=False)
    if widget.get_content_height(screen, screen, width) != before:
        widget.refresh(layout=True)
