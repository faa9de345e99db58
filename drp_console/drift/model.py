"""What a drift check found: per step a status, and the findings that make the runbook rot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["ok", "drift", "skipped", "not-sent", "people", "local", "not-checked"]
"""`ok` read and as planned; `drift` something no longer matches; `skipped` its `when` or `modes`
leave it out; `not-sent` a mutating call (never sent; its target probed with reads); `people`
a manual, approval or decision step; `local` a shell command (never run); `not-checked` it
needs what only a run produces."""


@dataclass(frozen=True)
class Finding:
    """One thing that no longer matches the plan."""

    kind: str
    """`gone`, `exists`, `error`, `check`, `backups`, `snapshots`, `zone`, `residency`."""
    message: str
    """What is wrong and what to do, one sentence."""
    step: str | None = None
    """The step it was found by (None: the runbook as a whole)."""
    drift: bool = True
    """False for a note that does not fail the check (a `check` that describes the incident)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"kind": self.kind, "step": self.step, "message": self.message,
                "drift": self.drift}


@dataclass
class StepCheck:
    """How one step fared."""

    id: str
    """Step id."""
    status: Status
    """See `Status`."""
    detail: str = ""
    """The call made, or why nothing was made."""
    findings: list[Finding] = field(default_factory=list)
    """What this step found."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"id": self.id, "status": self.status, "detail": self.detail,
                "findings": [f.to_dict() for f in self.findings]}


@dataclass
class DriftReport:
    """The whole check: the steps in plan order and the runbook-wide findings."""

    runbook: str
    """Runbook id."""
    target: str
    """`live project P`, or `simulated (scenario S)`."""
    steps: list[StepCheck] = field(default_factory=list)
    """Every step, in plan order."""
    findings: list[Finding] = field(default_factory=list)
    """Findings of the runbook as a whole (zones no longer used)."""
    calls: list[str] = field(default_factory=list)
    """Every call sent, in order (reads only)."""

    @property
    def all_findings(self) -> list[Finding]:
        """Step findings then the runbook's."""
        return [f for s in self.steps for f in s.findings] + self.findings

    @property
    def drifted(self) -> bool:
        """Whether anything counts as drift (exit 1)."""
        return any(f.drift for f in self.all_findings)

    def to_dict(self) -> dict[str, Any]:
        """The `--json` document."""
        return {"runbook": self.runbook, "target": self.target,
                "result": "drift" if self.drifted else "clean",
                "steps": [s.to_dict() for s in self.steps],
                "findings": [f.to_dict() for f in self.findings],
                "drift": [f.to_dict() for f in self.all_findings if f.drift],
                "calls": self.calls}
