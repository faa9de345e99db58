"""Instants taken from journal events, and durations between them (monotonic within one boot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone


def parse_ts(text: str | None) -> datetime | None:
    """An ISO-8601 time (without an offset: UTC), or None when absent or unreadable."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True, slots=True)
class Instant:
    """When an event happened: wall time (`ts`), monotonic seconds (`mono`) and the boot id."""

    ts: str | None
    """UTC ISO-8601 with offset, as journaled."""
    mono: float | None
    """Monotonic seconds; comparable only with instants of the same boot."""
    boot: str | None
    """Boot id of the machine that wrote the event, None when unknown."""

    @classmethod
    def of(cls, event: dict) -> Instant:
        """The instant of a journal event."""
        mono = event.get("mono")
        return cls(event.get("ts"), float(mono) if isinstance(mono, (int, float)) else None, event.get("boot"))

    @property
    def wall(self) -> datetime | None:
        """The wall time as an aware datetime."""
        return parse_ts(self.ts)


def span(start: Instant | None, end: Instant | None) -> tuple[float | None, bool]:
    """Seconds from `start` to `end` and whether they are approximate (wall clock, not monotonic).

    Monotonic times are used when both instants come from the same (known) boot; otherwise the
    wall-clock difference, which an NTP step or a reboot can distort, is marked approximate.
    """
    if start is None or end is None:
        return None, False
    if (
        start.boot is not None
        and start.boot == end.boot
        and start.mono is not None
        and end.mono is not None
        and end.mono >= start.mono
    ):
        return end.mono - start.mono, False
    a, b = start.wall, end.wall
    if a is None or b is None:
        return None, True
    return max(0.0, (b - a).total_seconds()), True
