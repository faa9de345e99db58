"""`drp alerts match`: which runbooks a Cloud Monitoring incident notification triggers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from drp_console.exit_codes import ExitCode


@click.group()
def alerts() -> None:
    """Cloud Monitoring alerts and the runbooks they start (`triggers:` in a runbook)."""


@alerts.command()
@click.argument("alert_file", metavar="FILE")
@click.option("--runbooks", "folder", type=click.Path(file_okay=False), default="runbooks",
              show_default=True, help="The directory of runbooks to match.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document for scripts.")
def match(alert_file: str, folder: str, as_json: bool) -> None:
    """Say which runbooks the incident in FILE (`-`: stdin) triggers, and the parameters it
    would fill. Exit 0 when one or more match, 1 when none, 2 for a bad file or directory."""
    sys.exit(_match(alert_file, Path(folder), as_json))


def _match(alert_file: str, folder: Path, as_json: bool) -> int:
    from drp_console.alerts.incident import AlertError, read_alert
    from drp_console.alerts.matching import alert_params, triggered_by
    from drp_console.plandoc.export import runbook_files
    from drp_console.runbook.validate import validate_file

    try:
        incident = read_alert(alert_file)
    except AlertError as exc:
        click.echo(f"drp alerts: {exc}", err=True)
        return ExitCode.USAGE
    if not folder.is_dir():
        click.echo(f"drp alerts: {folder} is not a directory: give --runbooks DIR", err=True)
        return ExitCode.USAGE
    found: list[dict[str, Any]] = []
    for path in runbook_files(folder):
        runbook, diags = validate_file(path)
        if runbook is None or any(d.is_error for d in diags):
            click.echo(f"drp alerts: {path} is not valid, not matched (`drp validate` says "
                       "why)", err=True)
            continue
        if not triggered_by(runbook, incident):
            continue
        try:
            params = alert_params(runbook, incident, {})
            problem = None
        except AlertError as exc:
            params, problem = {}, str(exc)
        mapped = {n: v for n, v in params.items() if not runbook.parameters[n].secret}
        found.append({"path": str(path), "id": runbook.id, "title": runbook.title,
                      "params": mapped, "problem": problem})
    if as_json:
        click.echo(json.dumps({"incident": {"policy_name": incident.policy_name,
                                            "incident_id": incident.incident_id,
                                            "state": incident.state,
                                            "started_at": incident.started_at.isoformat()},
                               "runbooks": found}, indent=2))
    else:
        _print(incident, found)
    return ExitCode.OK if found else ExitCode.FAILED


def _print(incident: Any, found: list[dict[str, Any]]) -> None:
    click.echo(incident.summary_line())
    if incident.state == "closed":
        click.echo("the incident is closed: a run started from it still counts from its start")
    if not found:
        click.echo(f"no runbook lists policy {incident.policy_name!r} in its triggers")
        return
    for item in found:
        click.echo(f"triggers {item['id']}  ({item['path']}): {item['title']}")
        for name, value in item["params"].items():
            click.echo(f"    -p {name}={value}")
        if item["problem"]:
            click.echo(f"    but: {item['problem']}")
        click.echo(f"    start it: drp run {item['path']} --alert {incident.source}")
