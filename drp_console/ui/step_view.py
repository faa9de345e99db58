"""One step as the console shows it, and the steps of a runbook document with their branches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from drp_console.runbook.durations import seconds_of

STATUS_ICON = {
    "pending": ("○", "pending"),
    "running": ("◐", "running"),
    "waiting": ("◆", "waiting"),
    "succeeded": ("✔", "done"),
    "failed": ("✘", "failed"),
    "skipped": ("⊘", "skipped"),
    "unknown": ("?", "UNKNOWN"),
}
"""Status -> (icon, word): the word is always shown, colour never carries meaning alone."""




@dataclass
class StepView:
    """One step as the console shows it."""

    id: str
    """The step id."""
    title: str
    """One line from the runbook."""
    type: str
    """manual, approval, gcp, wait, shell, decision."""
    doc: dict
    """The step as written in the runbook document (instructions, checklist, call, ...)."""
    role: str | None = None
    """Who performs or approves it."""
    budget: float | None = None
    """Seconds the authors expect it to take."""
    parallel: bool = False
    """Runs beside at least one other step (same depth in the step graph)."""
    status: str = "pending"
    """pending, running, waiting, succeeded, failed, skipped, unknown."""
    attempt: int = 0
    """The latest attempt number."""
    started: datetime | None = None
    """Wall time of the first start."""
    ended: datetime | None = None
    """Wall time it finished."""
    waiting: dict | None = None
    """The open `waiting` event (kind, role, prompt, options, checklist, recommended)."""
    args: dict | None = None
    """Resolved arguments of the latest call (redacted by the journal)."""
    call: str | None = None
    """The catalog call of the latest attempt."""
    operation: dict | None = None
    """The operation submitted by the latest attempt."""
    op_status: str | None = None
    """The operation's last polled status."""
    progress: int | None = None
    """The operation's last reported progress, percent."""
    error: dict | None = None
    """The latest failure (message, code, http_status, transient, hint), retry_in included."""
    reason: str | None = None
    """Why it was skipped, failed or is UNKNOWN."""
    outputs: dict = field(default_factory=dict)
    """Named outputs once it succeeded."""
    output: list[str] = field(default_factory=list)
    """Captured stdout/stderr text of a shell step."""
    answers: list[dict] = field(default_factory=list)
    """Every `answered` event for this step."""

    @property
    def shown_status(self) -> str:
        """The status to draw: a step waiting on its failure or on reconciliation shows so."""
        if self.status == "waiting" and self.waiting:
            kind = self.waiting.get("kind")
            if kind == "failed":
                return "failed"
            if kind == "unknown":
                return "unknown"
        return self.status

    @property
    def icon(self) -> str:
        """The status icon."""
        return STATUS_ICON.get(self.shown_status, ("·", self.status))[0]

    @property
    def word(self) -> str:
        """The status word shown beside the icon."""
        if self.status == "waiting" and self.waiting:
            kind = self.waiting.get("kind")
            if kind == "confirm":
                return "confirm"
            if kind == "failed":
                return "failed"
            if kind == "unknown":
                return "UNKNOWN"
            return "waiting"
        return STATUS_ICON.get(self.status, ("·", self.status))[1]

    def elapsed(self, now: datetime) -> float | None:
        """Seconds since it started, to its end if it ended."""
        if self.started is None:
            return None
        end = self.ended or now
        return max(0.0, (end - self.started).total_seconds())


@dataclass
class TimelineEntry:
    """One line of the timeline pane."""

    at: datetime | None
    """When it happened (UTC)."""
    text: str
    """What happened, in words."""
    kind: str = "event"
    """event, note, milestone, error: picks the colour."""


def build_steps(doc: dict) -> dict[str, StepView]:
    """Steps of a runbook document in order, with parallel branches marked."""
    raw = [s for s in (doc.get("steps") or []) if isinstance(s, dict) and s.get("id")]
    needs: dict[str, list[str]] = {}
    previous: str | None = None
    for step in raw:
        given = step.get("needs")
        needs[step["id"]] = list(given) if given is not None else ([previous] if previous else [])
        previous = step["id"]
    depth: dict[str, int] = {}
    for step in raw:  # file order; needs may point forward, so iterate to a fixed point
        depth[step["id"]] = 0
    for _ in range(len(raw)):
        changed = False
        for sid, deps in needs.items():
            d = max((depth.get(n, 0) + 1 for n in deps if n in depth), default=0)
            if d != depth[sid] and d <= len(raw):
                depth[sid], changed = d, True
        if not changed:
            break
    conditional = set()
    for step in raw:  # decision targets and recovery paths run only when chosen
        conditional.update((step.get("options") or {}).values() if step.get("type") == "decision"
                           else ())
        if step.get("on_failure") not in (None, "abort", "continue"):
            conditional.add(step["on_failure"])
    per_depth: dict[int, int] = {}
    for sid, d in depth.items():
        if sid not in conditional:
            per_depth[d] = per_depth.get(d, 0) + 1
    views: dict[str, StepView] = {}
    for step in raw:
        sid = step["id"]
        views[sid] = StepView(
            id=sid, title=str(step.get("title") or sid), type=str(step.get("type") or ""),
            doc=step, role=step.get("role"), budget=seconds_of(step.get("budget")),
            parallel=sid not in conditional and per_depth.get(depth[sid], 0) > 1,
        )
    return views
