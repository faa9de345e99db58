"""The `drp` click group: its commands load their modules only when used.

Each area owns one module here (`runbook_cmds`, `sim_cmds`, `run_cmds`, `report_cmds`,
`ui_cmds`, `plan_cmds`, `journal_cmds`, `alert_cmds`, `check_cmds`); this file only wires
them, so `drp --help` and start-up stay cheap.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from drp_console import __version__

__all__ = ["cli"]


def _runbook_cmds() -> dict[str, click.Command]:
    from drp_console.cli import runbook_cmds as m
    return {"validate": m.validate, "plan": m.plan, "schema": m.schema}


def _sim_cmds() -> dict[str, click.Command]:
    from drp_console.cli import sim_cmds as m
    return {"sim": m.sim}


def _run_cmds() -> dict[str, click.Command]:
    from drp_console.cli import run_cmds as m
    return {"run": m.run, "resume": m.resume, "runs": m.runs}


def _report_cmds() -> dict[str, click.Command]:
    from drp_console.cli import report_cmds as m
    return {"report": m.report}


def _plan_cmds() -> dict[str, click.Command]:
    from drp_console.cli import plan_cmds as m
    return {"export": m.export, "history": m.history}


def _journal_cmds() -> dict[str, click.Command]:
    from drp_console.cli import journal_cmds as m
    return {"journal": m.journal}


def _alert_cmds() -> dict[str, click.Command]:
    from drp_console.cli import alert_cmds as m
    return {"alerts": m.alerts}


def _check_cmds() -> dict[str, click.Command]:
    from drp_console.cli import check_cmds as m
    return {"check": m.check}


def _team_cmds() -> dict[str, click.Command]:
    from drp_console.cli import team_cmds as m
    return {"join": m.join, "watch": m.watch}


def _ui_cmds() -> dict[str, click.Command]:
    from drp_console.cli import ui_cmds as m
    return {"console": m.console}


COMMANDS: dict[str, Callable[[], dict[str, click.Command]]] = {
    "validate": _runbook_cmds, "plan": _runbook_cmds, "schema": _runbook_cmds,
    "sim": _sim_cmds,
    "run": _run_cmds, "resume": _run_cmds, "runs": _run_cmds,
    "report": _report_cmds,
    "console": _ui_cmds,
    "export": _plan_cmds, "history": _plan_cmds,
    "journal": _journal_cmds,
    "join": _team_cmds, "watch": _team_cmds,
    "alerts": _alert_cmds,
    "check": _check_cmds,
}
"""Command name -> a function importing its module (only when the command is used) and
returning that module's commands by name."""


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        load = COMMANDS.get(cmd_name)
        return load()[cmd_name] if load is not None else None


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

