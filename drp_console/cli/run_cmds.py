"""`drp run`, `drp resume` and `drp runs`: start, continue and list runs (headless or in the TUI)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from drp_console.exit_codes import ExitCode

from drp_console.cli.options import (operator_option, param_pairs, params_option, runs_dir_option,
                                     scenario_option)



def _fail(message: str, code: int) -> None:
    click.echo(f"drp: {message}", err=True)
    sys.exit(code)


def _guarded(action: Callable[[], int]) -> int:
    """Run a command body; every expected error becomes a message and its exit code."""
    from drp_console.runner.headless import AnswersError
    from drp_console.runner.session import SessionError
    from drp_console.journal import JournalError, RunLocked
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.runbook.params import ParameterError
    from drp_console.alerts.incident import AlertError

    try:
        return action()
    except InvalidDocument as exc:
        for diag in getattr(exc, "diagnostics", None) or [exc]:
            click.echo(str(diag), err=True)
        return ExitCode.INVALID
    except (ParameterError, AlertError) as exc:
        _fail(str(exc), ExitCode.USAGE)
    except RunLocked as exc:
        _fail(str(exc), ExitCode.LOCKED)
    except SessionError as exc:
        _fail(str(exc), exc.exit_code)
    except (AnswersError, JournalError) as exc:
        _fail(str(exc), ExitCode.USAGE)
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to tell
        return ExitCode.FAILED
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", ExitCode.FAILED)
    except click.ClickException:
        raise
    except Exception as exc:  # never a traceback for the operator; say what to send us
        _fail(f"unexpected error: {exc!r}. The run's journal is intact; report this and "
              "resume the run with `drp resume`", ExitCode.FAILED)
    return ExitCode.FAILED


def _responder(answers: str | None, auto_approve: bool) -> Any:
    from drp_console.runner.headless import HeadlessResponder, load_answers

    return HeadlessResponder(auto_approve=auto_approve,
                             answers=load_answers(answers) if answers else None)


def _drive(session: Any, headless: bool, answers: str | None, auto_approve: bool,
           runbooks_dir: Path, runs_dir: str | None, confirmed_project: bool = False) -> int:
    """Run the session headless or in the console, and close it whatever happens."""
    try:
        if headless:
            from drp_console.runner.headless import run_headless

            return run_headless(session, _responder(answers, auto_approve), sys.stdout)
        from drp_console.ui.launch import run_console

        return int(run_console(session, runbooks_dir=runbooks_dir, runs_dir=runs_dir,
                               operator=session.ctx.operator,
                               confirmed_project=confirmed_project) or 0)
    finally:
        session.close()


def _with_answer_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options `drp run` and `drp resume` share."""
    for option in (params_option, runs_dir_option, operator_option,
                   click.option("--auto-approve", is_flag=True,
                                help="Approve, tick and take the first option of everything "
                                     "not in --answers."),
                   click.option("--answers", type=click.Path(dir_okay=False),
                                help="YAML: step id -> approve|reject|done|<option>|verified|"
                                     "rerun|skip."),
                   click.option("--headless", is_flag=True,
                                help="Run without the console, printing progress.")):
        fn = option(fn)
    return fn


@click.command()
@click.argument("runbook", type=click.Path(dir_okay=False))
@scenario_option("Simulation scenario (default: the runbook's `scenario:`).")
@click.option("--sim-endpoint", help="URL of a running `drp sim serve` instead of the embedded one.")
@click.option("--mode", type=click.Choice(["simulate", "training"]), default="simulate",
              show_default=True)
@click.option("--live", is_flag=True, help="Act on real Google Cloud (needs the project typed).")
@click.option("--confirm-project", metavar="ID", help="The project id, typed, for --live --headless.")
@click.option("--incident-start", metavar="ISO", help="When the incident began (for the RPO).")
@click.option("--alert", "alert_file", metavar="FILE",
              help="Start from a Cloud Monitoring incident notification (webhook JSON; `-` reads "
                   "stdin): detected at its start, parameters from its labels.")
