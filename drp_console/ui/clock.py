"""Wall clocks the console reads: the system's, or a frozen one for tests and snapshots."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class UiClock(Protocol):
    """What the console asks of a clock: the current UTC time."""

    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        """The current time in UTC."""
        return datetime.now(UTC)


class FrozenClock:
    """A clock that stands still (snapshots) until a test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at
        """The time this clock reports."""

    def now(self) -> datetime:
        """The frozen time."""
        return self.at


def parse_ts(text: str | None) -> datetime | None:
    """A journal timestamp (ISO-8601 with offset) as an aware datetime, or None."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


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
    """`Static.update` only when the content differs: every update costs a layout pass."""
    if getattr(widget, "_drp_last", None) != content:
        widget._drp_last = content
        widget.update(content)
