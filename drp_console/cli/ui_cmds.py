"""`drp console` (and `drp` alone): the launcher of the terminal console."""

from __future__ import annotations

from pathlib import Path

import click

from drp_console.cli.options import operator_option, runs_dir_option


@click.command("console")
@click.option("--runbooks", "runbooks_dir", type=click.Path(file_okay=False, path_type=Path),
              default=None, help="Directory of runbooks to list (default: ./runbooks).")
@runs_dir_option
@operator_option
def console(runbooks_dir: Path | None, runs_dir: str | None, operator: str | None) -> None:
    """Open the console's launcher: pick a runbook, a mode and parameters, or resume a run."""
    folder = runbooks_dir or Path("runbooks")
    if not folder.is_dir():
        raise click.UsageError(
            f"no runbook directory at {folder}: run drp from the project's root, "
            "or give --runbooks DIR")
    from drp_console.ui.launch import has_terminal, run_console

    if not has_terminal():
        raise click.UsageError(
            "the console needs a terminal; for scripts use `drp run RUNBOOK --headless`")

    raise SystemExit(run_console(None, runbooks_dir=folder, runs_dir=runs_dir, operator=operator))
