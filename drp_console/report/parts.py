"""The frozen pieces a post-incident report is made of, one model per section row."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Part(BaseModel):
    """Base of every report model: frozen, no unknown fields.

    The docstring under each field documents it for readers of this module; it is not turned
    into a field description (pydantic's `use_attribute_docstrings` parses this file's source at
    every import, and nothing reads the descriptions). Validators are built on first use
    (`defer_build`), so importing the report costs little until a report is made."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Moment(Part):
    """A point in time, in UTC, in the report's zone, and as an offset from the run's start."""

    utc: str
    """UTC ISO-8601 with offset, as the journal wrote it (`2026-11-27T09:00:00+00:00`)."""
    utc_text: str
    """UTC for people: `2026-11-27 09:00:00 UTC`."""
    local_text: str
    """The same instant in the report's zone: `2026-11-27 10:00:00 CET`."""
    clock: str
    """Short UTC time of day, `09:00:00`, for tables."""
    t: float
    """Seconds since the run started (monotonic within one boot, wall clock across boots)."""
    t_text: str
    """The offset for people: `T+4m05s`."""


class Header(Part):
    """Section 1: what ran, where, when and with what result."""

    run_id: str
    """The run's id (its directory name)."""
    runbook_id: str
    """Id of the runbook that ran."""
    runbook_title: str
    """Its title."""
    runbook_version: str
    """The author's revision number, as text ("" when the runbook has none)."""
    runbook_hash: str
    """SHA-256 of the runbook file as loaded."""
    runbook_path: str
    """Where the runbook file was."""
    mode: str
    """`live`, `simulate` or `training`."""
    scenario: str
    """Scenario id and title for simulated runs, "" for live runs."""
    speed: float
    """Simulation speed (1 = real time)."""
    project: str
    """GCP project."""
    regions: tuple[str, ...]
    """GCP regions the run concerned."""
    tool_version: str
    """drp-console version that ran it."""
    zone: str
    """IANA name of the report's second time zone."""
    zone_is_utc: bool
    """The zone shows the same clock as UTC (UTC, Etc/UTC, GMT ...): times are printed once."""
    started: Moment
    """First event (`run_started`)."""
    ended: Moment | None
    """`run_finished`; None when the run has not finished (in progress or interrupted)."""
    last_event: Moment
    """The journal's last event (`run_finished` when the run finished)."""
    finished: bool
    """Whether the journal has `run_finished`. When it has not, `duration_s` and the open steps'
    durations are counted up to `last_event` only, and the report marks them so."""
    duration_s: float
    """Seconds from start to end, or to the last event when the run has not finished."""
    status: str
    """`succeeded`, `failed` or `aborted` (from `run_finished`); without it, `in progress` (the
    caller says so, or a console holds the run's lock) or `interrupted`."""
    reason: str
    """Why the run ended so, from `run_finished` ("" when none was given); for a run that has
    not finished, what that means."""
    resumed: int
    """How many times the run was resumed."""


class Person(Part):
    """Section 2: one person who acted in the run."""

    name: str
    """Operator or approver name."""
    roles: tuple[str, ...]
    """Roles they acted in (from answers and the steps they answered)."""
    answers: int
    """How many prompts they answered."""
    events: int
    """How many journal events carry their name."""
    first: Moment
    """First event naming them."""


class Approval(Part):
    """Section 2: one go/no-go answer."""

    step: str
    """The approval step."""
    title: str
    """Its title."""
    answer: str
    """`approve` or `reject`."""
    by: str
    """Approver's name."""
    role: str
    """Approver's role."""
    reason: str
    """Reason given, if any."""
    at: Moment
    """When it was given."""


class Objective(Part):
    """Section 3: one recovery objective measured against its target."""

    name: str
    """`RTO` or `RPO`."""
    target_s: float | None
    """Target from the runbook in seconds, None when the runbook sets none."""
    achieved_s: float | None
    """Achieved in seconds, None when the journal cannot tell."""
    verdict: str
    """`met`, `missed`, `not measured`, `no target`, or for the RTO of a run simulated at another
    speed than 1, `not comparable at 60x` (the RPO is data time: judged at any speed)."""
    measured: str
    """What it was measured between, in words."""


class MilestoneRow(Part):
    """Section 4: one milestone."""

    name: str
    """`detected`, `aware`, ... or a custom word."""
    at: Moment | None
    """When it was recorded; None when it never was."""
    step: str
    """Step that recorded it ("" when an operator did)."""
    source: str
    """`step`, `operator`, or "" when not recorded."""
    by: str
    """The operator of the console when it was recorded (for source `operator`, the person who
    recorded it by hand; "" when not recorded)."""


class Interval(Part):
    """A span of a step's life, in seconds since the run start."""

    start: float
    """Start offset."""
    end: float
    """End offset."""


