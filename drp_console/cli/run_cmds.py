"""`drp run`, `drp resume` and `drp runs`: start, continue and list runs (headless or in the TUI)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from drp_console.cli.options import (
    journal_option,
    operator_option,
    param_pairs,
    params_option,
    require_text,
    runs_dir_option,
    scenario_option,
)
from drp_console.exit_codes import ExitCode


def _fail(message: str, code: int, secrets: Callable[[], list[str]] = list) -> None:
    from drp_console.journal import Redactor

    click.echo(f"drp: {Redactor(secrets()).redact_text(message)}", err=True)
    sys.exit(code)


def _secrets_of(given: dict[str, str], runbook: str | None = None) -> Callable[[], list[str]]:
    """The `-p` values to keep out of error messages: the runbook's secret parameters, or every
    value given when the runbook cannot tell (resume: the values given again are the secrets)."""

    def values() -> list[str]:
        names: set[str] | None = None
        if runbook is not None:
            try:
                from drp_console.runbook.loader import load_runbook

                doc = load_runbook(runbook)
                names = {n for n, p in doc.parameters.items() if p.secret}
            except Exception:  # noqa: BLE001  (an unreadable runbook: mask everything given)
                names = None
        return [v for k, v in given.items() if v and (names is None or k in names)]

    return values


def _guarded(action: Callable[[], int], secrets: Callable[[], list[str]] = list) -> int:
    """Run a command body; every expected error becomes a message and its exit code.

    No message names a secret: `secrets` gives the values to mask."""
    from drp_console.alerts.incident import AlertError
    from drp_console.journal import JournalError, Redactor, RunLocked
    from drp_console.journal.pg_lease import LeaseHeld
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.runbook.params import ParameterError
    from drp_console.runner.headless import AnswersError
    from drp_console.runner.session import SessionError

    try:
        return action()
    except InvalidDocument as exc:
        for diag in getattr(exc, "diagnostics", None) or [exc]:
            click.echo(str(diag), err=True)
        return ExitCode.INVALID
    except (ParameterError, AlertError) as exc:
        _fail(str(exc), ExitCode.USAGE, secrets)
    except (RunLocked, LeaseHeld) as exc:  # another console drives the run
        _fail(str(exc), ExitCode.LOCKED, secrets)
    except SessionError as exc:
        _fail(str(exc), exc.exit_code, secrets)
    except (AnswersError, JournalError) as exc:
        _fail(str(exc), ExitCode.USAGE, secrets)
    except BrokenPipeError:  # the reader went away (`| head`): nothing left to tell
        return ExitCode.FAILED
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", ExitCode.FAILED, secrets)
    except click.ClickException as exc:
        exc.message = Redactor(secrets()).redact_text(exc.message)  # type: ignore[misc]
        raise
    except Exception as exc:  # never a traceback for the operator; say what to send us
        _fail(f"unexpected error: {type(exc).__name__}: {str(exc)[:300]}. The run's journal is "
              "intact; report this and resume the run with `drp resume`", ExitCode.FAILED, secrets)
    return ExitCode.FAILED


def _answers(path: str | None) -> dict[str, str] | None:
    """The `--answers` file read and checked, before anything is journaled (AnswersError)."""
    from drp_console.runner.headless import load_answers

    return load_answers(path) if path else None


def _drive(session: Any, headless: bool, answers: dict[str, str] | None, auto_approve: bool,
           runbooks_dir: Path, runs_dir: str | None, confirmed_project: bool = False,
           operator: str | None = None) -> int:
    """Run the session headless or in the console, and close it whatever happens
    (`operator`: `--operator`, whom headless answers are recorded under)."""
    try:
        if headless:
            from drp_console.runner.headless import HeadlessResponder, run_headless

            responder = HeadlessResponder(auto_approve=auto_approve, answers=answers, by=operator)
            return run_headless(session, responder, sys.stdout)
        from drp_console.ui.launch import run_console

        return int(run_console(session, runbooks_dir=runbooks_dir, runs_dir=runs_dir,
                               operator=session.ctx.operator,
                               confirmed_project=confirmed_project) or 0)
    finally:
        session.close()


_answer_options = [
    click.option("--headless", is_flag=True, help="Run without the console, printing progress."),
    click.option("--answers", type=click.Path(dir_okay=False),
                 help="YAML: step id -> approve|reject|done|<option>|verified|rerun|skip; a "
                      "reason after a colon, quoted: \"reject: why\"."),
    click.option("--auto-approve", is_flag=True,
                 help="Approve, tick and take the first option of everything not in --answers."),
    click.option("--operator", help="Your name in the journal, and headless answers' author "
                 "(default: $DRP_OPERATOR, git's user.name, your login name; the console asks, "
                 "prefilled)."),
    click.option("--runs-dir", type=click.Path(file_okay=False),
                 help="Where runs are kept (default: $DRP_RUNS_DIR or the user state dir)."),
    click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
                 help="A runbook parameter (repeatable)."),
]


def _with_answer_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options `drp run` and `drp resume` share."""
    for option in (params_option, runs_dir_option, operator_option,
                   click.option("--auto-approve", is_flag=True,
                                help="Approve, tick and take the first option of everything "
                                     "not in --answers."),
                   click.option("--answers", type=click.Path(dir_okay=False),
                                help="YAML: step id -> approve|reject|done|<option>|verified|"
                                     "rerun|skip; a reason after a colon, quoted: "
                                     "\"reject: why\"."),
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
@journal_option
@_with_answer_options
def run(runbook: str, scenario: str | None, sim_endpoint: str | None, mode: str, live: bool,
        confirm_project: str | None, incident_start: str | None, alert_file: str | None,
        journal: str | None, headless: bool,
        answers: str | None, auto_approve: bool, operator: str | None, runs_dir: str | None,
        params: tuple[str, ...]) -> None:
    """Start a run of RUNBOOK (simulated unless --live)."""
    given = param_pairs(params)
    require_text(RUNBOOK=runbook, scenario=scenario, operator=operator, runs_dir=runs_dir,
                 answers=answers, incident_start=incident_start)
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
    url = _journal_url(journal)

    def body() -> int:
        from drp_console.runner.session import RunSession, parse_incident_start

        try:
            started_at = parse_incident_start(incident_start)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        answered = _answers(answers)
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
            project=confirm_project if live else None, incident_start=started_at, alert=alert,
            journal_url=url)
        if live and confirm_project and session.ctx.project != confirm_project:
            session.close()
            raise click.UsageError(f"the run would act on {session.ctx.project}, not on "
                                   f"--confirm-project {confirm_project}")
        return _drive(session, headless, answered, auto_approve, Path(runbook).parent, runs_dir,
                      confirmed_project=bool(live and confirm_project), operator=operator)

    sys.exit(_guarded(body, _secrets_of(given, runbook)))


