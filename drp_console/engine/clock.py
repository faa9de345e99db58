"""The engine's clock is the one clock (`drp_console.clock`), re-exported here for the engine."""

from __future__ import annotations

from drp_console.clock import Clock, SystemClock

__all__ = ["Clock", "SystemClock"]
