"""The `drp` command line: one click group whose commands load their modules only when used.

Each area owns one module here (`runbook_cmds`, `sim_cmds`, `run_cmds`, `report_cmds`,
`ui_cmds`, `plan_cmds`, `alert_cmds`, `check_cmds`); this file only wires them, so `drp --help` and start-up stay cheap.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from drp_console import __version__
from drp_console.cli.options import param_pairs

__all__ = ["cli", "main", "param_pairs"]


def _validate() -> click.Command:
    from drp_console.cli.runbook_cmds import validate

    return validate


def _plan() -> click.Command:
    from drp_console.cli.runbook_cmds import plan

    return plan


def _schema() -> click.Command:
    from drp_console.cli.runbook_cmds import schema

    return schema


def _sim() -> click.Command:
    from drp_console.cli.sim_cmds import sim

    return sim


def _run() -> click.Command:
    from drp_console.cli.run_cmds import run

    return run


def _resume() -> click.Command:
    from drp_console.cli.run_cmds import resume

    return resume


def _runs() -> click.Command:
    from drp_console.cli.run_cmds import runs

    return runs


def _report() -> click.Command:
    from drp_console.cli.report_cmds import report

    return report


def _console() -> click.Command:
    from drp_console.cli.ui_cmds import console

    return console


def _export() -> click.Command:
    from drp_console.cli.plan_cmds import export

    return export


def _history() -> click.Command:
    from drp_console.cli.plan_cmds import history

    return history


def _alerts() -> click.Command:
    from drp_console.cli.alert_cmds import alerts

    return alerts


def _check() -> click.Command:
    from drp_console.cli.check_cmds import check

    return check


COMMANDS: dict[str, Callable[[], click.Command]] = {
    "validate": _validate,
    "plan": _plan,
    "schema": _schema,
    "sim": _sim,
    "run": _run,
    "resume": _resume,
    "runs": _runs,
    "report": _report,
    "console": _console,
    "export": _export,
    "history": _history,
    "alerts": _alerts,
    "check": _check,
}
"""Command name -> a function importing its module (only when the command is used)."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = COMMANDS.get(cmd_name)
        return load() if load is not None else None


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="drp")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """drp-console: run disaster-recovery runbooks against live or simulated Google Cloud.

    Without a command, opens the console's launcher on ./runbooks.
    """
    if ctx.invoked_subcommand is None:
        console = cli.get_command(ctx, "console")
        if console is None:
            click.echo(ctx.get_help())
            return
        ctx.invoke(console)


def main() -> None:
    """Entry point of the `drp` console script."""
    sys.exit(cli.main(standalone_mode=True))
