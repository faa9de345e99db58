"""Every journal event type, declared once: its name and a typed record of its fields.

This is the one module that spells event-type names. Writers build a record
(`StepStarted(step="a", attempt=1)`) and hand it to `Journal.write`; readers compare
`event["type"]` with `EventType` members (a `StrEnum`, so a member equals its journaled text).
The header every line carries (`v`, `seq`, `ts`, `mono`, `boot`, `type`, `operator`) is added by
the journal, not declared here. Old journals stay readable: the fold reads fields with defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any, ClassVar


class EventType(StrEnum):
    """The `type` of a journal event."""

    RUN_STARTED = "run_started"
    RUN_RESUMED = "run_resumed"
    STEP_STARTED = "step_started"
    CALL_INTENT = "call_intent"
    OPERATION_SUBMITTED = "operation_submitted"
    OPERATION_PROGRESS = "operation_progress"
    CALL_COMPLETED = "call_completed"
    ATTEMPT_FAILED = "attempt_failed"
    WAITING = "waiting"
    ANSWERED = "answered"
    CHECKLIST_TICKED = "checklist_ticked"
    STEP_UNKNOWN = "step_unknown"
    OUTPUT = "output"
    STEP_FINISHED = "step_finished"
    RESTORE_POINT = "restore_point"
    RESOURCE_CREATED = "resource_created"
    RESOURCE_DELETED = "resource_deleted"
    MILESTONE = "milestone"
    NOTE = "note"
    RUN_PAUSED = "run_paused"
    RUN_UNPAUSED = "run_unpaused"
    WARNING = "warning"
    RUN_FINISHED = "run_finished"
    ACTION_UPDATED = "action_updated"


@dataclass(frozen=True, slots=True)
class Record:
    """The fields of one event, as the engine writes them."""

    TYPE: ClassVar[EventType]

    def fields(self) -> dict[str, Any]:
        """The event's own fields (without the journal's header), in declaration order."""
        return {name: getattr(self, name) for name in _field_names(type(self))}


_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _NAMES.get(cls)
    if names is None:
        names = _NAMES[cls] = tuple(f.name for f in fields(cls))
    return names


@dataclass(frozen=True, slots=True)
class RunStarted(Record):
    """A new run: what runs, how, where (the first event of every journal)."""

    TYPE: ClassVar[EventType] = EventType.RUN_STARTED
    run_id: str
    runbook: dict[str, Any]
    """id, title, version, hash, path."""
    runbook_doc: dict[str, Any]
    """The runbook as JSON (`Runbook.to_doc()`); `Runbook.from_doc` rebuilds it."""
    params: dict[str, Any]
    """Resolved parameters, secrets as `***`."""
    secret_params: list[str]
    mode: str
    """live, simulate, training."""
    scenario: dict[str, Any] | None
    project: str | None
    regions: list[str]
    incident_start: str | None
    tool_version: str
    host: str
    pid: int
    sim_endpoint: str | None = None
    residency: list[dict[str, Any]] | None = None
    """The residency rules the engine applies (`runbook.residency.Rule.to_dict()`)."""
    alert: dict[str, Any] | None = None
    """The Cloud Monitoring incident that started the run (`drp run --alert`)."""


@dataclass(frozen=True, slots=True)
class RunResumed(Record):
    """The run was reopened (after a crash, a quit or a takeover)."""

    TYPE: ClassVar[EventType] = EventType.RUN_RESUMED
    host: str
    pid: int
    took_over_from: str | None = None
    """Who drove the run before, when someone else resumes it (a takeover); left out otherwise."""

    def fields(self) -> dict[str, Any]:
        """As `Record.fields`, without `took_over_from` when the same person resumes."""
        data = Record.fields(self)
        if self.took_over_from is None:
            del data["took_over_from"]
        return data


@dataclass(frozen=True, slots=True)
class StepStarted(Record):
    """An attempt of a step began."""

    TYPE: ClassVar[EventType] = EventType.STEP_STARTED
    step: str
    attempt: int


@dataclass(frozen=True, slots=True)
class CallIntent(Record):
    """About to send a call (durable before a mutating call or a shell command starts)."""

    TYPE: ClassVar[EventType] = EventType.CALL_INTENT
    step: str
    attempt: int
    call: str
    request_id: str | None
    args: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OperationSubmitted(Record):
    """A long-running cloud operation was accepted; `pending` effects land when it succeeds."""

    TYPE: ClassVar[EventType] = EventType.OPERATION_SUBMITTED
    step: str
    attempt: int
    operation: dict[str, Any]
    pending: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class OperationProgress(Record):
    """An operation's status or progress changed."""

    TYPE: ClassVar[EventType] = EventType.OPERATION_PROGRESS
    step: str
    operation: str
    status: str
    progress: int | None


@dataclass(frozen=True, slots=True)
class CallCompleted(Record):
    """A call (or a polled operation) answered; the result is redacted and capped."""

    TYPE: ClassVar[EventType] = EventType.CALL_COMPLETED
    step: str
    attempt: int
    result: Any


@dataclass(frozen=True, slots=True)
class AttemptFailed(Record):
    """An attempt failed; `retry_in` seconds until the next one, None when none follows."""

    TYPE: ClassVar[EventType] = EventType.ATTEMPT_FAILED
    step: str
    attempt: int
    error: dict[str, Any]
    retry_in: float | None


@dataclass(frozen=True, slots=True)
class Waiting(Record):
    """A question to a person is open."""

    TYPE: ClassVar[EventType] = EventType.WAITING
    step: str
    kind: str
    """manual, approval, decision, confirm, failed, unknown."""
    role: str | None
    prompt: str
    options: list[str]
    checklist: list[str]
    recommended: str | None


