"""`drp export` (the written plan) and `drp history` (the evidence of its testing)."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from drp_console.cli.options import runs_dir_option
from drp_console.cli.runbook_cmds import guarded, show
from drp_console.exit_codes import ExitCode

_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def _say(command: str, message: str) -> None:
    click.echo(f"drp {command}: {message}", err=True)


def _runs_dir(runs_dir: str | None) -> Path:
    from drp_console.journal.rundir import default_runs_dir

    return Path(runs_dir).expanduser() if runs_dir else default_runs_dir()


def _drills(runs_dir: Path, command: str) -> list[Any]:
    from drp_console.plandoc.drills import load_drills

    drills, problems = load_drills(runs_dir)
    for problem in problems:
        _say(command, f"run left out, its journal cannot be read: {problem}")
    return drills


def _load_or_report(path: Path) -> Any:
    from drp_console.plandoc.export import load

    runbook, errors = load(path)
    for d in errors:
        click.echo(show(d), err=True)
    return runbook


@click.command()
@click.argument("runbook", type=click.Path())
@click.option("-f", "--format", "fmt", type=click.Choice(["md", "html", "pdf"]), default=None,
              help="md, html (with the step graph) or pdf (printed by headless Chromium). "
                   "Default: from the -o file's extension, else md.")
@click.option("-o", "--output", type=click.Path(), default=None,
              help="The file to write; for a directory of runbooks, the directory to write the "
                   "plans and their index into. Without it, md and html go to standard output.")
@click.option("--runs-dir", type=click.Path(file_okay=False), default=None,
              help="Where runs are kept, for each plan's last drill (default: $DRP_RUNS_DIR or "
                   "the user state dir).")
@guarded
def export(runbook: str, fmt: str | None, output: str | None, runs_dir: str | None) -> int:
    """Write RUNBOOK as a plan document for auditors and the binder: purpose, owner, version
    and hash, objectives, roles, parameters, the step graph, every step in words, and the last
    drill's result.

    RUNBOOK is a runbook file, or a directory: then every runbook in it is exported into the
    -o directory with an index page. Exit 3 when a runbook is invalid.
    """
    source = Path(runbook)
    target = Path(output).expanduser() if output else None
    if fmt is None:
        fmt = _SUFFIXES.get(target.suffix.lower(), "md") if target and not source.is_dir() \
            else "md"
    if not source.exists():
        _say("export", f"{runbook}: no such file or directory")
        return ExitCode.USAGE
    if source.is_dir():
        if target is None:
            _say("export", "exporting a directory needs -o DIR, the directory to write into")
            return ExitCode.USAGE
        return _export_dir(source, fmt, target, _runs_dir(runs_dir))
    if fmt == "pdf" and target is None:
        _say("export", "a PDF needs -o FILE.pdf")
        return ExitCode.USAGE
    doc = _load_or_report(source)
    if doc is None:
        return ExitCode.INVALID
    as_dir = output is not None and output.endswith(("/", os.sep))  # `-o plans/`: a dir
    return _export_one(doc, fmt, target, _drills(_runs_dir(runs_dir), "export"), as_dir)


def _export_one(doc: Any, fmt: str, target: Path | None, drills: list[Any],
                as_dir: bool = False) -> int:
    from drp_console.plandoc.export import plan_text, write_plan
    from drp_console.plandoc.pdf import NoBrowser, PdfError

    if target is None:
        click.echo(plan_text(doc, fmt, drills), nl=False)
        return ExitCode.OK
    if target.is_dir() or as_dir:
        from drp_console.plandoc.export import EXTENSIONS

        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            _say("export", f"cannot create the directory {target}: {exc.strerror or exc}")
            return ExitCode.FAILED
        target = target / f"{doc.id}{EXTENSIONS[fmt]}"
    if not target.parent.is_dir():
        _say("export", f"cannot write {target}: the directory {target.parent} does not exist")
        return ExitCode.USAGE
    try:
        click.echo(str(write_plan(doc, fmt, target, drills)))
    except PdfError as exc:  # no Chromium: exit 2; Chromium failed to print: exit 1
        _say("export", str(exc))
        return ExitCode.USAGE if isinstance(exc, NoBrowser) else ExitCode.FAILED
    except OSError as exc:
        _say("export", f"cannot write {target}: {exc.strerror or exc}")
        return ExitCode.FAILED
    return ExitCode.OK


def _export_dir(source: Path, fmt: str, folder: Path, runs_dir: Path) -> int:
    from drp_console.plandoc.export import (
        EXTENSIONS,
        index_entry,
        runbook_files,
        write_index,
        write_plan,
    )
    from drp_console.plandoc.pdf import NoBrowser, PdfError, find_browser

    files = runbook_files(source)
    if not files:
        _say("export", f"no runbooks (*.yaml) in {source}")
        return ExitCode.USAGE
    if fmt == "pdf" and find_browser() is None:
        _say("export", "PDF needs Chromium and none was found: install it (apt-get install "
                       "chromium) or export --format html")
        return ExitCode.USAGE
    if folder.exists() and not folder.is_dir():
        _say("export", f"{folder} is not a directory: give a directory for -o")
        return ExitCode.USAGE
    drills = _drills(runs_dir, "export")
    invalid = 0
    entries = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            doc = _load_or_report(path)
            if doc is None:
                invalid += 1
                continue
            name = f"{doc.id}{EXTENSIONS[fmt]}"
            click.echo(str(write_plan(doc, fmt, folder / name, drills)))
            entries.append(index_entry(doc, drills, name))
        click.echo(str(write_index(entries, fmt, folder)))
    except PdfError as exc:  # no Chromium: exit 2; Chromium failed to print: exit 1
        _say("export", str(exc))
        return ExitCode.USAGE if isinstance(exc, NoBrowser) else ExitCode.FAILED
    except OSError as exc:
        _say("export", f"cannot write into {folder}: {exc.strerror or exc}")
        return ExitCode.FAILED
    if invalid:
        _say("export", f"{invalid} invalid runbook{'s' * (invalid != 1)} not exported "
                       "(`drp validate` shows why)")
        return ExitCode.INVALID
    return ExitCode.OK


def _as_of(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC)
    from drp_console.journal.timing import parse_ts

    when = parse_ts(text if "T" in text else f"{text}T00:00:00Z")
    if when is None:
        raise click.UsageError(f"--as-of {text!r}: write a date (2026-12-31) or a UTC time "
                               "(2026-12-31T18:00:00Z)")
    return when


def _runbooks_for(target: str | None) -> tuple[list[Any], str | None] | None:
    """(runbooks given as files, the one runbook id asked for or None); None when invalid."""
    from drp_console.plandoc.drills import KnownRunbook
    from drp_console.plandoc.export import runbook_files

    if target is None:
        folder = Path("runbooks")
        paths = runbook_files(folder) if folder.is_dir() else []
        only = None
    elif Path(target).is_dir():
        paths, only = runbook_files(Path(target)), None
    elif Path(target).is_file():
        paths, only = [Path(target)], ""
    else:  # a runbook id
        return [], target
    known = []
    for path in paths:
        doc = _load_or_report(path)
        if doc is None:
            if only == "" or target is not None:
                return None
            continue  # ./runbooks by default: a broken file there does not hide the history
        known.append(KnownRunbook(doc.id, doc.title, doc.review_every, doc.objectives.rto,
                                  doc.objectives.rpo))
        if only == "":
            only = doc.id
    return known, only


@click.command()
@click.argument("runbook", required=False)
@click.option("--html", "html_path", type=click.Path(dir_okay=False), default=None,
              help="Also write the history as an HTML page with an RTO trend chart per runbook "
                   "and the drills register.")
@runs_dir_option
@click.option("--as-of", "as_of", metavar="DATE", default=None,
              help="Judge overdue drills as of this date or UTC time (default: now).")
@guarded
def history(runbook: str | None, html_path: str | None, runs_dir: str | None,
            as_of: str | None) -> int:
    """Every run of each runbook over time: mode, date, result, RTO and RPO achieved against
    target, people, steps skipped by a person, open actions; then the drills register: when
    each runbook was last tested, live or in a game-day, and which are overdue by their
    `review_every`.

    RUNBOOK is a runbook file, a directory of runbooks, or a runbook id; without it, every run
    and the runbooks in ./runbooks. Only runs at speed 1 count toward RTO trends and tests.
    """
    from drp_console.plandoc.drills import known_runbooks, load_drills, register
    from drp_console.plandoc.history import history_context, history_text

    when = _as_of(as_of)
    given = _runbooks_for(runbook)
    if given is None:
        return ExitCode.INVALID
    files, only = given
    drills, problems = load_drills(_runs_dir(runs_dir), only)
    for problem in problems:
        _say("history", f"run left out, its journal cannot be read: {problem}")
    runbooks = known_runbooks(drills, files)
    if only is not None:
        runbooks = [rb for rb in runbooks if rb.id == only]
        if not runbooks:
            _say("history", f"no runbook {only!r}: no run of it in the runs directory and no "
                            "such file (give the runbook's file or id, or --runs-dir)")
            return ExitCode.USAGE
    entries = register(drills, runbooks, when)
    click.echo(history_text(runbooks, drills, entries, when), nl=False)
    if html_path:
        return _write_history_html(Path(html_path), history_context(runbooks, drills, entries,
                                                                     when))
    return ExitCode.OK


def _write_history_html(path: Path, context: dict[str, Any]) -> int:
    from drp_console.plandoc.export import write_text
    from drp_console.plandoc.render import render_history

    if not path.parent.is_dir():
        _say("history", f"cannot write {path}: the directory {path.parent} does not exist")
        return ExitCode.USAGE
    try:
        write_text(path, render_history(context))
    except OSError as exc:
        _say("history", f"cannot write {path}: {exc.strerror or exc}")
        return ExitCode.FAILED
    click.echo(str(path), err=True)
    return ExitCode.OK
