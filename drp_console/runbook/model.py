"""The runbook model (format drp/v1): frozen, strict pydantic classes, one per YAML mapping.

Field names are the YAML keys (`with` is `with_`, aliased). Durations are written as strings
(`90s`, `1h30m`) and held as float seconds; they serialise back to strings, so
`Runbook.from_doc(runbook.to_doc())` round-trips (the engine journals the document and rebuilds
the runbook from it on resume).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
)

from drp_console.runbook.durations import (
    DURATION_PATTERN,
    duration_text,
    parse_duration,
)
from drp_console.runbook.milestones import MILESTONES

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"
MILESTONE_PATTERN = r"^[a-z][a-z0-9-]*$"
ROLE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
REGION_PATTERN = r"^[a-z]+-[a-z]+[0-9]+$"
KNOWN_MILESTONES = MILESTONES
MODES = ("live", "simulate", "training")
STEP_TYPES = ("manual", "approval", "gcp", "wait", "shell", "decision")


def _to_seconds(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError("a duration is text like 90s, 5m, 1h30m or 2d")
    raise ValueError(f"{value} has no unit: write a duration like {value}s or {value}m")


Duration = Annotated[
    float,
    BeforeValidator(_to_seconds),
    PlainSerializer(duration_text, return_type=str),
    WithJsonSchema({"type": "string", "pattern": DURATION_PATTERN,
                    "examples": ["90s", "5m", "1h30m", "2d"]}),
]
"""Seconds, written as a duration string."""

Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Name = Annotated[str, StringConstraints(pattern=NAME_PATTERN)]
Mode = Literal["live", "simulate", "training"]


class _Model(BaseModel):
    # The attribute docstrings below are the schema's field descriptions; `runbook.schema`
    # attaches them when a schema is generated, not at every import (pydantic's
    # `use_attribute_docstrings` would parse this file's source on every start).
    model_config = ConfigDict(
        frozen=True, strict=True, extra="forbid", populate_by_name=True,
    )


class Objectives(_Model):
    """Recovery targets the report measures the run against."""

    rto: Duration | None = None
    """Recovery time objective: from detection (or declaration) to milestone `restored`."""
    rpo: Duration | None = None
    """Recovery point objective: the most data, in time, the business accepts to lose."""


class Parameter(_Model):
    """A value the operator supplies at start (`-p name=value`), or its default."""

    description: str = ""
    """What the value is, shown when asking for it and in `drp plan`."""
    default: str | int | bool | None = None
    """The value when none is given. Its type (text, integer, true/false) is the parameter's."""
    required: bool | None = None
    """Whether a value must be given; by default, required when there is no default."""
    secret: bool = False
    """Never written in clear to the journal, a report or the screen."""
    pattern: str | None = None
    """A regular expression the whole value must match."""
    choices: list[str | int] | None = None
    """The only values allowed (compared as text)."""
    from_alert: Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")] | None \
        = None
    """A run started by an alert (`drp run --alert`) takes the value from the incident, by its
    dotted path under `incident`, e.g. `resource.labels.database_id` (addition)."""

    @property
    def is_required(self) -> bool:
        """True when the operator must give a value."""
        return self.required if self.required is not None else self.default is None


class Retry(_Model):
    """How often a step is tried again after a transient failure."""

    attempts: Annotated[int, Field(ge=1, le=100)] = 1
    """Tries in all, the first included."""
    delay: Duration = 0.0
    """Wait before the second try."""
    backoff: Annotated[float, Field(ge=1, le=10)] = 1.0
    """Each further wait is the previous one times this."""


