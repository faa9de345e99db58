"""Journals of whole runs of one runbook, written through the real `Journal` on a fake clock.

Each `past_run` is a run that happened at a chosen date, with a chosen mode, speed, result, RTO
(from milestone `declared` to `restored`), restore point, people, skipped steps and notes: the
history has to be tested over months, which no real run can produce inside a test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from drp_console.journal import Journal, Redactor
from drp_console.runbook.loader import load_runbook


@dataclass
class FakeClock:
    """The journal's clock: a fixed start and seconds since it."""

    start: datetime
    t: float = 0.0

    def monotonic(self) -> float:
        return 1000.0 + self.t

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.t)


@dataclass
class PastRun:
    """What one past run did."""

    start: datetime
    mode: str = "live"
    speed: float = 1
    result: str = "succeeded"
    rto_s: float | None = 3600.0
    data_lost_s: float | None = 3 * 3600.0
    people: tuple[str, ...] = ("alice", "bob")
    skipped: dict[str, str] = field(default_factory=dict)
    actions: tuple[str, ...] = ()


def past_run(runs_dir: Path, runbook_path: Path, run: PastRun) -> Path:
    """Write the journal of `run` of the runbook at `runbook_path`; the run directory."""
    runbook = load_runbook(runbook_path)
    run_id = f"{run.start:%Y%m%dT%H%M%SZ}-{runbook.id}-0001"
    clock = FakeClock(run.start)
    journal = Journal.create(runs_dir, run_id, Redactor([]), operator=run.people[0], clock=clock)

    def at(t_: float, type_: str, by: str | None = None, **fields: Any) -> None:
        clock.t = t_
        journal.operator = by or run.people[0]
        journal.write_sync(type_, **fields)

    try:
        scenario = None if run.mode == "live" else {
            "id": "orders-db-corrupted", "title": "orders-db corrupted",
            "path": "runbooks/scenarios/orders-db-corrupted.yaml", "speed": run.speed}
        at(0, "run_started", run_id=run_id,
           runbook={"id": runbook.id, "title": runbook.title, "version": runbook.version,
                    "hash": runbook.source_hash, "path": str(runbook_path)},
           runbook_doc=runbook.to_doc(), params={"project": "acme-prod"}, secret_params=[],
           mode=run.mode, scenario=scenario, project="acme-prod",
           regions=["europe-west1"], incident_start=None, tool_version="0.1.0", host="ops-1",
           pid=4242)
        at(60, "milestone", name="declared", step="declare", source="step")
        for person in run.people[1:]:
            at(90, "note", by=person, text=f"{person} joined", tag=None, step=None)
        for step, who in run.skipped.items():
            at(100, "step_finished", by=who, step=step, status="skipped",
               reason=f"skipped by {who}: no time", outputs={"skipped_by": who},
               changed=False, attempts=0)
        for text in run.actions:
            at(110, "note", text=text, tag="action", step=None)
        if run.data_lost_s is not None:
            point = run.start - timedelta(seconds=run.data_lost_s)
            at(120, "restore_point", step="restore", kind="backup",
               at=point.isoformat(), backup_run_id="1700000000001")
        if run.rto_s is not None:
            at(60 + run.rto_s, "milestone", name="restored", step="wait-restored",
               source="step")
        at(60 + (run.rto_s or 600) + 300, "run_finished", status=run.result,
           reason=None if run.result == "succeeded" else "a step failed")
    finally:
        journal.close()
    return runs_dir / run_id
