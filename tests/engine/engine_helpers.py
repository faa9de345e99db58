"""Builders shared by the engine tests: in-test runbooks, a scripted responder, a run harness."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from drp_console.engine.context import RunContext
from drp_console.engine.responder import Answer, NeedsOperator, Question
from drp_console.engine.scheduler import Engine
from drp_console.journal import Journal, Redactor
from drp_console.runbook.model import Runbook


def runbook(*steps: dict[str, Any], **top: Any) -> Runbook:
    """A runbook from step dicts (strict model, as the loader would build it)."""
    doc = {"format": "drp/v1", "id": "test-runbook", "title": "Test", "steps": list(steps), **top}
    return Runbook.model_validate(doc)


class ScriptedResponder:
    """Answers from a script: step id -> value (or list of values, used in turn).

    Unscripted questions: manual `done` (all ticked), approval `approve`, decision first option,
    failed `fail`, confirm `go` typed right; unknown raises NeedsOperator."""

    def __init__(self, script: dict[str, Any] | None = None) -> None:
        self.script = dict(script or {})
        self.asked: list[Question] = []

    async def ask(self, q: Question) -> Answer:
        self.asked.append(q)
        await asyncio.sleep(0)
        value = self.script.get(q.step)
        if isinstance(value, list):
            value = value.pop(0) if value else None
        if isinstance(value, dict):
            value = value.get(q.kind)
        if value is None:
            value = {"manual": "done", "approval": "approve", "failed": "fail", "confirm": "go",
                     "decision": q.options[0] if q.options else None}.get(q.kind)
        if value is None:
            raise NeedsOperator(q, "scripted responder has no answer")
        return Answer(value, by="tester", role=q.role, checklist=q.checklist, typed=q.expected)


def engine_for(rb: Runbook, tmp: Path, responder: Any, *, mode: str = "simulate",
               params: dict | None = None, cloud: Any = None, speed: float = 1000.0,
               secrets: tuple[str, ...] = (), run_id: str = "run-1") -> Engine:
    """An engine on a fresh real journal in `tmp` (with run_started written)."""
    journal = Journal.create(tmp / "runs", run_id, Redactor(secrets), operator="tester")
    journal.write_sync("run_started", run_id=run_id, runbook={"id": rb.id, "title": rb.title},
                       runbook_doc=rb.to_doc(), params={}, secret_params=[], mode=mode,
                       scenario=None, project="acme-prod", regions=[], incident_start=None)
    ctx = RunContext(run_id=run_id, mode=mode, params=params or {}, operator="tester",
                     speed=speed, project="acme-prod", run_dir=journal.path.parent)
    return Engine(rb, ctx, journal, cloud, responder)


def run(engine: Engine) -> Any:
    """Run the engine to its end; returns the RunState."""
    return asyncio.run(engine.run())


def finished(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """Step id -> (status, reason) from the journal's step_finished events."""
    return {e["step"]: (e["status"], e.get("reason")) for e in engine.journal.events()
            if e["type"] == "step_finished"}


def types(engine: Engine, step: str | None = None) -> list[str]:
    """The event types journaled (for one step when given)."""
    return [e["type"] for e in engine.journal.events() if step is None or e.get("step") == step]
