"""The engine's clock: monotonic time, UTC wall time and sleeping, injectable for tests."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """What the engine asks of time; tests inject a fake that does not wait."""

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (durations)."""

    def now(self) -> datetime:
        """The wall time, timezone-aware UTC."""

    async def sleep(self, seconds: float) -> None:
        """Wait this long (already divided by the run's speed by the caller)."""


class SystemClock:
    """The real clock: `time.monotonic`, UTC `datetime.now` and `asyncio.sleep`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))
