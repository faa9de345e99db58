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
        help="Your name in the journal, and headless answers' author (default: $DRP_OPERATOR, "
             "git's user.name, your login name; the console asks, prefilled).")(fn)


def journal_option(fn: F) -> F:
    """`--journal URL`, the shared journal database (parameter `journal`)."""
    return click.option(
        "--journal", "journal", metavar="URL",
        help="The shared journal database (default: $DRP_JOURNAL), e.g. "
             "postgresql://user@host/db.")(fn)


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
