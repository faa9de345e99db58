"""The crash-test hook the runner gives the engine: die right after the n-th event of a type."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Mapping
from typing import Any


def crash_hook(point: tuple[str, int] | None) -> Callable[[Mapping[str, Any]], None] | None:
    """An `after_event` callback that SIGKILLs this process right after the n-th durable event
    of the given type (`DRP_TEST_CRASH_AT=<type>:<n>`; crash tests only), or None."""
    if point is None:
        return None
    kind, n = point
    seen = 0

    def after_event(event: Mapping[str, Any]) -> None:
        nonlocal seen
        if event.get("type") != kind:
            return
        seen += 1
        if seen == n:
            os.kill(os.getpid(), signal.SIGKILL)

    return after_event
