"""The `drp` command line: one click group whose commands load their modules only when used.

Each area owns one module here (`runbook_cmds`, `sim_cmds`, `run_cmds`, `report_cmds`,
`ui_cmds`, `plan_cmds`, `journal_cmds`); this file only wires them, so `drp --help` and
start-up stay cheap.
"""

from __future__ import annotations

import importlib
import sys

import click

from drp_console import __version__

# command name -> "module:attribute" (a click.Command) under drp_console.cli
COMMANDS: dict[str, str] = {
    "validate": "runbook_cmds:validate",
    "plan": "runbook_cmds:plan",
    "schema": "runbook_cmds:schema",
    "sim": "sim_cmds:sim",
    "run": "run_cmds:run",
    "resume": "run_cmds:resume",
    "runs": "run_cmds:runs",
    "report": "report_cmds:report",
    "console": "ui_cmds:console",
    "export": "plan_cmds:export",
    "history": "plan_cmds:history",
    "journal": "journal_cmds:journal",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(f"drp_console.cli.{module_name}")
        except ModuleNotFoundError as exc:  # an area not built yet
            if exc.name != f"drp_console.cli.{module_name}":
                raise
            return None
        return getattr(module, attr, None)


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


def param_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """The `-p NAME=VALUE` options of a command as a mapping (a usage error otherwise)."""
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not _is_text(name):
            raise click.UsageError("a -p name is not UTF-8 text: give parameter names in UTF-8")
        if not sep or not name.strip():
            raise click.UsageError(f"-p {pair!r}: write -p name=value")
        if not _is_text(value):  # the value may be a secret: never echo it
            raise click.UsageError(f"the value of -p {name.strip()} is not UTF-8 text: give it "
                                   "in UTF-8 (check the terminal's or the script's encoding)")
        given[name.strip()] = value
    return given


def require_text(**named: str | None) -> None:
    """A usage error when an option the journal will hold is not UTF-8 text (names like
    `runs_dir` are shown as `--runs-dir`; `RUNBOOK` as is)."""
    for name, value in named.items():
        if value is not None and not _is_text(value):
            shown = name if name.isupper() else "--" + name.replace("_", "-")
            raise click.UsageError(f"{shown} is not UTF-8 text: the journal keeps it, so give "
                                   "it in UTF-8")


def _is_text(text: str) -> bool:
    """Whether a command-line string is valid UTF-8 (undecodable bytes arrive as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return "\x00" not in text


def main() -> None:
    """Entry point of the `drp` console script."""
    sys.exit(cli.main(standalone_mode=True))