@_with_answer_options
def run(runbook: str, scenario: str | None, sim_endpoint: str | None, mode: str, live: bool,
        confirm_project: str | None, incident_start: str | None, alert_file: str | None,
        headless: bool,
        answers: str | None, auto_approve: bool, operator: str | None, runs_dir: str | None,
        params: tuple[str, ...]) -> None:
    """Start a run of RUNBOOK (simulated unless --live)."""
    given = param_pairs(params)
    if live:
        if scenario or sim_endpoint:
            raise click.UsageError("--live acts on real Google Cloud: drop --scenario/--sim-endpoint")
        if headless and not confirm_project:
            raise click.UsageError("--live --headless needs --confirm-project ID (the project "
                                   "the run will change, typed out)")
        if confirm_project and given.get("project", confirm_project) != confirm_project:
            raise click.UsageError(f"--confirm-project {confirm_project} does not match "
                                   f"-p project={given['project']}")

    if alert_file and incident_start:
        raise click.UsageError("--alert gives the incident start: drop --incident-start")

    def body() -> int:
        from drp_console.runner.session import RunSession, parse_incident_start

        try:
            started_at = parse_incident_start(incident_start)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        alert = None
        if alert_file:
            from drp_console.alerts.incident import read_alert

            alert = read_alert(alert_file)
            if alert.state == "closed":
                click.echo(f"drp run: note: {alert.summary_line()} is closed; the run still "
                           "counts from its start", err=True)
        session = RunSession.start(
            runbook, mode="live" if live else mode, params=given, scenario_path=scenario,
            sim_endpoint=sim_endpoint, operator=operator, runs_dir=runs_dir,
            project=confirm_project if live else None, incident_start=started_at, alert=alert)
        if live and confirm_project and session.ctx.project != confirm_project:
            session.close()
            raise click.UsageError(f"the run would act on {session.ctx.project}, not on "
                                   f"--confirm-project {confirm_project}")
        return _drive(session, headless, answers, auto_approve, Path(runbook).parent, runs_dir,
                      confirmed_project=bool(live and confirm_project))

    sys.exit(_guarded(body))


@click.command()
@click.argument("run_ref", metavar="RUN")
@click.option("--confirm-project", metavar="ID",
              help="A live run's project id, typed, to resume it --headless.")
@_with_answer_options
def resume(run_ref: str, confirm_project: str | None, headless: bool, answers: str | None,
           auto_approve: bool, operator: str | None, runs_dir: str | None,
           params: tuple[str, ...]) -> None:
    """Continue RUN (an id, a unique prefix, or a run directory) after a crash or a stop."""
    given = param_pairs(params)

    def body() -> int:
        from drp_console.runner.session import RunSession

        session = RunSession.resume(run_ref, operator=operator, runs_dir=runs_dir, params=given)
        live = session.ctx.mode == "live"
        if live and headless and confirm_project != session.ctx.project:
            session.close()
            raise click.UsageError(f"run {session.ctx.run_id} acts on live project "
                                   f"{session.ctx.project}: resume it --headless only with "
                                   f"--confirm-project {session.ctx.project}")
        return _drive(session, headless, answers, auto_approve, Path("runbooks"), runs_dir,
                      confirmed_project=live and confirm_project == session.ctx.project)

    sys.exit(_guarded(body))


@click.command()
@runs_dir_option
def runs(runs_dir: str | None) -> None:
    """List the runs, newest first: id, runbook, mode, status, started, progress."""

    def body() -> int:
        from drp_console.journal import list_runs

        rows = [("RUN", "RUNBOOK", "MODE", "STATUS", "STARTED", "PROGRESS")]
        for r in list_runs(runs_dir):
            status = r.status + (f" (held by {r.holder.get('user', '?')})" if r.holder else "")
            rows.append((r.run_id, r.runbook_id or "?", r.mode or "?", status,
                         (r.started or "")[:19].replace("T", " "),
                         f"{r.steps_done}/{r.steps_total}"))
        if len(rows) == 1:
            click.echo("no runs yet")
            return ExitCode.OK
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
        return ExitCode.OK

    sys.exit(_guarded(body))
