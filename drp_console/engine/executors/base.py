"""What every executor receives (StepRun) and returns (StepResult), and how it fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from drp_console.runbook.durations import format_duration

if TYPE_CHECKING:
    from drp_console.engine.clock import Clock
    from drp_console.engine.context import RunContext
    from drp_console.engine.resume import ResumeHint
    from drp_console.engine.responder import Answer, Question
    from drp_console.gcp.clients import Cloud
    from drp_console.journal.event_types import Record
    from drp_console.runbook.catalog import Call
    from drp_console.runbook.model import Runbook

RESULT_CAP = 16 * 1024
"""Largest `result` journaled in `call_completed`, in bytes of JSON."""


class StepFailure(Exception):
    """One attempt of a step failed; `transient` failures may be retried automatically."""

    def __init__(self, message: str, *, code: str | None = None, http_status: int | None = None,
                 transient: bool = False, hint: str | None = None,
                 maybe_applied: bool = False) -> None:
        super().__init__(message)
        self.maybe_applied = maybe_applied
        """The call may have acted (no answer to a mutating call without requestId): the
        operator is asked, as on resume; it is never retried by itself."""
        self.message = message
        self.code = code
        self.http_status = http_status
        self.transient = transient
        self.hint = hint

    @classmethod
    def from_cloud_error(cls, err: Any) -> StepFailure:
        """Wrap an `actions.CloudError` (or anything shaped like one)."""
        return cls(
            getattr(err, "message", None) or str(err),
            code=getattr(err, "code", None),
            http_status=getattr(err, "http_status", None),
            transient=bool(getattr(err, "transient", False)),
            hint=getattr(err, "hint", None),
        )

    def to_dict(self) -> dict[str, Any]:
        """The `error` field of an `attempt_failed` event."""
        return {"message": self.message, "code": self.code, "http_status": self.http_status,
                "transient": self.transient, "hint": self.hint}


class OperatorSkip(Exception):
    """The operator skipped a step while it waited for people."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class StepResult:
    """How an attempt ended when it did not fail."""

    outputs: dict[str, Any] = field(default_factory=dict)
    """Values later steps read as `steps['<id>'].outputs`."""
    changed: bool = False
    """Whether the step changed something (a mutating call, a shell command)."""
    status: str = "succeeded"
    """`succeeded`, or `skipped` (a confirmation cancelled and skipped, say)."""
    reason: str | None = None
    """Why, when the status needs explaining."""


class StepHost(Protocol):
    """What an executor may use of the engine running it (and nothing more)."""

    @property
    def runbook(self) -> Runbook:
        """The runbook being run."""

    @property
    def ctx(self) -> RunContext:
        """The run's fixed facts: id, mode, params, operator, speed, project."""

    @property
    def cloud(self) -> Cloud | None:
        """The Google Cloud clients (live or the simulator); None when the run has none."""

    @property
    def clock(self) -> Clock:
        """Monotonic time and sleeping."""

    async def emit(self, record: Record) -> dict[str, Any]:
        """Journal an event (a typed record); returns it once it is durable."""

    async def ask(self, question: Question) -> Answer:
        """Ask people (journaled), waiting for a valid answer."""

    def render(self, text: str) -> str:
        """A template rendered in the run's context."""

    def render_value(self, value: Any) -> Any:
        """Every string inside a value rendered."""

    def render_args(self, args: dict[str, Any] | None, call: Call) -> dict[str, Any]:
        """A step's `with`, rendered and converted to the call's argument types."""

    def evaluate(self, expr: str, result: Any = None) -> Any:
        """An expression evaluated in the run's context (with `result` when given)."""

    def status_of(self, step_id: str) -> str | None:
        """A step's status now (pending, running, ..., succeeded), None for an unknown id."""

    async def call_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking client call off the event loop."""


@dataclass
class StepRun:
    """One attempt of one step, with everything an executor may use."""

    host: StepHost
    """What the executor may use of the engine: `emit`, `ask`, templates, `ctx`, `cloud`."""
    step: Any
    """The runbook step model."""
    attempt: int
    """Attempt number, from 1, counted over the whole run."""
    deadline: float | None = None
    """Monotonic time by which the attempt must end (timeout, already scaled by speed)."""
    resume: ResumeHint | None = None
    """Where a resumed run picks this attempt up (operation to poll, call to re-send)."""

    def time_left(self) -> float | None:
        """Seconds to the deadline (None: no deadline)."""
        if self.deadline is None:
            return None
        return self.deadline - self.host.clock.monotonic()

    def check_deadline(self, what: str) -> None:
        """Raise a permanent failure when the step's timeout has run out."""
        left = self.time_left()
        if left is not None and left <= 0:
            timeout = getattr(self.step, "timeout", None) or 0
            raise StepFailure(
                f"timed out after {format_duration(timeout)} {what}",
                code="timeout",
                hint="check the resource by hand; retry the step or raise its timeout",
            )


def cap_result(result: Any) -> Any:
    """The result as journaled: itself when small, else a marker with its size."""
    try:
        text = json.dumps(result, default=str)
    except (TypeError, ValueError):
        return {"_unserialisable": str(type(result))}
    if len(text) <= RESULT_CAP:
        return result
    return {"_truncated": True, "bytes": len(text)}
