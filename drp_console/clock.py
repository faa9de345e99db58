"""The one clock: monotonic time, UTC wall time and sleeping, injectable for tests.

The engine waits on it, the journal stamps events with it (`now`, `monotonic`), the console shows
its `now`. Tests inject a fake (the engine's tests one that does not wait, the console's
snapshots `ui.clock.FrozenClock`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class TimeSource(Protocol):
    """Where event times come from (the journal's needs)."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations)."""

    def now(self) -> datetime:
        """The wall time, timezone-aware UTC."""


class Clock(TimeSource, Protocol):
    """What the engine asks of time; tests inject a fake that does not wait."""

    async def sleep(self, seconds: float) -> None:
        """Wait this long (already divided by the run's speed by the caller)."""


class SystemClock:
    """The real clock: `time.monotonic`, UTC `datetime.now` and `asyncio.sleep`."""

    def monotonic(self) -> float:
        """`time.monotonic()`."""
        return time.monotonic()

    def now(self) -> datetime:
        """`datetime.now(UTC)`."""
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        """`asyncio.sleep`, never negative."""
        await asyncio.sleep(max(0.0, seconds))
