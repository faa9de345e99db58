"""Instants taken from journal events, the run's own clock, and durations between them.

This is the one place that reads a journal timestamp (`parse_ts`) and the one rule for how far
into a run an event happened (`RunClock`): monotonic seconds while consecutive events share a
boot id, the wall-clock difference (never negative) across a reboot, counted as such.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any


def parse_ts(text: object) -> datetime | None:
    """An ISO-8601 time (`Z` accepted; without an offset: UTC), or None when absent or
    unreadable."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Instant:
    """When an event happened: wall time (`ts`), monotonic seconds (`mono`) and the boot id."""

    ts: str | None
    """UTC ISO-8601 with offset, as journaled."""
    mono: float | None
    """Monotonic seconds; comparable only with instants of the same boot."""
    boot: str | None
    """Boot id of the machine that wrote the event, None when unknown."""
    seq: int = 0
    """The event's sequence number (0 when not taken from an event)."""
    t: float = 0.0
    """Seconds since the run started, on the run's clock (`RunClock`)."""

    @classmethod
    def of(cls, event: dict[str, Any], t: float = 0.0) -> Instant:
        """The instant of a journal event (`t`: its offset on the run's clock, when known)."""
        mono = event.get("mono")
        seq = event.get("seq")
        return cls(
            event.get("ts"),
            float(mono) if isinstance(mono, (int, float)) and not isinstance(mono, bool) else None,
            event.get("boot"),
            seq if isinstance(seq, int) and not isinstance(seq, bool) else 0,
            t,
        )

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


@dataclass
class RunClock:
    """How far into the run each event happened, event after event (in sequence order)."""

    t: float = 0.0
    """Seconds from the first event to the last one seen."""
    boots: set[str] = field(default_factory=set)
    """Boot ids seen (`None` when an event had none)."""
    wall_spans: int = 0
    """Gaps between consecutive events measured by wall clock (another or unknown boot)."""
    _prev: dict[str, Any] | None = None

    def tick(self, event: dict[str, Any]) -> Instant:
        """The instant of the next event, with its offset on the run's clock."""
        self.boots.add(str(event.get("boot", "")))
        prev = self._prev
        if prev is not None:
            boot, mono, prev_mono = event.get("boot"), event.get("mono"), prev.get("mono")
            if (boot is not None and boot == prev.get("boot") and isinstance(mono, (int, float))
                    and isinstance(prev_mono, (int, float)) and mono >= prev_mono):
                self.t += mono - prev_mono
            else:
                self.wall_spans += 1
                a, b = parse_ts(prev.get("ts")), parse_ts(event.get("ts"))
                if a is not None and b is not None:
                    self.t += max(0.0, (b - a).total_seconds())
        self._prev = event
        return Instant.of(event, self.t)
