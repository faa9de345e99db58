"""`drp validate`, `drp plan` and `drp schema`: the runbook language on the command line."""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import click

from drp_console.cli.options import param_pairs, params_option
from drp_console.exit_codes import ExitCode

_SCENARIO_FORMAT = re.compile(r"^format:\s*[\"']?drp-sim/", re.MULTILINE)


def guarded(fn: Callable[..., int]) -> Callable[..., None]:
    """Run a command body and exit with its code; never show a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = fn(*args, **kwargs)
        except click.exceptions.Exit:
            raise
        except click.ClickException:
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            code = ExitCode.INTERRUPTED
        except Exception as exc:  # the command boundary: one line, never a traceback
            from drp_console.journal.redact import Redactor

            given = [p.partition("=")[2] for p in kwargs.get("pairs") or ()]
            detail = Redactor(given).redact_text(f"{type(exc).__name__}: {str(exc)[:300]}")
            click.echo(f"drp: unexpected error ({detail}); please report it with the file that "
                       "caused it", err=True)
            code = ExitCode.FAILED
        sys.exit(code)

    return wrapper


def _files(paths: tuple[str, ...]) -> list[Path]:
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out.extend(sorted(p for p in path.iterdir()
                              if p.suffix in (".yaml", ".yml") and p.is_file()))
        else:
            out.append(path)
    return out


def _is_scenario(path: Path) -> bool:
    try:
        if not path.is_file():  # a FIFO would block the read; the loader says what it is
            return False
        with path.open("rb") as f:
            head = f.read(4096).decode("utf-8", "replace")
    except OSError:
        return False
    return bool(_SCENARIO_FORMAT.search(head))


def _check_file(path: Path) -> tuple[Any, list[Any]]:
    from drp_console.runbook.diagnostics import Diagnostic, InvalidDocument
    from drp_console.runbook.validate import validate_file

    if _is_scenario(path):
        try:
            from drp_console.sim.scenario import load_scenario
        except ImportError:
            return None, [Diagnostic(str(path), 1, 1, "format", "a scenario file, and the "
                                     "simulator is not installed to check it", "warning")]
        try:
            return load_scenario(path), []
        except InvalidDocument as exc:
            return None, exc.diagnostics
    runbook, diagnostics = validate_file(path)
    if runbook is not None and runbook.scenario is not None:
        scenario = runbook.scenario_path()
        if scenario is not None and not scenario.is_file():
            diagnostics.append(_at(runbook, ("scenario",), f"no scenario file {runbook.scenario}"
                                   " next to the runbook: fix the path", "warning"))
    return runbook, diagnostics


def _at(runbook: Any, loc: tuple[Any, ...], message: str,
        severity: Literal["error", "warning"] = "error") -> Any:
    from drp_console.runbook.diagnostics import Diagnostic
    from drp_console.runbook.errors import format_where
    from drp_console.runbook.loader import locate

    line = col = 0
    if runbook._root_node is not None:
        node, _, _ = locate(runbook._root_node, loc)
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
    return Diagnostic(str(runbook.source_path), line, col, format_where(list(loc)), message,
                      severity)


def show(diagnostic: Any) -> str:
    """A diagnostic as printed: warnings say so after the location."""
    if diagnostic.is_error:
        return str(diagnostic)
    d = diagnostic
    return f"{d.path}:{d.line}:{d.col}: {d.where}: warning: {d.message}"


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@guarded
def validate(paths: tuple[str, ...]) -> int:
    """Check runbooks (and scenario files): every error of every file, then a summary.

    PATHS are files or directories (their *.yaml files). Exit 3 on any error; warnings are
    printed and leave the exit code 0.
    """
    from drp_console.runbook.model import Runbook

    files = _files(paths)
    if not files:
        click.echo("drp validate: no .yaml files found in " + ", ".join(paths), err=True)
        return ExitCode.USAGE
    invalid = errors = warnings = 0
    seen_ids: dict[str, Path] = {}
    for path in files:
        doc, diagnostics = _check_file(path)
        if isinstance(doc, Runbook):
            other = seen_ids.get(doc.id)
            if other is not None and other.parent == path.parent:
                diagnostics.append(_at(doc, ("id",), f"runbook id '{doc.id}' is also used by "
                                       f"{other}: ids are unique in a directory"))
            seen_ids.setdefault(doc.id, path)
        for d in diagnostics:
            click.echo(show(d))
        file_errors = sum(1 for d in diagnostics if d.is_error)
        errors += file_errors
        warnings += len(diagnostics) - file_errors
        invalid += 1 if file_errors else 0
    summary = (f"{len(files)} file{'s' * (len(files) != 1)}: {len(files) - invalid} valid, "
               f"{invalid} invalid; {errors} error{'s' * (errors != 1)}, "
               f"{warnings} warning{'s' * (warnings != 1)}")
    click.echo(summary)
    return ExitCode.INVALID if errors else ExitCode.OK


@click.command()
@click.argument("runbook", type=click.Path())
@params_option
@click.option("--mode", type=click.Choice(["live", "simulate", "training"]), default=None,
              help="The mode to plan for, as `drp run` would run it (default: simulate); "
              "steps' `modes:` decide what runs.")
@guarded
def plan(runbook: str, params: tuple[str, ...], mode: str | None) -> int:
    """Show what a runbook would do, without doing anything.

    Resolved parameters (secrets masked), the steps in order with their parallel groups, what
    each would call and whether it changes anything, and the critical-path estimate.
    """
    from drp_console.runbook.diagnostics import InvalidDocument
    from drp_console.runbook.loader import load_runbook
    from drp_console.runbook.params import ParameterError, resolve_params
    from drp_console.runbook.plan import make_plan

    given = param_pairs(params)
    try:
        doc = load_runbook(runbook)
    except InvalidDocument as exc:
        for d in exc.diagnostics:
            click.echo(show(d), err=True)
        return ExitCode.INVALID
    try:
        values = resolve_params(doc, given)
    except ParameterError as exc:
        click.echo(f"drp plan: {exc}", err=True)
        return ExitCode.USAGE
    from drp_console.runbook.residency import ResidencyConfigError

    try:
        planned = make_plan(doc, values, mode or "simulate")
    except ResidencyConfigError as exc:
        click.echo(f"drp plan: {exc}", err=True)
        return ExitCode.INVALID
    click.echo(render_plan(planned, default_mode=not mode))
    for refusal in planned.refusals:
        click.echo(f"drp plan: refused: {refusal}", err=True)
    return ExitCode.INVALID if planned.refusals else ExitCode.OK


def _notes(p: Any, s: Any) -> list[str]:
    notes = []
    if s.conditional:
        notes.append("only when chosen")
    if not s.runs_in_mode:
        modes = ", ".join(p.runbook.step(s.id).modes or ())
        notes.append(f"skipped in {p.mode} mode (modes: {modes})")
    if s.when is not None:
        verdict = {True: "true: runs", False: "false: skipped", None: "decided during the run"}
        notes.append(f"when {s.when} -> {verdict[s.when_value]}")
    if s.not_offered:
        notes.append("not offered with these parameters: " + ", ".join(s.not_offered))
    if s.role:
        notes.append(f"role {s.role}")
    return notes


def render_plan(p: Any, default_mode: bool = False) -> str:
    """The plan as text."""
    from drp_console.runbook.durations import format_duration
    from drp_console.runbook.plan import yaml_text

    rb = p.runbook
    how = " (the default; plan another with --mode live or --mode training)" \
        if default_mode else ""
    lines = [f"{rb.title}  ({rb.id}" + (f" v{rb.version}" if rb.version else "") + ")",
             f"mode: {p.mode}{how}"]
    objectives = [f"{k.upper()} {format_duration(v)}" for k, v in
                  (("rto", rb.objectives.rto), ("rpo", rb.objectives.rpo)) if v is not None]
    if objectives:
        lines.append("objectives: " + ", ".join(objectives))
    if p.params:
        lines.append("parameters:")
        width = max(len(n) for n in p.params)
        lines.extend(f"  {n.ljust(width)} = {yaml_text(v)}" for n, v in p.params.items())
    lines.append("steps:")
    marks = {"people": "person", "read": "read", "mutating": "CHANGES",
             "destructive": "DESTROYS", "local": "local"}
    for group, steps in p.groups.items():
        together = " (in parallel)" if len(steps) > 1 else ""
        lines.append(f"  group {group}{together}")
        for s in steps:
            est = format_duration(s.estimate) if s.estimate is not None else "-"
            notes = _notes(p, s)
            extra = f"  [{'; '.join(notes)}]" if notes else ""
            lines.append(f"    {s.id}  {s.type:<8} {marks[s.effect]:<8} {est:>7}  "
                         f"{s.title}{extra}")
            lines.append(f"        {s.action}")
    for why, words in (("modes", f"left out in {p.mode} mode by their modes:"),
                       ("when", "skipped: their when is false with these parameters:")):
        ids = [s.id for s in p.steps if s.skipped == why]
        if ids:
            lines.append(f"{words} {', '.join(ids)}")
    lines.append(f"critical path: {format_duration(p.critical_seconds)} "
                 f"({' -> '.join(p.critical_path)})")
    if p.restored_seconds is not None:
        rto = rb.objectives.rto
        against = ""
        if rto is not None:
            verdict = "within" if p.restored_seconds <= rto else "OVER"
            against = f" ({verdict} the RTO of {format_duration(rto)})"
        lines.append(f"to milestone restored: {format_duration(p.restored_seconds)}{against}")
    missing = [s.id for s in p.steps if s.estimate is None and s.id in p.critical_path]
    if missing:
        lines.append(f"  no budget or timeout on {', '.join(missing)}: counted as 0")
    return "\n".join(lines)


@click.command()
@guarded
def schema() -> int:
    """Print the runbook JSON Schema (draft-07)."""
    from drp_console.runbook.schema import schema_text

    click.echo(schema_text(), nl=False)
    return ExitCode.OK
