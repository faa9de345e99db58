"""Options several `drp` commands share, declared once: the same name, help and type everywhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def runs_dir_option(fn: F) -> F:
    """`--runs-dir DIR` (parameter `runs_dir`, a str or None)."""
    return click.option(
        "--runs-dir", type=click.Path(file_okay=False), default=None,
        help="Where runs are kept (default: $DRP_RUNS_DIR or the user state dir).")(fn)


def params_option(fn: F) -> F:
    """`-p/--param NAME=VALUE`, repeatable (parameter `params`; read it with `param_pairs`)."""
    return click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
                        help="A runbook parameter (repeatable).")(fn)


def operator_option(fn: F) -> F:
    """`--operator NAME` (parameter `operator`)."""
    return click.option(
        "--operator", default=None,
        help="Your name in the journal (default: $DRP_OPERATOR, else your login name).")(fn)


def scenario_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """`--scenario FILE` (parameter `scenario`), with the command's own help text."""
    def decorate(fn: F) -> F:
        return click.option("--scenario", type=click.Path(dir_okay=False), required=required,
                            default=None, help=help)(fn)

    return decorate


def param_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """The `-p NAME=VALUE` options of a command as a mapping (a usage error otherwise)."""
    given: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"-p {pair!r}: write -p name=value")
        given[name.strip()] = value
    return given
