"""Taking a shared run over from a joiner's console, once its driver has gone silent.

A joiner reads the run's lease every couple of seconds (`CommandEngine`). While the driver's
heartbeat keeps it alive there is nothing to offer; once it has expired (the driver's machine or
console stopped) or was given up without the run finishing, `driver_silence` says who drove and
for how long they have been silent, and the console offers to take over. Taking over is
`drp resume RUN --journal URL` in this process (`take_over`): the lease is acquired (the database
decides: if someone else took it first, LeaseHeld names them and nothing changes), the world is
fetched, `run_resumed` is journaled under this person's name and the usual resume rules apply
(Compute calls re-sent with their requestIds, uncertain calls UNKNOWN for a person to decide).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from drp_console.journal.state import RunState


@dataclass(frozen=True)
class DriverSilence:
    """The driver of a shared run has stopped: who, for how long, and how it ended."""

    who: str
    """Who drove the run last."""
    seconds: float
    """Seconds since their last heartbeat (the database's clock)."""
    left: bool
    """True when their console gave the lease up (it quit without finishing); False when
    the lease expired (no heartbeat for the lease time: the machine or the console stopped)."""

    def text(self) -> str:
        """`alice silent for 17 s (lease expired)`, for the header."""
        if self.left:
            return f"{self.who} left {self.seconds:.0f} s ago, nobody drives"
        return f"{self.who} silent for {self.seconds:.0f} s (lease expired)"


def driver_silence(lease: dict[str, Any] | None, state: RunState) -> DriverSilence | None:
    """The driver's silence from the run's lease row (`PgStore.lease`), or None while the
    driver's lease is alive (or the run has finished: there is nothing to take over)."""
    if state.finished or state.run_started is None:
        return None
    if lease is None:
        return DriverSilence(state.last_driver or "?", 0.0, True)
    if lease.get("live") and lease.get("holder"):
        return None
    who = str(lease.get("holder") or state.last_driver or "?")
    return DriverSilence(who, float(lease.get("silent") or 0.0), lease.get("holder") is None)


def secret_names(state: RunState) -> list[str]:
    """The run's secret parameters that its journal does not keep (typed again to take over)."""
    started = state.run_started or {}
    kept = started.get("params") or {}
    return [n for n in started.get("secret_params") or [] if kept.get(n) == "***"]


def take_over(joined: Any, params: dict[str, str] | None = None) -> Any:
    """Drive the run a `JoinSession` follows: the `RunSession` of `drp resume RUN --journal
    URL` under the joiner's name (LeaseHeld when another console drives it by now)."""
    from drp_console.runner.session import RunSession

    return RunSession.resume(joined.ctx.run_id, operator=joined.journal.operator,
                             runs_dir=joined.run_dir.parent, params=params,
                             journal_url=joined.store.url)


__all__ = ["DriverSilence", "driver_silence", "secret_names", "take_over"]
