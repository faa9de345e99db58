"""What the run screen shows, folded from the run's journal events alone.

The console keeps no state of its own about a run: this fold reads the same events the journal
holds (the runbook itself comes from `run_started.runbook_doc`), so a resumed run, a replayed
journal and a live run look the same. It is pure and has no Textual import, so it is tested
without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drp_console.runbook.durations import seconds_of
from drp_console.ui.clock import parse_ts
from drp_console.ui.step_view import StepView, TimelineEntry, build_steps

@dataclass
class RunView:
    """The whole run as the console shows it."""

    run_id: str = ""
    """The run's id."""
    title: str = ""
    """Runbook title."""
    runbook_id: str = ""
    """Runbook id."""
    version: Any = None
    """Runbook version."""
    mode: str = "simulate"
    """live, simulate, training."""
    project: str | None = None
    """The Google Cloud project the run acts on."""
    scenario: dict | None = None
    """The simulation scenario {id, title, speed}."""
    operator: str = ""
    """Who started (or last resumed) the run."""
    params: dict = field(default_factory=dict)
    """Resolved parameters as journaled (secrets already `***`)."""
    doc: dict = field(default_factory=dict)
    """The runbook document from `run_started`."""
    started: datetime | None = None
    """When the run started."""
    incident_start: datetime | None = None
    """When the incident started, if the operator said so."""
    rto: float | None = None
    """RTO objective, seconds."""
    rpo: float | None = None
    """RPO objective, seconds."""
    breach_clock: bool = False
    """The runbook runs the GDPR 72-hour clock from milestone `aware`."""
    steps: dict[str, StepView] = field(default_factory=dict)
    """Steps in runbook order."""
    milestones: dict[str, datetime] = field(default_factory=dict)
    """Milestone name -> first time it was recorded."""
    timeline: list[TimelineEntry] = field(default_factory=list)
    """Events in words, oldest first."""
    notes: list[dict] = field(default_factory=list)
    """Note events."""
    status: str = "running"
    """running, paused, succeeded, failed, aborted."""
    finished: datetime | None = None
    """When the run finished."""
    finish_reason: str | None = None
    """Why it ended so."""
    restore_point: dict | None = None
    """The restore point the run used (backup or point in time)."""
    last_seq: int = 0
    """Sequence number of the last event applied."""

    # ---- clocks -------------------------------------------------------------------------------
    def rto_origin(self) -> datetime | None:
        """Where the RTO clock counts from: `detected`, else `declared`, else the run's start."""
        return self.milestones.get("detected") or self.milestones.get("declared") or self.started

    def incident_elapsed(self, now: datetime) -> float | None:
        """Seconds since the incident (or the run) started."""
        origin = self.incident_start or self.started
        if origin is None:
            return None
        return ((self.finished or now) - origin).total_seconds()

    def rto_remaining(self, now: datetime) -> float | None:
        """Seconds left to the RTO (negative = overrun); frozen once `restored` is recorded."""
        origin = self.rto_origin()
        if self.rto is None or origin is None:
            return None
        end = self.milestones.get("restored") or self.finished or now
        return self.rto - (end - origin).total_seconds()

    def breach_remaining(self, now: datetime) -> float | None:
        """Seconds left of the 72 hours from milestone `aware`, when the runbook has that clock."""
        aware = self.milestones.get("aware")
        if not self.breach_clock or aware is None:
            return None
        return 72 * 3600 - (now - aware).total_seconds()

    def counts(self) -> tuple[int, int]:
        """(finished steps, all steps)."""
        done = sum(1 for s in self.steps.values() if s.status in ("succeeded", "skipped", "failed"))
        return done, len(self.steps)

    # ---- folding ------------------------------------------------------------------------------
    def apply(self, event: dict) -> str | None:
        """Apply one journal event; the id of the step it touched (`*` for all), if any."""
        self.last_seq = max(self.last_seq, int(event.get("seq") or 0))
        handler = getattr(self, "_on_" + str(event.get("type")), None)
        if handler is not None:
            handler(event, parse_ts(event.get("ts")))
        if event.get("type") == "run_started":
            return "*"
        return str(event["step"]) if event.get("step") else None

    @classmethod
    def fold(cls, events: list[dict]) -> RunView:
        """A view of a run from its events, in sequence order."""
        view = cls()
        for event in sorted(events, key=lambda e: int(e.get("seq") or 0)):
            view.apply(event)
        return view

    def _say(self, at: datetime | None, text: str, kind: str = "event") -> None:
        self.timeline.append(TimelineEntry(at, text, kind))

    def _step(self, event: dict) -> StepView | None:
        return self.steps.get(str(event.get("step")))

    def _on_run_started(self, e: dict, at: datetime | None) -> None:
        book = e.get("runbook") or {}
        doc = e.get("runbook_doc") or {}
        self.run_id = str(e.get("run_id") or "")
        self.doc = doc
        self.runbook_id = str(book.get("id") or doc.get("id") or "")
        self.title = str(book.get("title") or doc.get("title") or self.runbook_id)
        self.version = book.get("version", doc.get("version"))
        self.mode = str(e.get("mode") or "simulate")
        self.project = e.get("project")
        self.params = dict(e.get("params") or {})
        self.scenario = e.get("scenario")
        self.operator = str(e.get("operator") or "")
        self.started = at
        self.incident_start = parse_ts(e.get("incident_start"))
        objectives = doc.get("objectives") or {}
        self.rto = seconds_of(objectives.get("rto"))
        self.rpo = seconds_of(objectives.get("rpo"))
        self.breach_clock = bool(doc.get("breach_clock"))
        self.steps = build_steps(doc)
        self._say(at, f"run started by {self.operator} ({self.mode})")

    def _on_run_resumed(self, e: dict, at: datetime | None) -> None:
        self.operator = str(e.get("operator") or self.operator)
        self.status = "running"
        self._say(at, f"run resumed by {e.get('operator')} on {e.get('host')}")

    def _on_step_started(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        step.status = "running"
        step.attempt = int(e.get("attempt") or step.attempt + 1)
        step.started = step.started or at
        step.ended = None
        step.waiting = None
        if step.attempt > 1:
            self._say(at, f"{step.id}: attempt {step.attempt} started")

    def _on_call_intent(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is not None:
            step.call = e.get("call")
            step.args = e.get("args") or {}

    def _on_operation_submitted(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        step.operation = e.get("operation") or {}
        step.op_status = "PENDING"
        step.progress = None
        name = str(step.operation.get("name", ""))
        self._say(at, f"{step.id}: attempt {e.get('attempt')}, operation {name[:12]} submitted")

    def _on_operation_progress(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is not None:
            step.op_status = e.get("status") or step.op_status
            step.progress = e.get("progress")

    def _on_attempt_failed(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        error = dict(e.get("error") or {})
        error["retry_in"] = e.get("retry_in")
        error["attempt"] = e.get("attempt")
        step.error = error
        if step.operation and step.op_status != "DONE":
            step.op_status = "ended with an error"
        kind = "transient" if error.get("transient") else "permanent"
        retry = e.get("retry_in")
        tail = f", retry in {retry:g}s" if isinstance(retry, (int, float)) else ""
        self._say(at, f"{step.id}: attempt {e.get('attempt')} failed: "
                      f"{error.get('message', 'error')} ({kind}){tail}", "error")

    def _on_waiting(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        step.status = "waiting"
        step.waiting = {k: e.get(k) for k in
                        ("kind", "role", "prompt", "options", "checklist", "recommended")}
        who = e.get("role") or "the operator"
        what = {"manual": "do it and mark it done", "approval": "approve or reject",
                "decision": "choose an option", "confirm": "type the confirmation",
                "failed": "retry or skip it", "unknown": "reconcile it (UNKNOWN)"
                }.get(str(e.get("kind")), "answer")
        self._say(at, f"{step.id}: waiting for {who} to {what}")

    def _on_answered(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        step.answers.append(e)
        step.waiting = None
        if step.status == "waiting":
            step.status = "running"
        by = e.get("by") or e.get("operator")
        role = f" ({e['role']})" if e.get("role") else ""
        reason = f": {e['reason']}" if e.get("reason") else ""
        self._say(at, f"{step.id}: {e.get('kind')} answered {e.get('answer')!s} "
                      f"by {by}{role}{reason}")

    def _on_step_unknown(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is not None:
            step.status = "unknown"
            step.reason = e.get("reason")
            self._say(at, f"{step.id}: UNKNOWN: {e.get('reason')}", "error")

    def _on_output(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is not None:
            step.output.append(str(e.get("text") or ""))
            del step.output[:-200]

    def _on_step_finished(self, e: dict, at: datetime | None) -> None:
        step = self._step(e)
        if step is None:
            return
        step.status = str(e.get("status") or "succeeded")
        step.ended = at if step.started is not None else None
        step.waiting = None
        step.reason = e.get("reason")
        step.outputs = e.get("outputs") or {}
        if step.operation and step.status == "succeeded":
            step.op_status = "DONE"
        why = f": {e['reason']}" if e.get("reason") else ""
        kind = "error" if step.status == "failed" else "event"
        self._say(at, f"{step.id}: {step.status}{why}", kind)

    def _on_restore_point(self, e: dict, at: datetime | None) -> None:
        self.restore_point = e
        self._say(at, f"restore point: {e.get('kind')} at {e.get('at')}")

    def _on_resource_created(self, e: dict, at: datetime | None) -> None:
        res = e.get("resource") or {}
        self._say(at, f"{e.get('step')}: created {res.get('kind')} {res.get('name')}")

    def _on_resource_deleted(self, e: dict, at: datetime | None) -> None:
        res = e.get("resource") or {}
        self._say(at, f"{e.get('step')}: deleted {res.get('kind')} {res.get('name')}")

    def _on_milestone(self, e: dict, at: datetime | None) -> None:
        name = str(e.get("name"))
        occurred = parse_ts(e.get("occurred_at"))  # an alert's start: the clocks count from it
        if at is not None:
            self.milestones.setdefault(name, occurred if occurred and occurred < at else at)
        self._say(at, f"milestone {name} ({e.get('operator') or e.get('source')})", "milestone")

    def _on_note(self, e: dict, at: datetime | None) -> None:
        self.notes.append(e)
        tag = f"{e['tag']}, " if e.get("tag") else ""
        self._say(at, f"note ({tag}{e.get('operator')}): {e.get('text')}", "note")

    def _on_run_paused(self, e: dict, at: datetime | None) -> None:
        self.status = "paused"
        self._say(at, "run paused" + (f": {e['reason']}" if e.get("reason") else ""))

    def _on_run_unpaused(self, e: dict, at: datetime | None) -> None:
        self.status = "running"
        self._say(at, "run unpaused")

    def _on_warning(self, e: dict, at: datetime | None) -> None:
        where = f"{e['step']}: " if e.get("step") else ""
        self._say(at, f"warning: {where}{e.get('message')}", "error")

    def _on_run_finished(self, e: dict, at: datetime | None) -> None:
        self.status = str(e.get("status") or "succeeded")
        self.finished = at
        self.finish_reason = e.get("reason")
        why = f": {e['reason']}" if e.get("reason") else ""
        self._say(at, f"run {self.status}{why}", "error" if self.status != "succeeded" else "event")
