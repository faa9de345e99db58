"""What one run is: its id, mode, parameters, operator, speed and directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Mode = Literal["live", "simulate", "training"]


@dataclass(frozen=True)
class RunContext:
    """The fixed facts of one run, shared by the engine and its executors."""

    run_id: str
    """Unique id of the run (also its directory name)."""
    mode: Mode
    """`live`, `simulate` or `training`."""
    params: dict[str, object]
    """Resolved runbook parameters, secrets in clear (never journaled as such)."""
    operator: str
    """Who runs the console; written into every event."""
    speed: float = 1.0
    """Simulated runs: the scenario's speed; the engine's own waits are divided by it."""
    project: str | None = None
    """The Google Cloud project the run acts on."""
    run_dir: Path | None = None
    """The run's directory (journal, lock, world, reports)."""
    extra: dict[str, object] = field(default_factory=dict)
    """Anything else a caller wants the executors to see (unused by the engine)."""
