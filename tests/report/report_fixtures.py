"""Journals of whole runs for the report tests, as event scripts on a frozen clock.

A `Script` is a list of events at fixed offsets from 2026-11-27 09:00:00 UTC. `events()` turns it
into journal lines shaped exactly as the journal writer shapes them (v, seq, ts, mono, boot,
type, operator, fields); `write()` writes it through the real `Journal` with a fake clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

BASE = datetime(2026, 11, 27, 9, 0, 0, tzinfo=UTC)
MONO0 = 5000.0
CANARY = "canary-s3cr3t-4711"
TOKEN = "ya29.A0ARrdaM-canaryTOKEN_1234567890abcdef"


@dataclass
class Script:
    """Events of one run at offsets (seconds) from BASE."""

    run_id: str
    items: list[tuple[float, str, str, str, dict]] = field(default_factory=list)
    now: float = 0.0
    operator: str = "alice"
    boot: str = "boot-a"

    def at(self, t: float) -> Script:
        """Move the clock to `t` seconds after the start (parallel branches may go back)."""
        self.now = t
        return self

    def add(self, type_: str, *, by: str | None = None, **fields: object) -> Script:
        """One event by `by` (else the current operator)."""
        self.items.append((self.now, self.boot, by or self.operator, type_, dict(fields)))
        return self

    def ordered(self) -> list[tuple[float, str, str, str, dict]]:
        """The events in time order (stable: same-time events keep the order they were added)."""
        return sorted(self.items, key=lambda item: item[0])

    def events(self) -> list[dict]:
        """The journal lines as dicts, as the writer would produce them."""
        out = []
        for seq, (t, boot, operator, type_, fields) in enumerate(self.ordered(), start=1):
            ts = (BASE + timedelta(seconds=t)).isoformat(timespec="microseconds")
            out.append({"v": 1, "seq": seq, "ts": ts, "mono": round(MONO0 + t, 6), "boot": boot,
                        "type": type_, "operator": operator, **fields})
        return out

    def write(self, runs_dir: Path, monkeypatch: pytest.MonkeyPatch, secrets=()) -> Path:
        """Write the script through the real Journal (fake clock, fixed boot id); the run dir."""
        from drp_console.journal import queued, writer
        from drp_console.journal.redact import Redactor

        clock = _FakeClock()
        monkeypatch.setattr(queued, "boot_id", lambda: "boot-a")  # where events get their header
        journal = writer.Journal.create(runs_dir, self.run_id, Redactor(secrets),
                                        operator=self.operator, clock=clock)
        try:
            for t, _boot, operator, type_, fields in self.ordered():
                clock.t = t
                journal.operator = operator
                journal.write_sync(type_, **fields)
        finally:
            journal.close()
        return runs_dir / self.run_id


class _FakeClock:
    t = 0.0

    def monotonic(self) -> float:
        return MONO0 + self.t

    def now(self) -> datetime:
        return BASE + timedelta(seconds=self.t)


def _started(s: Script, doc: dict, *, mode="simulate", speed=1, scenario="ew1-primary-db-down",
             incident_start=None, params=None) -> Script:
    return s.add(
        "run_started", run_id=s.run_id,
        runbook={"id": doc["id"], "title": doc["title"], "version": doc.get("version"),
                 "hash": "9f2c" * 16, "path": f"runbooks/{doc['id']}.yaml"},
        runbook_doc=doc, params=params or {"project": "acme-prod"}, secret_params=[],
        mode=mode,
        scenario=None if mode == "live" else {"id": scenario, "title": "The primary zone is down",
                                              "path": f"runbooks/scenarios/{scenario}.yaml",
                                              "speed": speed},
        project="acme-prod", regions=["europe-west1", "europe-west4"],
        incident_start=incident_start, tool_version="0.1.0", host="laptop-7", pid=4242,
    )


def _manual(s: Script, step: str, t0: float, t1: float, *, by="alice", role="commander",
            milestone=None, kind="manual", answer="done") -> Script:
    s.at(t0).add("step_started", step=step, attempt=1)
    s.add("waiting", step=step, kind=kind, role=role, prompt=f"Do {step}", options=[],
          checklist=[], recommended=None)
    s.at(t1).add("answered", step=step, kind=kind, answer=answer, by=by, role=role, reason=None,
                 checklist=[])
    s.add("step_finished", step=step, status="succeeded", reason=None, outputs={}, changed=False,
          attempts=1)
    if milestone:
        s.add("milestone", name=milestone, step=step, source="step")
    return s


def _gcp(s: Script, step: str, t0: float, t1: float, call: str, *, op: str | None = None,
         changed=False, outputs=None, attempt=1, finish=True) -> Script:
    s.at(t0).add("step_started", step=step, attempt=attempt)
    s.add("call_intent", step=step, attempt=attempt, call=call, request_id=None,
          args={"project": "acme-prod"})
    if op:
        s.at(t0 + 1).add("operation_submitted", step=step, attempt=attempt,
                         operation={"name": op, "service": "sql", "scope": "sql",
                                    "location": None, "project": "acme-prod"})
        s.at(t1 - 1).add("operation_progress", step=step, operation=op, status="DONE",
                         progress=100)
    s.at(t1).add("call_completed", step=step, attempt=attempt, result={"status": "DONE"})
    if finish:
        s.add("step_finished", step=step, status="succeeded", reason=None, outputs=outputs or {},
              changed=changed, attempts=attempt)
    return s


FAILOVER_DOC = {
    "format": "drp/v1", "id": "cloudsql-regional-failover",
    "title": "Promote the cross-region Cloud SQL replica", "version": 3,
    "owner": "platform-oncall", "objectives": {"rto": "30m", "rpo": "5m"},
    "roles": {"commander": "Incident commander", "dba": "Database on-call",
              "comms": "Communications lead"},
    "steps": [
        {"id": "declare", "title": "Declare the incident", "type": "manual", "role": "commander",
         "milestone": "declared", "budget": "5m"},
        {"id": "check-primary", "title": "Confirm the primary is unavailable", "type": "gcp",
         "call": "sql.instances.get", "needs": ["declare"], "budget": "1m"},
        {"id": "check-replica", "title": "Check the replica's lag", "type": "gcp",
         "call": "sql.instances.get", "needs": ["declare"], "budget": "1m"},
        {"id": "tell-stakeholders", "title": "Tell the stakeholders", "type": "manual",
         "role": "comms", "needs": ["declare"], "budget": "10m"},
        {"id": "go-no-go", "title": "Approve the promotion", "type": "approval",
         "role": "commander", "needs": ["check-primary", "check-replica"]},
        {"id": "promote", "title": "Promote the replica", "type": "gcp",
         "call": "sql.instances.promoteReplica", "role": "dba", "budget": "3m",
         "retry": {"attempts": 3, "delay": "10s", "backoff": 2}},
        {"id": "wait-runnable", "title": "Wait until the new primary serves", "type": "wait",
         "call": "sql.instances.get", "until": "result.state == 'RUNNABLE'",
         "milestone": "restored", "budget": "5m"},
        {"id": "dns", "title": "Switch traffic?", "type": "decision", "role": "commander",
         "options": {"Switch DNS": "switch-dns", "Keep DNS": "keep-dns"},
         "recommended": "Switch DNS"},
        {"id": "switch-dns", "title": "Point the app at the new primary", "type": "manual",
         "role": "dba", "needs": []},
        {"id": "keep-dns", "title": "Leave DNS as it is", "type": "manual", "needs": []},
        {"id": "verify", "title": "Verify orders flow", "type": "manual", "role": "commander",
         "needs": ["switch-dns", "keep-dns"], "milestone": "verified"},
    ],
}


def successful_failover() -> Script:
    """Parallel checks, an approval, a retried promotion, a decision, notes (one a script)."""
    s = Script("20261127T090000Z-cloudsql-regional-failover-a1b2")
    _started(s, FAILOVER_DOC, incident_start="2026-11-27T08:52:00+00:00")
    s.at(5).add("milestone", name="detected", step=None, source="operator")
    _manual(s, "declare", 10, 70, milestone="declared")
    _gcp(s, "check-primary", 71, 74, "sql.instances.get", outputs={"primary_state": "FAILED"})
    _gcp(s, "check-replica", 71, 73, "sql.instances.get")
    s.at(72).add("step_started", step="tell-stakeholders", attempt=1)
    s.add("waiting", step="tell-stakeholders", kind="manual", role="comms",
          prompt="Tell the stakeholders", options=[], checklist=["Status page"], recommended=None)
    s.at(80).add("note", text="<script>alert(1)</script> pasted from the chat", tag="observation",
                 step="check-primary", by="bob")
    _manual(s, "go-no-go", 75, 130, by="carol", role="commander", kind="approval",
            answer="approve")
    s.at(131).add("step_started", step="promote", attempt=1)
    s.add("call_intent", step="promote", attempt=1, call="sql.instances.promoteReplica",
          request_id=None, args={"project": "acme-prod", "instance": "orders-db-replica-ew4"})
    s.at(133).add("attempt_failed", step="promote", attempt=1,
                  error={"message": "The service is currently unavailable.", "code": "503",
                         "http_status": 503, "transient": True,
                         "hint": "Google Cloud is overloaded; the console retries."},
                  retry_in=10)
    s.at(143).add("step_started", step="promote", attempt=2)
    s.add("call_intent", step="promote", attempt=2, call="sql.instances.promoteReplica",
          request_id=None, args={"project": "acme-prod", "instance": "orders-db-replica-ew4"})
    s.at(144).add("operation_submitted", step="promote", attempt=2,
                  operation={"name": "op-promote-7f3a", "service": "sql", "scope": "sql",
                             "location": None, "project": "acme-prod"})
    s.at(200).add("operation_progress", step="promote", operation="op-promote-7f3a",
                  status="RUNNING", progress=40)
    s.at(210).add("answered", step="tell-stakeholders", kind="manual", answer="done", by="dave",
                  role="comms", reason=None, checklist=["Status page"])
    s.add("step_finished", step="tell-stakeholders", status="succeeded", reason=None,
          outputs={}, changed=False, attempts=1)
    s.at(330).add("operation_progress", step="promote", operation="op-promote-7f3a",
                  status="DONE", progress=100)
    s.add("call_completed", step="promote", attempt=2, result={"status": "DONE"})
    s.add("step_finished", step="promote", status="succeeded", reason=None, outputs={},
          changed=True, attempts=2)
    _gcp(s, "wait-runnable", 331, 420, "sql.instances.get")
    s.add("milestone", name="restored", step="wait-runnable", source="step")
    s.at(421).add("step_started", step="dns", attempt=1)
    s.add("waiting", step="dns", kind="decision", role="commander", prompt="Switch traffic?",
          options=["Switch DNS", "Keep DNS"], checklist=[], recommended="Switch DNS")
    s.at(450).add("answered", step="dns", kind="decision", answer="Switch DNS", by="carol",
                  role="commander", reason="the replica is healthy", checklist=[])
    s.add("step_finished", step="dns", status="succeeded", reason=None, outputs={},
          changed=False, attempts=1)
    s.add("note", text="Switching DNS: the replica is healthy", tag="decision", step="dns",
          by="carol")
    s.add("step_finished", step="keep-dns", status="skipped",
          reason="not chosen at decision dns", outputs={}, changed=False, attempts=0)
    _manual(s, "switch-dns", 451, 600, by="bob", role="dba")
    _manual(s, "verify", 601, 660, by="carol", milestone="verified")
    s.at(665).add("note", text="Automate the DNS switch (it took 2m29s by hand)", tag="action",
                  step="switch-dns", by="carol")
    s.at(670).add("run_finished", status="succeeded", reason="all steps finished")
    return s


RESTORE_DOC = {
    "format": "drp/v1", "id": "restore-from-backup", "title": "Restore orders-db from backup",
    "version": 2, "objectives": {"rto": "1h", "rpo": "24h"},
    "roles": {"commander": "Incident commander", "dba": "Database on-call"},
    "steps": [
        {"id": "declare", "title": "Declare the incident", "type": "manual", "role": "commander",
         "milestone": "declared"},
        {"id": "list-backups", "title": "Find the newest backup", "type": "gcp",
         "call": "sql.backupRuns.list"},
        {"id": "restore", "title": "Restore the newest backup", "type": "gcp",
         "call": "sql.instances.restoreBackup", "on_failure": "clone-pitr", "budget": "10m"},
        {"id": "clone-pitr", "title": "Clone to a point in time instead", "type": "gcp",
         "call": "sql.instances.clone", "needs": ["restore"]},
        {"id": "verify", "title": "Verify the restored data", "type": "manual", "role": "dba",
         "needs": ["clone-pitr"], "milestone": "restored"},
    ],
}


def failed_restore() -> Script:
    """Restore fails, the recovery path clones to a point in time, verification fails (60x)."""
    s = Script("20261127T090000Z-restore-from-backup-c3d4")
    _started(s, RESTORE_DOC, speed=60)
    _manual(s, "declare", 2, 30, milestone="declared")
    _gcp(s, "list-backups", 31, 33, "sql.backupRuns.list", outputs={"newest": "1764208800000"})
    s.at(34).add("step_started", step="restore", attempt=1)
    s.add("call_intent", step="restore", attempt=1, call="sql.instances.restoreBackup",
          request_id=None, args={"instance": "orders-db", "backupRunId": "1764208800000"})
    s.at(35).add("operation_submitted", step="restore", attempt=1,
                 operation={"name": "op-restore-9", "service": "sql", "scope": "sql",
                            "location": None, "project": "acme-prod"})
    s.at(95).add("attempt_failed", step="restore", attempt=1,
                 error={"message": "Backup run 1764208800000 is corrupt", "code": "INTERNAL_ERROR",
                        "http_status": None, "transient": False,
                        "hint": "Restore an older backup or clone to a point in time."},
                 retry_in=None)
    s.add("step_finished", step="restore", status="failed", reason="Backup run is corrupt",
          outputs={}, changed=False, attempts=1)
    s.add("warning", message="orders-db stays unavailable while the recovery path runs",
          step="restore")
    _gcp(s, "clone-pitr", 96, 400, "sql.instances.clone", op="op-clone-2", changed=True)
    s.add("restore_point", step="clone-pitr", kind="point_in_time",
          at="2026-11-27T08:40:00+00:00", backup_run_id=None)
    s.add("resource_created", step="clone-pitr",
          resource={"kind": "sql_instance", "name": "orders-db-pitr", "location": "europe-west1"})
    s.at(401).add("step_started", step="verify", attempt=1)
    s.add("waiting", step="verify", kind="manual", role="dba", prompt="Verify",
          options=[], checklist=[], recommended=None)
    s.at(500).add("answered", step="verify", kind="manual", answer="done", by="bob", role="dba",
                  reason=None, checklist=[])
    s.add("attempt_failed", step="verify", attempt=1,
          error={"message": "row counts differ by 12%", "code": "", "http_status": None,
                 "transient": False, "hint": ""}, retry_in=None)
    s.add("waiting", step="verify", kind="failed", role="dba", prompt="verify failed",
          options=["retry", "skip", "fail"], checklist=[], recommended=None)
    s.at(530).add("answered", step="verify", kind="failed", answer="fail", by="alice",
                  role="commander", reason="data does not match", checklist=[])
    s.add("step_finished", step="verify", status="failed", reason="row counts differ by 12%",
          outputs={}, changed=False, attempts=1)
    s.at(531).add("run_finished", status="failed", reason="step verify failed")
    return s


ZONE_DOC = {
    "format": "drp/v1", "id": "zone-outage-recreate-vms",
    "title": "Recreate the web tier in another zone", "version": 1,
    "objectives": {"rto": "45m"},
    "roles": {"commander": "Incident commander", "sre": "SRE on-call"},
    "steps": [
        {"id": "declare", "title": "Declare", "type": "manual", "role": "commander",
         "milestone": "declared"},
        {"id": "restart-db", "title": "Restart customers-db", "type": "gcp",
         "call": "sql.instances.restart"},
        {"id": "resize-standby", "title": "Resize the standby group", "type": "gcp",
         "call": "compute.regionInstanceGroupManagers.resize", "milestone": "restored"},
        {"id": "verify", "title": "Verify", "type": "manual", "role": "sre",
         "milestone": "verified"},
    ],
}


def resumed_zone_outage() -> Script:
    """The console dies mid-call; resume finds restart-db UNKNOWN, the operator verifies it."""
    s = Script("20261127T090000Z-zone-outage-recreate-vms-e5f6")
    _started(s, ZONE_DOC, mode="live")
    _manual(s, "declare", 3, 20, milestone="declared")
    s.at(21).add("step_started", step="restart-db", attempt=1)
    s.add("call_intent", step="restart-db", attempt=1, call="sql.instances.restart",
          request_id=None, args={"instance": "customers-db"})
    s.operator = "bob"
    s.at(140).add("run_resumed", host="laptop-9", pid=777)
    s.add("step_unknown", step="restart-db", attempt=1,
          reason="the console stopped after sending the call and before journaling its operation")
    s.add("waiting", step="restart-db", kind="unknown", role=None,
          prompt="Did restart-db act?", options=["verified", "rerun", "skip"], checklist=[],
          recommended=None)
    s.at(200).add("answered", step="restart-db", kind="unknown", answer="verified", by="bob",
                  role="sre", reason="customers-db shows a restart at 09:00:25", checklist=[])
    s.add("step_finished", step="restart-db", status="succeeded",
          reason="verified by the operator", outputs={}, changed=True, attempts=1)
    s.at(201).add("step_started", step="resize-standby", attempt=1)
    s.add("call_intent", step="resize-standby", attempt=1,
          call="compute.regionInstanceGroupManagers.resize",
          request_id="0b4c7a52-9a52-5d33-8a0e-2b1d9f1c0e11",
          args={"instanceGroupManager": "web-mig-ew4", "size": 3})
    s.at(202).add("operation_submitted", step="resize-standby", attempt=1,
                  operation={"name": "operation-resize-1", "service": "compute",
                             "scope": "region", "location": "europe-west4",
                             "project": "acme-prod"})
    s.at(290).add("operation_progress", step="resize-standby", operation="operation-resize-1",
                  status="DONE", progress=100)
    s.add("call_completed", step="resize-standby", attempt=1, result={"status": "DONE"})
    s.add("step_finished", step="resize-standby", status="succeeded", reason=None, outputs={},
          changed=True, attempts=1)
    s.add("milestone", name="restored", step="resize-standby", source="step")
    _manual(s, "verify", 291, 400, by="bob", role="sre", milestone="verified")
    s.at(401).add("run_finished", status="succeeded", reason="all steps finished")
    return s


BREACH_DOC = {
    "format": "drp/v1", "id": "personal-data-breach",
    "title": "Personal data breach response (GDPR Art. 33/34)", "version": 4,
    "breach_clock": True,
    "roles": {"commander": "Incident commander", "dpo": "Data protection officer"},
    "steps": [
        {"id": "triage", "title": "Triage the report", "type": "manual", "role": "commander",
         "milestone": "detected"},
        {"id": "assess", "title": "Confirm personal data is affected", "type": "manual",
         "role": "dpo", "milestone": "aware"},
        {"id": "contain", "title": "Contain the leak", "type": "manual", "role": "commander",
         "milestone": "mitigated"},
        {"id": "notify-authority", "title": "Notify the supervisory authority", "type": "manual",
         "role": "dpo", "needs": ["assess"], "milestone": "authority-notified", "budget": "48h"},
        {"id": "notify-subjects", "title": "Notify the data subjects", "type": "manual",
         "role": "dpo", "needs": ["notify-authority"], "milestone": "subjects-notified"},
        {"id": "close", "title": "Close the incident", "type": "manual", "role": "commander",
         "needs": ["contain", "notify-subjects"], "milestone": "closed"},
    ],
}


def breach_response() -> Script:
    """People's steps over three days; the authority is notified 50 hours after awareness."""
    s = Script("20261127T090000Z-personal-data-breach-0a0b")
    _started(s, BREACH_DOC, mode="live")
    _manual(s, "triage", 60, 1800, milestone="detected")
    _manual(s, "assess", 1801, 7200, by="erin", role="dpo", milestone="aware")
    _manual(s, "contain", 7201, 14400, milestone="mitigated")
    _manual(s, "notify-authority", 7202, 7200 + 50 * 3600, by="erin", role="dpo",
            milestone="authority-notified")
    s.add("note", text="Authority reference DPA-2026-1182", tag="observation",
          step="notify-authority", by="erin")
    _manual(s, "notify-subjects", 7201 + 50 * 3600, 7200 + 60 * 3600, by="erin", role="dpo",
            milestone="subjects-notified")
    _manual(s, "close", 7201 + 60 * 3600, 7200 + 61 * 3600, milestone="closed")
    s.add("note", text="Write the notification template in advance", tag="action", step=None,
          by="erin")
    s.at(7200 + 61 * 3600 + 1).add("run_finished", status="succeeded", reason="all steps finished")
    return s


