"""One step's state and a milestone, as the run-state fold builds them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drp_console.journal.timing import Instant, span

FINISHED = frozenset({"succeeded", "failed", "skipped"})
"""Step statuses that end a step."""

LOG_CAP = 500
"""Output lines kept per step."""


@dataclass
class Milestone:
    """The first time a named milestone was reached."""

    name: str
    """detected, aware, declared, mitigated, restored, verified, closed, or a custom word."""
    at: Instant
    """When it was recorded."""
    by: str | None = None
    """The operator who recorded it (or whose step reached it)."""
    step: str | None = None
    """The step that reached it, None when an operator marked it."""
    source: str | None = None
    """`step` or `operator`."""


@dataclass
class StepState:
    """One step's progress as far as the journal tells."""

    id: str
    """The step id."""
    title: str = ""
    """Its title from the runbook (the id when unknown)."""
    type: str | None = None
    """manual, approval, gcp, wait, shell, decision."""
    role: str | None = None
    """Who performs or approves it."""
    budget: float | None = None
    """Seconds the authors expect it to take."""
    milestone: str | None = None
    """The milestone the runbook records when it succeeds."""
    status: str = "pending"
    """pending, running, waiting, succeeded, failed, skipped, unknown."""
    attempts: int = 0
    """Attempts started (or the count `step_finished` reports)."""
    started: Instant | None = None
    """Its first start (or the first question asked about it)."""
    ended: Instant | None = None
    """When it finished (None for a step skipped before it started: it has no span)."""
    finished: Instant | None = None
    """When its latest `step_finished` was journaled, also for a step skipped before it
    started (the report dates the skip by it)."""
    automation: float = 0.0
    """Seconds the console itself worked on it (calls, retry delays, checks)."""
    polling: float = 0.0
    """Seconds between submitting cloud operations and their completion."""
    people: float = 0.0
    """Seconds spent waiting for people's answers."""
    approximate: bool = False
    """Some of its time came from wall clocks (the run crossed a reboot), not monotonic time."""
    call: str | None = None
    """The catalog call of the latest attempt."""
    request_id: str | None = None
    """The requestId of the latest mutating call."""
    args: dict[str, Any] | None = None
    """The resolved (redacted) arguments of the latest call."""
    operation: dict[str, Any] | None = None
    """The latest submitted operation (an OperationRef dict)."""
    operation_status: str | None = None
    """Its last polled status: PENDING, RUNNING, DONE."""
    operation_progress: int | None = None
    """Its last reported progress in percent."""
    result: Any = None
    """The latest call result (redacted, capped)."""
    outputs: dict[str, Any] = field(default_factory=dict)
    """Outputs from `step_finished`."""
    error: dict[str, Any] | None = None
    """The last error: message, code, http_status, transient, hint."""
    retry_in: float | None = None
    """Seconds until the next attempt after the last failure, None when none follows."""
    reason: str | None = None
    """Why it finished as it did (the skip reason for a skipped step)."""
    unknown_reason: str | None = None
    """Why a resume could not tell whether it acted."""
    changed: bool = False
    """It changed something in the cloud."""
    question: dict[str, Any] | None = None
    """The open question to a person (kind, role, prompt, options, checklist, recommended, since)."""
    answers: list[dict[str, Any]] = field(default_factory=list)
    """Every answer given: kind, answer, by, role, reason, checklist, ts."""
    log: list[dict[str, Any]] = field(default_factory=list)
    """Captured output lines (stream, text), the last 500."""
    asked: Instant | None = None
    """When the open question (or the last one) was asked."""
    ticks: dict[int, bool] = field(default_factory=dict)
    """Checklist items ticked (index -> ticked) for the open question, journaled one by one."""
    operations: list[str] = field(default_factory=list)
    """Names of every operation submitted for it, in order."""
    failures: list[dict[str, Any]] = field(default_factory=list)
    """Every failed attempt: attempt, error, retry_in, at (Instant)."""
    unknowns: list[dict[str, Any]] = field(default_factory=list)
    """Every time it became UNKNOWN: reason, at (Instant)."""
    waits: list[list[float]] = field(default_factory=list)
    """People's spans [start, end] on the run's clock (end -1 while open)."""
    polls: list[list[float]] = field(default_factory=list)
    """Operation spans [start, end] on the run's clock (end -1 while open)."""
    resume: dict[str, Any] = field(default_factory=dict)
    """Where the latest attempt got to, for a resume: phase (started, intent, submitted,
    completed, failed_attempt, unknown, rerun, finished), intent, operation, pending, result,
    error, retry_in."""
    _phase: str | None = field(default=None, repr=False)
    _phase_since: Instant | None = field(default=None, repr=False)
    _asked_seq: int = field(default=0, repr=False)

    @property
    def skip_reason(self) -> str | None:
        """The reason it was skipped, None unless skipped."""
        return self.reason if self.status == "skipped" else None

    @property
    def duration(self) -> float | None:
        """Seconds from its start to its end, None until both are known."""
        return span(self.started, self.ended)[0]

    def times(self, now: Instant | None = None) -> dict[str, float]:
        """automation / polling / people seconds, counting an open phase up to `now`."""
        out = {"automation": self.automation, "polling": self.polling, "people": self.people}
        if now is not None and self._phase is not None:
            seconds, _ = span(self._phase_since, now)
            out[self._phase] += seconds or 0.0
        return out

    def _switch(self, phase: str | None, at: Instant) -> None:
        if self._phase is not None:
            seconds, approx = span(self._phase_since, at)
            if seconds is not None:
                setattr(self, self._phase, getattr(self, self._phase) + seconds)
            self.approximate = self.approximate or approx
        self._phase, self._phase_since = phase, at

    def _open(self, spans: list[list[float]], at: Instant) -> None:
        self._close(spans, at)
        spans.append([at.t, -1.0])

    @staticmethod
    def _close(spans: list[list[float]], at: Instant) -> None:
        if spans and spans[-1][1] < 0:
            spans[-1][1] = at.t

    @property
    def checklist_ticked(self) -> list[bool]:
        """The open question's checklist items, each ticked or not (from the journal)."""
        items = (self.question or {}).get("checklist") or []
        return [bool(self.ticks.get(i)) for i in range(len(items))]

    def _begin(self, at: Instant) -> None:
        if self.started is None:
            self.started = at
        if self.status in FINISHED or self.status == "pending":
            self.ended = None