class StepBase(_Model):
    """What every step has."""

    id: Id
    """Unique in the runbook: lower-case letters, digits and dashes."""
    title: str
    """One line saying what the step does."""
    role: str | None = None
    """Who performs or approves it: a key of the runbook's `roles`."""
    needs: list[str] | None = None
    """Step ids this one waits for. Absent: the previous step; `[]`: starts at once."""
    when: str | None = None
    """An expression; when false the step is skipped with that reason."""
    modes: list[Mode] | None = None
    """The modes the step runs in; skipped in the others. Absent: all modes."""
    budget: Duration | None = None
    """How long the authors expect the step to take; overruns are shown and reported."""
    timeout: Duration | None = None
    """The step fails when it runs longer than this."""
    retry: Retry = Retry()
    """Tries again after transient failures (HTTP 429, 5xx, connection errors)."""
    on_failure: str = "abort"
    """`abort` (start nothing new), `continue` (dependents still run), or a step id to run."""
    milestone: Annotated[str, StringConstraints(pattern=MILESTONE_PATTERN)] | None = None
    """Recorded when the step succeeds: detected, aware, declared, mitigated, restored,
    verified, closed, or another word."""
    instructions: str | None = None
    """Markdown shown to the operator; templated."""
    explain: str | None = None
    """Markdown shown in training mode only: why the step is there."""
    confirm: str | None = None
    """Text the operator must type before the step acts in live mode; templated."""


class ManualStep(StepBase):
    """A person does the work and marks it done."""

    type: Literal["manual"]
    """`manual`."""
    checklist: list[str] = []
    """Items the operator must tick before marking the step done."""


class ApprovalStep(StepBase):
    """A go/no-go gate: approved, or rejected (the step fails)."""

    type: Literal["approval"]
    """`approval`."""
    prompt: str | None = None
    """The question put to the approver; templated."""


class GcpStep(StepBase):
    """One call from the action catalog; a long-running operation is polled until done."""

    type: Literal["gcp"]
    """`gcp`."""
    call: str
    """A call of the action catalog, e.g. `sql.instances.promoteReplica`."""
    with_: dict[str, Any] = Field(default={}, alias="with")
    """The call's arguments by their REST names; strings are templated."""
    check: str | None = None
    """An expression over `result` that must hold, or the step fails."""
    outputs: dict[Name, str] = {}
    """Output name -> expression over `result`, kept for later steps."""


class WaitStep(StepBase):
    """Repeats a read-only call until a condition holds."""

    type: Literal["wait"]
    """`wait`."""
    call: str
    """A read call of the action catalog."""
    with_: dict[str, Any] = Field(default={}, alias="with")
    """The call's arguments by their REST names; strings are templated."""
    until: str
    """An expression over `result`; the step succeeds when it holds."""
    interval: Duration = 10.0
    """Time between two calls."""
    outputs: dict[Name, str] = {}
    """Output name -> expression over the last `result` (addition to drp/v1)."""


class ShellStep(StepBase):
    """Runs a local command without a shell and captures its output."""

    type: Literal["shell"]
    """`shell`."""
    run: Annotated[list[str], Field(min_length=1)]
    """The command as an argument list; each element is templated."""
    env: dict[str, str] = {}
    """Extra environment variables."""
    cwd: str | None = None
    """Working directory."""


class DecisionStep(StepBase):
    """The operator picks one option; the other options' targets are skipped."""

    type: Literal["decision"]
    """`decision`."""
    prompt: str | None = None
    """The question; templated."""
    options: Annotated[dict[str, str], Field(min_length=1)]
    """Option label -> the step id it leads to, in file order."""
    recommended: str | None = None
    """The label the authors expect; used for training hints and scores."""


Step = Annotated[
    ManualStep | ApprovalStep | GcpStep | WaitStep | ShellStep | DecisionStep,
    Field(discriminator="type"),
]
"""One step of a runbook, by its `type`."""


