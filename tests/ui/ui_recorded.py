"""Journal events as the engine writes them, for screens that are shown from a recorded run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
"""tests/ui."""
UI_RUNBOOKS = HERE / "runbooks"
"""The console tests' own runbooks (one valid, one broken) and scenario."""

T0 = datetime(2026, 11, 27, 14, 0, 0, tzinfo=UTC)

RUNBOOK_DOC = {
    "format": "drp/v1", "id": "cloudsql-regional-failover",
    "title": "Promote the cross-region Cloud SQL replica", "version": 3,
    "objectives": {"rto": "30m", "rpo": "5m"}, "breach_clock": False,
    "roles": {"commander": "Incident commander", "dba": "Database on-call"},
    "steps": [
        {"id": "declare", "title": "Declare the incident", "type": "manual", "role": "commander",
         "milestone": "declared", "budget": "2m",
         "instructions": "Open the incident channel and page the DBA for **{{ params.primary }}**.",
         "checklist": ["Incident channel open", "DBA paged"],
         "explain": "Declaring starts the RTO clock."},
        {"id": "check-primary", "title": "Confirm the primary is unavailable", "type": "gcp",
         "role": "dba", "call": "sql.instances.get",
         "with": {"project": "{{ params.project }}", "instance": "{{ params.primary }}"}},
        {"id": "go-no-go", "title": "Approve the promotion", "type": "approval",
         "role": "commander", "prompt": "Promote orders-db-replica-ew4?"},
        {"id": "promote", "title": "Promote the replica", "type": "gcp", "role": "dba",
         "call": "sql.instances.promoteReplica", "budget": "5m",
         "with": {"project": "acme-prod", "instance": "orders-db-replica-ew4"},
         "confirm": "orders-db-replica-ew4", "retry": {"attempts": 3, "delay": "10s",
                                                       "backoff": 2.0}},
        {"id": "notify-dpo", "title": "Tell the DPO", "type": "manual", "role": "commander",
         "needs": ["go-no-go"], "checklist": ["DPO informed"]},
        {"id": "wait-runnable", "title": "Wait until the new primary serves", "type": "wait",
         "role": "dba", "call": "sql.instances.get", "needs": ["promote"],
         "with": {"project": "acme-prod", "instance": "orders-db-replica-ew4"},
         "until": "result.state == 'RUNNABLE'", "milestone": "restored"},
        {"id": "keep-or-fail-back", "title": "Keep the new primary?", "type": "decision",
         "role": "commander", "options": {"keep": "smoke-test", "fail back": "fail-back"},
         "recommended": "keep", "needs": ["wait-runnable", "notify-dpo"]},
        {"id": "smoke-test", "title": "Check the public health endpoint", "type": "shell",
         "role": "dba", "run": ["curl", "-fsS", "https://status.example.com/health"]},
        {"id": "fail-back", "title": "Fail back to europe-west1", "type": "manual",
         "role": "dba", "needs": ["keep-or-fail-back"]},
    ],
}


class Recorder:
    """Builds a journal's events with sequence numbers and times, like the engine would."""

    def __init__(self, mode: str = "simulate", doc: dict | None = None) -> None:
        self.events: list[dict] = []
        self.at = T0
        self.mode = mode
        self.doc = doc or RUNBOOK_DOC

    def add(self, type_: str, after: float = 1.0, **fields) -> dict:
        self.at += timedelta(seconds=after)
        event = {"v": 1, "seq": len(self.events) + 1, "ts": self.at.isoformat(),
                 "mono": (self.at - T0).total_seconds(), "boot": "b1", "type": type_,
                 "operator": fields.pop("operator", "ana"), **fields}
        self.events.append(event)
        return event

    def start(self) -> Recorder:
        doc = self.doc
        self.add("run_started", after=0, run_id="20261127-140000-cloudsql",
                 runbook={"id": doc["id"], "title": doc["title"], "version": doc.get("version"),
                          "hash": "0" * 64, "path": "runbooks/x.yaml"},
                 runbook_doc=doc, params={"project": "acme-prod", "primary": "orders-db",
                                          "webhook_token": "***"},
                 secret_params=["webhook_token"], mode=self.mode,
                 scenario=None if self.mode == "live" else
                 {"id": "ew1-primary-db-down", "title": "Primary down", "path": "s.yaml",
                  "speed": 1},
                 project="acme-prod", regions=["europe-west1"], incident_start=None,
                 tool_version="0.1.0", host="laptop", pid=1)
        return self


def mid_run(mode: str = "simulate") -> Recorder:
    """A run part-way: declared, approved, promote polling beside a waiting manual step."""
    r = Recorder(mode).start()
    r.add("step_started", step="declare", attempt=1)
    r.add("waiting", step="declare", kind="manual", role="commander", prompt="",
          options=[], checklist=["Incident channel open", "DBA paged"], recommended=None)
    r.add("answered", after=40, step="declare", kind="manual", answer="done", by="ana",
          role=None, reason=None, checklist=["Incident channel open", "DBA paged"])
    r.add("step_finished", step="declare", status="succeeded", reason=None, outputs={},
          changed=False, attempts=1)
    r.add("milestone", after=0, name="declared", step="declare", source="step")
    r.add("step_started", step="check-primary", attempt=1)
    r.add("call_intent", after=0, step="check-primary", attempt=1, call="sql.instances.get",
          request_id=None, args={"project": "acme-prod", "instance": "orders-db"})
    r.add("call_completed", step="check-primary", attempt=1, result={"state": "SUSPENDED"})
    r.add("step_finished", after=0, step="check-primary", status="succeeded", reason=None,
          outputs={"primary_state": "SUSPENDED"}, changed=False, attempts=1)
    r.add("step_started", step="go-no-go", attempt=1)
    r.add("waiting", after=0, step="go-no-go", kind="approval", role="commander",
          prompt="Promote orders-db-replica-ew4?", options=["approve", "reject"], checklist=[],
          recommended=None)
    r.add("answered", after=70, step="go-no-go", kind="approval", answer="approve", by="ana",
          role="commander", reason=None, checklist=[])
    r.add("step_finished", after=0, step="go-no-go", status="succeeded", reason=None,
          outputs={}, changed=False, attempts=1)
    r.add("step_started", step="promote", attempt=1)
    r.add("step_started", after=0, step="notify-dpo", attempt=1)
    r.add("waiting", after=0, step="notify-dpo", kind="manual", role="commander", prompt="",
          options=[], checklist=["DPO informed"], recommended=None)
    r.add("call_intent", after=0, step="promote", attempt=1, call="sql.instances.promoteReplica",
          request_id=None, args={"project": "acme-prod", "instance": "orders-db-replica-ew4"})
    r.add("attempt_failed", step="promote", attempt=1,
          error={"message": "503 Service Unavailable", "code": "backendError",
                 "http_status": 503, "transient": True, "hint": "Retried automatically."},
          retry_in=10)
    r.add("step_started", after=10, step="promote", attempt=2)
    r.add("call_intent", after=0, step="promote", attempt=2, call="sql.instances.promoteReplica",
          request_id=None, args={"project": "acme-prod", "instance": "orders-db-replica-ew4"})
    r.add("operation_submitted", step="promote", attempt=2,
          operation={"name": "7f3a9c1e-op", "service": "sql", "scope": "sql", "location": None,
                     "project": "acme-prod"})
    r.add("operation_progress", after=30, step="promote", operation="7f3a9c1e-op",
          status="RUNNING", progress=40)
    r.add("note", after=5, text="replica lag was 4 s before promotion", tag="observation",
          step="promote")
    return r