class StepRow(Part):
    """Sections 5 and 6: one step of the runbook and what became of it."""

    id: str
    """Step id."""
    title: str
    """Step title."""
    type: str
    """Step type."""
    role: str
    """Role that performs it ("" when none)."""
    status: str
    """`succeeded`, `failed`, `skipped`, `unknown`, `running`, `waiting` or `not run`."""
    start: Moment | None
    """First `step_started` (None for steps that never started)."""
    end: Moment | None
    """`step_finished` (None when it did not finish)."""
    duration_s: float | None
    """End minus start; for a step that started and has not finished (`unfinished`), up to the
    report's last event; None for a step that never started."""
    unfinished: bool
    """The step started and has no `step_finished`: `duration_s` is a lower bound."""
    automation_s: float
    """Time the console spent working (calls, checks, commands)."""
    polling_s: float
    """Time spent waiting for cloud operations to finish."""
    people_s: float
    """Time spent waiting for people's answers."""
    attempts: int
    """Attempts made."""
    reason: str
    """Skip reason or failure reason ("" when none)."""
    operations: tuple[str, ...]
    """Cloud operation names submitted."""
    changed: bool
    """Whether the step changed anything."""
    budget_s: float | None
    """Budget the authors set, in seconds."""
    overrun_s: float
    """Seconds over budget (0 when within it or without one). In a simulated run an automated
    step's duration counts times the speed, as the engine counts it; people's steps as they are."""
    critical: bool
    """On the critical path of this run."""
    milestone: str
    """Milestone the step records ("" when none)."""
    waits: tuple[Interval, ...]
    """Spans spent waiting for people."""
    polls: tuple[Interval, ...]
    """Spans spent polling operations."""
    outputs: dict[str, object]
    """The step's outputs (redacted)."""


class Deviation(Part):
    """Section 7: something that did not go as planned."""

    kind: str
    """`skip`, `retry`, `failure`, `recovery`, `decision`, `unknown`, `override`, `pause`,
    `resume`."""
    step: str
    """Step concerned ("" for the whole run)."""
    at: Moment
    """When it happened."""
    text: str
    """What happened, in words."""
    by: str
    """Who decided ("" when the console did)."""


class NoteRow(Part):
    """Section 8: a note or decision, with its author."""

    at: Moment
    """When it was written."""
    by: str
    """Its author."""
    tag: str
    """`decision`, `observation`, `blocker`, `action` or ""."""
    step: str
    """Step it is about ("" when none)."""
    text: str
    """The note (redacted)."""


class Parameter(Part):
    """Section 1: one parameter of the run, as resolved and journaled."""

    name: str
    """The parameter's name."""
    value: str
    """Its value as text (JSON for lists and numbers); `***` for a secret."""
    secret: bool
    """The runbook marks it secret: its value is never shown."""


class Problem(Part):
    """Section 9: an error or warning."""

    level: str
    """`error` or `warning`."""
    step: str
    """Step concerned ("" for the run)."""
    at: Moment
    """When it was journaled."""
    text: str
    """The message."""
    code: str
    """Error code (`ZONE_RESOURCE_POOL_EXHAUSTED`, `notFound`; "" when none)."""
    hint: str
    """What to do about it ("" when none)."""


class ResourceRow(Part):
    """Section 10: a cloud resource the run created, and whether it was torn down."""

    kind: str
    """Resource kind (`instance`, `sql_instance`, ...)."""
    name: str
    """Resource name."""
    location: str
    """Zone or region ("" when global)."""
    created_by: str
    """Step that created it."""
    created: Moment
    """When it was created."""
    deleted_by: str
    """Step that deleted it ("" while it still exists)."""
    deleted: Moment | None
    """When it was deleted, None while it still exists."""


class BreachClock(Part):
    """Section 11: the GDPR Art. 33 72-hour notification clock."""

    aware: Moment | None
    """Milestone `aware` (the clock's start); None when never recorded."""
    deadline_utc: str
    """Aware + 72 hours, for people, in UTC ("" without `aware`)."""
    deadline_local: str
    """The deadline in the report's zone."""
    authority: Moment | None
    """When the supervisory authority was notified."""
    subjects: Moment | None
    """When the data subjects were notified."""
    status: str
    """`authority notified in time`, `authority notified late`, `not notified, time left` ..."""
    margin_s: float | None
    """Seconds left before the deadline at notification (or at the report's end); negative = overrun."""
    data_categories: tuple[str, ...] = ()
    """Categories of personal data concerned, as recorded (notes tagged `data-categories`)."""
    data_subjects: tuple[str, ...] = ()
    """Data subjects concerned, who and how many, as recorded (notes tagged `data-subjects`)."""


class ActionItem(Part):
    """Section 12: an improvement action from a note tagged `action`."""

    id: str
    """Its stable id, `A1`, `A2`, ... (the notes tagged `action`, in order)."""
    text: str
    """What should be done."""
    raised_by: str
    """Who raised it."""
    at: Moment
    """When."""
    step: str
    """Step it came from ("" when none)."""
    owner: str
    """Who will do it: given with the note or later (`drp report RUN --action A1 owner=...`);
    "" while nobody is named."""
    due: str
    """Due date, `YYYY-MM-DD` ("" while none is set)."""
    updated_by: str
    """Who last set its owner or due date after it was raised ("" when nobody did)."""
    updated: Moment | None
    """When they did (None when nobody did)."""


class Integrity(Part):
    """Section 13: how to check that the report matches its journal."""

    sha256: str
    """SHA-256 of `journal.jsonl` (or of its events, one compact JSON line each)."""
    events: int
    """Number of events."""
    first_seq: int
    """First sequence number."""
    last_seq: int
    """Last sequence number."""
    gaps: tuple[int, ...]
    """Sequence numbers missing from the journal (should be empty)."""
    boots: int
    """Number of machine boots the run spans (monotonic times compare within one)."""
    wall_clock_spans: int
    """Spans measured by wall clock because they cross a reboot."""
