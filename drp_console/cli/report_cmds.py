"""`drp report`: the post-incident timeline report of a run, in one format or all four."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from drp_console.cli.options import operator_option, runs_dir_option
from drp_console.exit_codes import ExitCode

_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".json": "json",
             ".csv": "csv"}


def _fail(message: str, code: int) -> None:
    click.echo(f"drp report: {message}", err=True)
    sys.exit(code)


@click.command()
@click.argument("run_ref", metavar="RUN")
@click.argument("assignments", nargs=-1, metavar="[owner=NAME] [due=YYYY-MM-DD]")
@click.option("-f", "--format", "formats", multiple=True,
              type=click.Choice(["md", "html", "json", "csv"]),
              help="md, html, json or csv (repeatable). Default: all four.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="File to write (one format) or directory (several). Without it, one format "
                   "goes to standard output and all four into the run directory.")
@click.option("--tz", "zone", default=None, metavar="ZONE",
              help="Your time zone, shown beside UTC (IANA name, e.g. Europe/Berlin; default: "
                   "this machine's). A zone on UTC's clock (UTC, Etc/UTC) prints times once.")
@click.option("--action", "action", default=None, metavar="ID",
              help="Set the owner and/or due date of improvement action ID (A1, A2, ... as the "
                   "report numbers them): `--action A1 owner=ana due=2026-12-31`. Journaled in "
                   "the run's journal (also after the run finished), then the report is written.")
@operator_option
@runs_dir_option
def report(run_ref: str, assignments: tuple[str, ...], formats: tuple[str, ...],
           output: str | None, zone: str | None, action: str | None, operator: str | None,
           runs_dir: str | None) -> None:
    """Write the post-incident report of RUN (a run id, a unique prefix of one, or a run
    directory). A run that has not finished gets a DRAFT report, marked so."""
    from drp_console.cli import report_action
    from drp_console.journal.events import JournalError
    from drp_console.journal.rundir import RunNotFound, default_runs_dir, find_run
    from drp_console.report.intake import ReportError
    from drp_console.report.moments import UnknownZone, resolve_zone
    from drp_console.report.render import FORMATS, render
    from drp_console.report.writer import load_report, write_all_atomic, write_atomic

    chosen = list(dict.fromkeys(formats))
    target = Path(output).expanduser() if output else None
    if target is not None and not chosen and target.suffix.lower() in _SUFFIXES:
        chosen = [_SUFFIXES[target.suffix.lower()]]
    try:
        resolve_zone(zone)
        run_dir = find_run(Path(runs_dir) if runs_dir else default_runs_dir(), run_ref)
        if action is not None or assignments:
            update = report_action.parse(action or "", assignments)
            from drp_console.engine.operator import guess_operator

            report_action.journal_update(run_dir, update, guess_operator(operator))
            click.echo(f"drp report: {update.action} " + ", ".join(
                f"{k} {v}" for k, v in (("owner", update.owner), ("due", update.due)) if v)
                + " (journaled)", err=True)
        built = load_report(run_dir, zone)
        if built.draft:
            click.echo(f"drp report: DRAFT: the run has not finished ({built.header.status}); "
                       "write the report again when it ends", err=True)
    except UnknownZone as exc:
        _fail(str(exc), ExitCode.USAGE)
    except RunNotFound as exc:
        _fail(str(exc), ExitCode.USAGE)
    except report_action.ActionError as exc:
        _fail(str(exc), ExitCode.USAGE)
    except (JournalError, ReportError) as exc:
        _fail(str(exc), ExitCode.FAILED)

    try:
        if target is None and len(chosen) == 1:
            click.echo(render(built, chosen[0]), nl=False)
            sys.exit(ExitCode.OK)
        if target is not None and len(chosen) == 1 and not target.is_dir():
            if not target.parent.is_dir():
                _fail(f"cannot write {target}: the directory {target.parent} does not exist",
                      ExitCode.USAGE)
            write_atomic(target, render(built, chosen[0]))
            click.echo(str(target))
            sys.exit(ExitCode.OK)
        folder = target if target is not None else run_dir
        if not folder.is_dir():
            _fail(f"cannot write into {folder}: it is not a directory (give an existing "
                  "directory, or one format with a file name)", ExitCode.USAGE)
        files = {folder / f"report.{fmt}": render(built, fmt) for fmt in chosen or FORMATS}
        write_all_atomic(files)
        for path in files:
            click.echo(str(path))
    except OSError as exc:
        _fail(f"cannot write the report: {exc.strerror or exc} ({exc.filename or ''})",
              ExitCode.FAILED)
    sys.exit(ExitCode.OK)