class Runbook(_Model):
    """A disaster-recovery runbook: parameters, roles, objectives and the steps."""

    format: Literal["drp/v1"]
    """The format version: `drp/v1`."""
    id: Id
    """Unique in a runbook directory: lower-case letters, digits and dashes."""
    title: str
    """Display name."""
    version: int | None = None
    """The author's revision number."""
    owner: str | None = None
    """The team that keeps the runbook true."""
    summary: str | None = None
    """Markdown: when to use this runbook."""
    tags: list[str] = []
    """Free labels for finding runbooks."""
    objectives: Objectives = Objectives()
    """RTO and RPO targets."""
    review_every: Duration | None = None
    """How often the runbook must be tested, live or in a game-day at speed 1 (e.g. `90d`):
    `drp history` lists it as overdue when its last such drill is older (addition)."""
    allowed_regions: Annotated[list[Annotated[str, StringConstraints(pattern=REGION_PATTERN)]],
                               Field(min_length=1)] | None = None
    """Residency guard: the only regions (e.g. `europe-west1`) the runbook's calls may act in;
    validate, plan and the engine refuse a zone or region outside them. A `drp.toml` may set a
    project-wide default that applies as well (addition)."""
    triggers: list[str] = []
    """Cloud Monitoring alerting policy names (`incident.policy_name`) that start this runbook:
    `drp alerts match` lists it for their incidents (addition)."""
    breach_clock: bool = False
    """Shows the GDPR Art. 33 72-hour notification deadline, counted from milestone `aware`."""
    scenario: str | None = None
    """Path of the default simulation scenario, relative to the runbook file (addition)."""
    parameters: dict[Name, Parameter] = {}
    """Parameter name -> definition."""
    roles: dict[Annotated[str, StringConstraints(pattern=ROLE_PATTERN)], str] = {}
    """Role id -> description; a step's `role` names one of them."""
    steps: Annotated[list[Step], Field(min_length=1)]
    """The steps, in order."""

    _source_hash: str = PrivateAttr(default="")
    _source_path: Path | None = PrivateAttr(default=None)
    _root_node: Any = PrivateAttr(default=None)
    _index: dict[str, int] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any) -> None:
        index: dict[str, int] = {}
        for i, step in enumerate(self.steps):
            index.setdefault(step.id, i)
        self._index = index

    @property
    def source_hash(self) -> str:
        """sha256 (hex) of the file's bytes, set by the loader; empty for built runbooks."""
        return self._source_hash

    @property
    def source_path(self) -> Path | None:
        """The file the runbook was loaded from, if any."""
        return self._source_path

    def scenario_path(self) -> Path | None:
        """`scenario` resolved against the runbook file's directory."""
        if self.scenario is None:
            return None
        base = self._source_path.parent if self._source_path else Path.cwd()
        return (base / self.scenario).resolve()

    def step(self, step_id: str) -> Step:
        """The step with this id; KeyError when there is none."""
        return self.steps[self._index[step_id]]

    def has_step(self, step_id: str) -> bool:
        """Whether a step has this id."""
        return step_id in self._index

    def position(self, step_id: str) -> int:
        """The step's index in the list."""
        return self._index[step_id]

    def needs(self, step_id: str) -> tuple[str, ...]:
        """The ids the step waits for: explicit `needs`, else the previous step (first: none)."""
        i = self._index[step_id]
        step = self.steps[i]
        if step.needs is not None:
            return tuple(step.needs)
        return (self.steps[i - 1].id,) if i > 0 else ()

    def conditional_targets(self) -> set[str]:
        """Steps that run only when chosen: decision option targets and on_failure step ids."""
        out: set[str] = set()
        for step in self.steps:
            if isinstance(step, DecisionStep):
                out.update(step.options.values())
            if step.on_failure not in ("abort", "continue"):
                out.add(step.on_failure)
        return out

    def measures_rpo(self) -> bool:
        """Whether a step of this runbook can record a restore point (a backup restored, a clone
        to a point in time), so that the RPO achieved can be measured; the catalog says which
        calls restore."""
        from drp_console.runbook.catalog import lookup

        for step in self.steps:
            call = lookup(getattr(step, "call", "") or "")
            if call is not None and call.restores and (
                    call.restore_arg is None or call.restore_arg in getattr(step, "with_", {})):
                return True
        return False

    def step_milestones(self) -> set[str]:
        """The milestones its steps record when they succeed."""
        return {step.milestone for step in self.steps if step.milestone}

    def to_doc(self) -> dict[str, Any]:
        """The runbook as JSON-ready data, as written in YAML (for the journal)."""
        return self.model_dump(mode="json", by_alias=True, exclude_defaults=True)

    @classmethod
    def from_doc(cls, doc: dict[str, Any], source_hash: str = "") -> Runbook:
        """Rebuild a runbook from `to_doc()` data (a resumed run's journal)."""
        runbook = cls.model_validate(doc)
        runbook._source_hash = source_hash
        return runbook


def step_types() -> dict[str, type[StepBase]]:
    """Step type name -> its model class."""
    return {"manual": ManualStep, "approval": ApprovalStep, "gcp": GcpStep, "wait": WaitStep,
            "shell": ShellStep, "decision": DecisionStep}
