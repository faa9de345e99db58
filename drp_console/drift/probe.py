"""Walk a runbook in plan order doing only what cannot change anything: read calls (the catalog's
`read` kind, enforced in `Reader.read`), checks, outputs, `when` conditions and parameters."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from jinja2 import TemplateError

from drp_console.drift import estate
from drp_console.drift.model import DriftReport, Finding, StepCheck
from drp_console.runbook import residency, templating
from drp_console.runbook.catalog import CATALOG
from drp_console.runbook.graph import ancestors_of
from drp_console.runbook.model import GcpStep, Runbook, ShellStep, WaitStep

TEMPLATE_ERRORS = (TemplateError, TypeError, ValueError, LookupError, AttributeError)
"""What rendering or evaluating a runbook expression raises when it needs what only a run has."""
_ZONE = re.compile(r"^[a-z]+-[a-z]+[0-9]+-[a-z]$")
_INCIDENT_CHECK = re.compile(r"!=|\bnot\b")


class Reader:
    """Sends read calls (never anything else) and remembers each answer."""

    def __init__(self, cloud: Any) -> None:
        self.cloud = cloud
        self.sent: list[str] = []
        """Every call sent, as `call(arg=value, ...)`."""
        self._cache: dict[str, tuple[Any, Any]] = {}

    def read(self, call_name: str, args: dict[str, Any]) -> tuple[Any, Any]:
        """(result, None) or (None, CloudError). A call that is not a read is refused here."""
        from drp_console import actions

        entry = CATALOG[call_name]
        if entry.kind != "read":
            raise RuntimeError(f"the drift check never sends {call_name}: it is not a read")
        key = f"{call_name}({json.dumps(args, sort_keys=True, default=str)})"
        if key not in self._cache:
            self.sent.append(key)
            try:
                self._cache[key] = (actions.invoke(self.cloud, call_name, args).result, None)
            except actions.CloudError as err:
                self._cache[key] = (None, err)
        return self._cache[key]


class DriftCheck:
    """One check of one runbook against one project (live or simulated)."""

    def __init__(self, runbook: Runbook, params: dict[str, Any], cloud: Any, *, mode: str,
                 project: str | None, target: str, now: datetime | None = None) -> None:
        self.rb, self.params, self.mode, self.project = runbook, params, mode, project
        self.reader = Reader(cloud)
        self.now = now or datetime.now(UTC)
        self.report = DriftReport(runbook=runbook.id, target=target)
        self.rules = residency.rules_for(runbook)
        self.done: dict[str, dict[str, Any]] = {}
        self.zones: dict[str, list[str]] = {}
        self._seen: dict[tuple[str, str], str | None] = {}
        self.ancestors = ancestors_of(runbook)
        self.created = self._created_names()
        """Resource name -> the step that creates it during a run (not there before: fine)."""

    def _created_names(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for step in self.rb.steps:
            if not isinstance(step, GcpStep):
                continue
            call = CATALOG.get(step.call)
            if call is None or not call.creates:
                continue
            try:
                name = templating.render_value(step.with_.get(call.creates), self.ctx())
            except TEMPLATE_ERRORS:  # named from what only a run produces
                continue
            if isinstance(name, str) and name:
                out.setdefault(name, step.id)
        return out

    def _changed_before(self, step_id: str) -> str | None:
        """A mutating step this one comes after (its checks describe the state it leaves)."""
        return next((s.id for s in self.rb.steps if self.ancestors.before(s.id, step_id)
                     and isinstance(s, GcpStep) and CATALOG[s.call].mutating), None)

    def run(self) -> DriftReport:
        """Check every step in plan order, then the zones the runbook names."""
        for sid in self.ancestors.topo:
            self.report.steps.append(self.check_step(self.rb.step(sid)))
        self.report.findings.extend(self._keep(self.zone_findings()))
        self.report.calls = list(self.reader.sent)
        return self.report

    # -- one step ------------------------------------------------------------------------------

    def ctx(self, result: Any = None) -> dict[str, Any]:
        run = {"mode": self.mode, "id": "<drift-check>", "operator": "drp check",
               "project": self.project or self.params.get("project", "")}
        return templating.context(params=self.params, steps=self.done, run=run, result=result)

    def check_step(self, step: Any) -> StepCheck:
        """One step: skipped, people's, local, not checked, or its calls (reads only)."""
        if step.modes is not None and self.mode not in step.modes:
            return StepCheck(step.id, "skipped", f"not run in {self.mode} mode")
        when_note = ""
        if step.when:
            try:
                if not templating.evaluate(step.when, self.ctx()):
                    return StepCheck(step.id, "skipped", f"when {step.when} is false")
            except TEMPLATE_ERRORS:  # reads what only a run produces
                when_note = f"; when {step.when} is decided during a run"
        if isinstance(step, ShellStep):
            return StepCheck(step.id, "local", "a local command: never run by the check")
        if not isinstance(step, (GcpStep, WaitStep)):
            return StepCheck(step.id, "people", f"a {step.type} step: people's work")
        call = CATALOG[step.call]
        try:
            args = templating.render_args(step.with_, self.ctx(), call)
        except TEMPLATE_ERRORS as exc:  # steps' outputs the check does not have
            return StepCheck(step.id, "not-checked", f"{step.call}: its arguments need what "
                             f"only a run produces ({exc})")
        checked = self.check_mutating(step, call, args) if call.mutating else \
            self.check_read(step, call, args)
        checked.detail += when_note
        for _, location in residency.locations(args):
            if _ZONE.match(location):
                self.zones.setdefault(location, []).append(step.id)
        refusal = residency.check(step.id, args, self.rules)
        if refusal is not None:
            checked.findings.append(Finding("residency", refusal, step.id))
        earlier = self._earlier(checked.findings)
        checked.findings = self._keep(checked.findings)
        if earlier:
            checked.detail += f"; as found at step {', '.join(earlier)}"
        if any(f.drift for f in checked.findings) or earlier:
            checked.status = "drift"
        return checked

    def check_read(self, step: Any, call: Any, args: dict[str, Any]) -> StepCheck:
        shown = f"{call.name}({_args_text(args)})"
        maker = self.created.get(str(args.get(call.resource) or ""))
        result, err = self.reader.read(call.name, args)
        if err is not None and maker is not None and getattr(err, "http_status", 0) == 404:
            return StepCheck(step.id, "not-checked", f"{shown}: reads what step {maker} creates "
                             "during a run")
        if err is not None:
            return StepCheck(step.id, "drift", shown, [self._error(step.id, call, args, err)])
        found = self.estate(step.id, call.name, args, result)
        expr = step.until if isinstance(step, WaitStep) else step.check
        holds = self._holds(expr, result) if expr else True
        if isinstance(step, WaitStep) and not holds:
            shown += f"; until {expr} is false now (a run would wait)"
        elif not holds:
            found.append(self._check_failed(step.id, expr or ""))
        outputs = {}
        if holds:
            for name, out in (step.outputs or {}).items():
                try:
                    outputs[name] = templating.evaluate(out, self.ctx(result))
                except TEMPLATE_ERRORS:  # an output the current state does not have
                    found.append(Finding("check", f"output {name} ({out}) cannot be read "
                                         "from the answer", step.id))
        self.done[step.id] = {"outputs": outputs, "status": "succeeded"}
        return StepCheck(step.id, "ok", shown, found)

    def check_mutating(self, step: Any, call: Any, args: dict[str, Any]) -> StepCheck:
        shown = f"not sent: {call.name}({_args_text(args)})"
        found: list[Finding] = []
        project = args.get("project")
        maker = self.created.get(str(args.get(call.resource) or ""))
        if maker is not None and maker != step.id:
            shown += f"; acts on what step {maker} creates"
        elif call.creates and call.service == "sql":
            name = args.get(call.creates)
            result, _ = self.reader.read("sql.instances.get", {"project": project,
                                                               "instance": name})
            if result is not None:
                found.append(Finding("exists", f"{call.name} would create {name}, which "
                                     "already exists: delete it or change the runbook", step.id))
        elif call.creates and "zone" in args:
            name = args.get(call.creates)
            result, _ = self.reader.read("compute.instances.get",
                                         {"project": project, "zone": args["zone"],
                                          "instance": name})
            if call.name == "compute.instances.insert" and result is not None:
                found.append(Finding("exists", f"{call.name} would create {name} in "
                                     f"{args['zone']}, which already exists", step.id))
        elif call.service == "sql" and "instance" in args:
            probe = {"project": project, "instance": args["instance"]}
            result, err = self.reader.read("sql.instances.get", probe)
            found += [self._error(step.id, call, args, err)] if err is not None else \
                estate.sql_backup_settings(result, step.id) + self._region(step.id, result)
        elif "zone" in args and "instance" in args:
            probe = {"project": project, "zone": args["zone"], "instance": args["instance"]}
            _, err = self.reader.read("compute.instances.get", probe)
            if err is not None:
                found.append(self._error(step.id, call, args, err))
        return StepCheck(step.id, "not-sent", shown, found)

    # -- helpers -------------------------------------------------------------------------------

    def estate(self, step_id: str, call: str, args: dict[str, Any], result: Any) -> list[Finding]:
        """The promises behind what a read returned: backups, snapshots."""
        if call == "sql.instances.get" and isinstance(result, dict):
            found = estate.sql_backup_settings(result, step_id)
            primary = result.get("instanceType") != "READ_REPLICA_INSTANCE"
            if primary and not found:
                runs, err = self.reader.read("sql.backupRuns.list", args)
                if err is None:
                    found += estate.sql_backup_runs(args["instance"], runs, self.now, step_id)
            return found
        if call == "sql.backupRuns.list" and isinstance(result, dict):
            return estate.sql_backup_runs(args["instance"], result, self.now, step_id)
        if call == "compute.snapshots.list" and isinstance(result, dict):
            return estate.snapshot_schedule(result, self.now, step_id)
        return []

    def zone_findings(self) -> list[Finding]:
        if not self.zones:
            return []
        project = self.project or self.params.get("project")
        vms = {}
        for zone in self.zones:
            listed, _ = self.reader.read("compute.instances.list",
                                         {"project": project, "zone": zone})
            vms[zone] = (listed or {}).get("items") or []
        sql, _ = self.reader.read("sql.instances.list", {"project": project})
        return estate.unused_zones(self.zones, vms, (sql or {}).get("items") or [])

    def _region(self, step_id: str, instance: dict[str, Any]) -> list[Finding]:
        """The residency rule for a Cloud SQL instance a mutating step acts on (its region is
        not in the step's arguments, so only a read can tell)."""
        region = str(instance.get("region") or "")
        for rule in self.rules:
            if region and region not in rule.regions:
                return [Finding("residency", f"step '{step_id}' acts on {instance.get('name')} "
                                f"in {region}, outside {rule.source} "
                                f"[{', '.join(rule.regions)}]", step_id)]
        return []

    def _check_failed(self, step_id: str, expr: str) -> Finding:
        """A check that does not hold is drift unless it describes the incident (`!=`, `not`)
        or follows a mutating step it depends on (it checks what that step leaves)."""
        changer = self._changed_before(step_id)
        if changer is not None:
            why = f"it checks what step {changer} leaves, fine before a run"
        elif _INCIDENT_CHECK.search(expr):
            why = "it describes the incident, fine in a healthy project"
        else:
            return Finding("check", f"check {expr} does not hold now: the resource is not as "
                           "planned", step_id)
        return Finding("check", f"check {expr} does not hold now: {why}", step_id, drift=False)

    def _holds(self, expr: str, result: Any) -> bool:
        try:
            return bool(templating.evaluate(expr, self.ctx(result)))
        except TEMPLATE_ERRORS:  # a field missing from the answer: it does not hold
            return False

    def _error(self, step_id: str, call: Any, args: dict[str, Any], err: Any) -> Finding:
        name = args.get(call.resource) or args.get("instance") or ""
        if getattr(err, "http_status", None) == 404:
            kind = "instance" if call.service == "sql" or "instance" in args else call.resource
            return Finding("gone", f"{kind} {name} is not found: renamed or deleted? update the "
                           "runbook or restore the resource", step_id)
        return Finding("error", f"{call.name} on {name or 'the project'} answered "
                       f"{err.http_status or ''} {err.message}".replace("  ", " "), step_id)

    def _keep(self, findings: list[Finding]) -> list[Finding]:
        """Findings not reported yet (the same instance is read by several steps)."""
        out = []
        for f in findings:
            if (f.kind, f.message) not in self._seen:
                self._seen[(f.kind, f.message)] = f.step
                out.append(f)
        return out

    def _earlier(self, findings: list[Finding]) -> list[str]:
        """The steps that already reported some of these findings."""
        return sorted({str(self._seen[(f.kind, f.message)]) for f in findings
                       if f.drift and (f.kind, f.message) in self._seen})


def _args_text(args: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in args.items() if k != "project")