@click.command()
@click.argument("run_ref", metavar="RUN")
@click.option("--confirm-project", metavar="ID",
              help="A live run's project id, typed, to resume it --headless.")
@journal_option
@_with_answer_options
def resume(run_ref: str, confirm_project: str | None, journal: str | None, headless: bool,
           answers: str | None,
           auto_approve: bool, operator: str | None, runs_dir: str | None,
           params: tuple[str, ...]) -> None:
    """Continue RUN (an id, a unique prefix, or a run directory) after a crash or a stop.

    With --journal (or DRP_JOURNAL), RUN is a shared run: this console takes it over once its
    driver's lease has expired (exit 4 while someone drives it)."""
    given = param_pairs(params)
    require_text(RUN=run_ref, operator=operator, runs_dir=runs_dir, answers=answers)
    url = _journal_url(journal)

    def body() -> int:
        from drp_console.runner.session import RunSession

        answered = _answers(answers)
        finished = None if url else _finished_note(run_ref, runs_dir)
        if finished:
            click.echo(finished)
            return ExitCode.OK
        session = RunSession.resume(run_ref, operator=operator, runs_dir=runs_dir, params=given,
                                    journal_url=url)
        live = session.ctx.mode == "live"
        if live and headless and confirm_project != session.ctx.project:
            session.close()
            raise click.UsageError(f"run {session.ctx.run_id} acts on live project "
                                   f"{session.ctx.project}: resume it --headless only with "
                                   f"--confirm-project {session.ctx.project}")
        return _drive(session, headless, answered, auto_approve, Path("runbooks"), runs_dir,
                      confirmed_project=live and confirm_project == session.ctx.project,
                      operator=operator)

    sys.exit(_guarded(body, _secrets_of(given)))


def _journal_url(option: str | None) -> str | None:
    """`--journal` or `DRP_JOURNAL`: the shared journal's URL, or None (local files)."""
    from drp_console.journal.backend import journal_url

    try:
        return journal_url(option)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None


def _finished_note(run_ref: str, runs_dir: str | None) -> str | None:
    """For a run that already finished, the sentence saying so and where its report is (a
    finished run is not reopened: its journal and reports stay as they are); else None."""
    from drp_console.journal import default_runs_dir, find_run
    from drp_console.journal.rundir import summarize_run
    from drp_console.report.writer import where_report

    run_dir = find_run(Path(runs_dir).expanduser() if runs_dir else default_runs_dir(), run_ref)
    summary = summarize_run(run_dir)
    if summary.status not in ("succeeded", "failed", "aborted"):
        return None
    return (f"Run {summary.run_id} already finished ({summary.status}): there is nothing to "
            f"resume. {where_report(summary.run_id, run_dir)}")


@click.command()
@runs_dir_option
@journal_option
def runs(runs_dir: str | None, journal: str | None) -> None:
    """List the runs, newest first: id, runbook, mode, status, started, progress."""

    def body() -> int:
        from drp_console.journal import list_runs
        from drp_console.journal.backend import journal_url

        try:
            url = journal_url(journal)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        found = list_runs(runs_dir)
        if url is not None:
            from drp_console.journal.pg_store import PgStore

            with PgStore(url) as store:
                store.check_schema()
                found += store.summaries()
        rows = [("RUN", "RUNBOOK", "MODE", "STATUS", "STARTED", "PROGRESS")]
        for r in found:
            held = "driven" if r.journal else "held"
            status = r.status + (f" ({held} by {r.holder.get('user', '?')})" if r.holder else "")
            status += " [shared]" if r.journal else ""
            rows.append((r.run_id, r.runbook_id or "?", r.mode or "?", status,
                         (r.started or "")[:19].replace("T", " "),
                         f"{r.steps_done}/{r.steps_total}"))
        if len(rows) == 1:
            click.echo("no runs yet")
            return ExitCode.OK
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
        for row in rows:
            click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        return ExitCode.OK

    sys.exit(_guarded(body))
