"""`drp check`: the drift check of a runbook against its project (simulated unless --live)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from drp_console.cli.options import param_pairs, params_option, scenario_option
from drp_console.exit_codes import ExitCode

MARKS = {"ok": "ok", "drift": "DRIFT", "skipped": "skip", "not-sent": "not sent",
         "people": "people", "local": "local", "not-checked": "?"}


@click.command()
@click.argument("runbook", type=click.Path())
@click.option("--live", is_flag=True, help="Read the real project (Application Default "
              "Credentials) instead of the simulated one.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document, for CI.")
@params_option
@scenario_option("The simulated world to check against (default: the runbook's scenario).")
@click.option("--sim-endpoint", help="URL of a running `drp sim serve` instead of the embedded one.")
def check(runbook: str, live: bool, as_json: bool, params: tuple[str, ...],
          scenario: str | None, sim_endpoint: str | None) -> None:
    """Check that RUNBOOK still matches its project: its read calls, checks, `when` conditions
    and parameters, step by step. Nothing that changes anything is sent, in any mode.

    Exit 0 clean, 1 drift, 2 usage, 3 invalid runbook or scenario.
    """
    if live and (scenario or sim_endpoint):
        raise click.UsageError("--live reads real Google Cloud: drop --scenario/--sim-endpoint")
    sys.exit(_check(runbook, live, as_json, param_pairs(params), scenario, sim_endpoint))


def _check(path: str, live: bool, as_json: bool, given: dict[str, str], scenario: str | None,
           sim_endpoint: str | None) -> int:
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.runbook.loader import load_runbook
    from drp_console.runbook.params import ParameterError, resolve_params
    from drp_console.runbook.residency import ResidencyConfigError

    try:
        runbook = load_runbook(path)
        values = resolve_params(runbook, given)
        with _world(runbook, live, scenario, sim_endpoint, values) as (cloud, project, target):
            from drp_console.drift.probe import DriftCheck

            report = DriftCheck(runbook, values, cloud, mode="live" if live else "simulate",
                                project=project, target=target).run()
    except InvalidDocument as exc:
        for d in exc.diagnostics:
            click.echo(str(d), err=True)
        return ExitCode.INVALID
    except ResidencyConfigError as exc:
        click.echo(f"drp check: {exc}", err=True)
        return ExitCode.INVALID
    except (ParameterError, _Usage) as exc:
        click.echo(f"drp check: {exc}", err=True)
        return ExitCode.USAGE
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        _print(report)
    return ExitCode.FAILED if report.drifted else ExitCode.OK


class _Usage(Exception):
    """No world to check against."""


class _world:
    """The Cloud to read: an embedded simulator (no state file: nothing is kept), an external
    one, or the live project."""

    def __init__(self, runbook: Any, live: bool, scenario: str | None, endpoint: str | None,
                 values: dict[str, Any]) -> None:
        self.args = (runbook, live, scenario, endpoint, values)
        self.sim: Any = None

    def __enter__(self) -> tuple[Any, str | None, str]:
        from drp_console.gcp.clients import Cloud
        from drp_console.runner.session import (
            SessionError,
            check_live_credentials,
            sim_health,
        )

        runbook, live, scenario, endpoint, values = self.args
        project = str(values["project"]) if values.get("project") else None
        if live:
            if not project:
                raise _Usage("--live needs the project: pass -p project=ID")
            try:
                check_live_credentials()
            except SessionError as exc:
                raise _Usage(str(exc)) from None
            return Cloud(None, project), project, f"live project {project}"
        if endpoint is not None:
            health = sim_health(endpoint)
            if not health:
                raise _Usage(f"no simulator answers at {endpoint}: start it with `drp sim serve`")
            return Cloud(endpoint, project), project, f"simulator at {endpoint}"
        path = Path(scenario) if scenario else runbook.scenario_path()
        if path is None:
            raise _Usage(f"runbook {runbook.id!r} names no scenario: pass --scenario FILE, "
                         "--sim-endpoint URL, or --live")
        from drp_console.sim.scenario import load_scenario
        from drp_console.sim.server import SimServer

        world = load_scenario(path)
        self.sim = SimServer(world)
        endpoint = self.sim.start()
        project = project or world.project
        return Cloud(endpoint, project), project, f"simulated (scenario {world.id})"

    def __exit__(self, *exc: object) -> None:
        if self.sim is not None:
            self.sim.stop()


def _print(report: Any) -> None:
    click.echo(f"drift check of {report.runbook} against {report.target}")
    for step in report.steps:
        click.echo(f"  {MARKS[step.status]:<9} {step.id:<24} {step.detail}".rstrip())
        for f in step.findings:
            click.echo(f"            {'!' if f.drift else '-'} {f.message}")
    for f in report.findings:
        click.echo(f"  {'DRIFT' if f.drift else 'note':<9} {f.message}")
    drift = [f for f in report.all_findings if f.drift]
    click.echo(f"result: {'drift' if drift else 'clean'} ({len(drift)} finding"
               f"{'s' * (len(drift) != 1)}; {len(report.calls)} read call"
               f"{'s' * (len(report.calls) != 1)}, nothing changed)")