@dataclass(frozen=True, slots=True)
class Answered(Record):
    """A person answered the open question of a step."""

    TYPE: ClassVar[EventType] = EventType.ANSWERED
    step: str
    kind: str
    answer: str
    by: str | None
    role: str | None
    reason: str | None
    checklist: list[Any] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ChecklistTicked(Record):
    """A person ticked (or unticked) one checklist item of a step, before answering it."""

    TYPE: ClassVar[EventType] = EventType.CHECKLIST_TICKED
    step: str
    item: int
    """The item's index in the step's checklist."""
    text: str
    checked: bool
    by: str | None


@dataclass(frozen=True, slots=True)
class StepUnknown(Record):
    """A resume (or a call without a clear answer) cannot tell whether the step acted."""

    TYPE: ClassVar[EventType] = EventType.STEP_UNKNOWN
    step: str
    attempt: int
    reason: str


@dataclass(frozen=True, slots=True)
class Output(Record):
    """Captured output of a shell step (capped)."""

    TYPE: ClassVar[EventType] = EventType.OUTPUT
    step: str
    stream: str
    text: str


@dataclass(frozen=True, slots=True)
class StepFinished(Record):
    """A step ended: succeeded, failed or skipped."""

    TYPE: ClassVar[EventType] = EventType.STEP_FINISHED
    step: str
    status: str
    reason: str | None
    outputs: dict[str, Any]
    changed: bool
    attempts: int


@dataclass(frozen=True, slots=True)
class RestorePoint(Record):
    """The data a restore brought back: a backup or a point in time."""

    TYPE: ClassVar[EventType] = EventType.RESTORE_POINT
    step: str
    kind: str
    """backup, point_in_time, replica_lag (a promoted replica), switchover."""
    at: str | None
    backup_run_id: str | None
    lag_seconds: float | None = None
    """The replica's measured lag (replica_lag), None otherwise."""


@dataclass(frozen=True, slots=True)
class ResourceCreated(Record):
    """A step created a cloud resource {kind, name, location}."""

    TYPE: ClassVar[EventType] = EventType.RESOURCE_CREATED
    step: str
    resource: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ResourceDeleted(Record):
    """A step deleted a cloud resource {kind, name, location}."""

    TYPE: ClassVar[EventType] = EventType.RESOURCE_DELETED
    step: str
    resource: dict[str, Any]


@dataclass(frozen=True, slots=True)
class MilestoneReached(Record):
    """A milestone (see `journal.milestones`), by a step or by an operator's word."""

    TYPE: ClassVar[EventType] = EventType.MILESTONE
    name: str
    step: str | None
    source: str
    """step, operator, alert."""
    occurred_at: str | None = None
    """When it happened, if before it was journaled (ISO-8601): an alert's incident start for
    `detected`; the run's clocks count from this time."""


@dataclass(frozen=True, slots=True)
class Note(Record):
    """An operator's note (decision, observation, blocker, action)."""

    TYPE: ClassVar[EventType] = EventType.NOTE
    text: str
    tag: str | None
    step: str | None = None
    owner: str | None = None
    """For an `action`: who will do it (None when not given; older journals have no field)."""
    due: str | None = None
    """For an `action`: the due date, `YYYY-MM-DD` (None when not given)."""

    def fields(self) -> dict[str, Any]:
        """As `Record.fields`, without an owner or due date that was not given (a note
        journals as it always did unless they are)."""
        data = Record.fields(self)
        for name in ("owner", "due"):
            if data[name] is None:
                del data[name]
        return data


@dataclass(frozen=True, slots=True)
class RunPaused(Record):
    """No new step starts until unpaused."""

    TYPE: ClassVar[EventType] = EventType.RUN_PAUSED
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RunUnpaused(Record):
    """Steps may start again."""

    TYPE: ClassVar[EventType] = EventType.RUN_UNPAUSED
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class RunWarning(Record):
    """Something a person should know (budget overrun, re-sent call, bad answer)."""

    TYPE: ClassVar[EventType] = EventType.WARNING
    message: str
    step: str | None = None


@dataclass(frozen=True, slots=True)
class RunFinished(Record):
    """The run ended: succeeded, failed or aborted."""

    TYPE: ClassVar[EventType] = EventType.RUN_FINISHED
    status: str
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class ActionUpdated(Record):
    """An improvement action's owner or due date set after it was raised (`drp report RUN
    --action A1 owner=... due=...`), possibly after the run finished. The latest one counts."""

    TYPE: ClassVar[EventType] = EventType.ACTION_UPDATED
    action: str
    """The action's id in the report: `A1`, `A2`, ... (the notes tagged `action`, in order)."""
    owner: str | None = None
    """The new owner (None: unchanged)."""
    due: str | None = None
    """The new due date, `YYYY-MM-DD` (None: unchanged)."""


RECORDS: dict[EventType, type[Record]] = {
    cls.TYPE: cls
    for cls in (
        RunStarted, RunResumed, StepStarted, CallIntent, OperationSubmitted, OperationProgress,
        CallCompleted, AttemptFailed, Waiting, Answered, ChecklistTicked, StepUnknown, Output,
        StepFinished, RestorePoint, ResourceCreated, ResourceDeleted, MilestoneReached, Note,
        RunPaused, RunUnpaused, RunWarning, RunFinished, ActionUpdated,
    )
}
"""Event type -> its record class (every type has one)."""

STEP_EVENTS = frozenset(t for t, cls in RECORDS.items() if "step" in _field_names(cls)
                        and t not in (EventType.MILESTONE, EventType.NOTE, EventType.WARNING))
"""Event types that belong to one step (their `step` field is required)."""