DRILL_DOC = {
    "format": "drp/v1", "id": "quarterly-restore-drill",
    "title": "Quarterly backup-restore drill", "version": 5,
    "objectives": {"rto": "2h", "rpo": "24h"},
    "roles": {"dba": "Database on-call"},
    "steps": [
        {"id": "restore-scratch", "title": "Restore last night's backup into a scratch instance",
         "type": "gcp", "call": "sql.instances.restoreBackup", "milestone": "restored",
         "budget": "20m"},
        {"id": "scratch-vm", "title": "Start a checker VM", "type": "gcp",
         "call": "compute.instances.insert", "needs": []},
        {"id": "verify", "title": "Run the checksum queries", "type": "manual", "role": "dba",
         "needs": ["restore-scratch", "scratch-vm"], "milestone": "verified"},
        {"id": "teardown", "title": "Delete the scratch instance", "type": "gcp",
         "call": "sql.instances.delete"},
    ],
}


def restore_drill() -> Script:
    """A drill that creates a scratch database and a VM and tears down only the database."""
    s = Script("20261127T090000Z-quarterly-restore-drill-7c7d")
    _started(s, DRILL_DOC, speed=1, scenario="quarterly-drill")
    _gcp(s, "restore-scratch", 1, 1500, "sql.instances.restoreBackup", op="op-restore-scratch",
         changed=True)
    s.add("milestone", name="restored", step="restore-scratch", source="step")
    s.add("restore_point", step="restore-scratch", kind="backup",
          at="2026-11-27T02:00:00+00:00", backup_run_id="1764208800000")
    s.add("resource_created", step="restore-scratch",
          resource={"kind": "sql_instance", "name": "orders-db-drill", "location": "europe-west1"})
    _gcp(s, "scratch-vm", 1, 90, "compute.instances.insert", op="operation-insert-vm",
         changed=True)
    s.add("resource_created", step="scratch-vm",
          resource={"kind": "instance", "name": "drill-checker", "location": "europe-west1-b"})
    _manual(s, "verify", 1501, 2100, by="bob", role="dba", milestone="verified")
    _gcp(s, "teardown", 2101, 2200, "sql.instances.delete", op="op-delete-scratch", changed=True)
    s.add("resource_deleted", step="teardown",
          resource={"kind": "sql_instance", "name": "orders-db-drill", "location": "europe-west1"})
    s.at(2201).add("run_finished", status="succeeded", reason="all steps finished")
    return s


RUNS = {
    "failover": successful_failover,
    "failed": failed_restore,
    "resumed": resumed_zone_outage,
    "breach": breach_response,
    "drill": restore_drill,
}
"""Name -> builder of every fixture run."""
