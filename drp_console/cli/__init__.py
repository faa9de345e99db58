"""The `drp` command line (`group.cli`, a click group whose commands load their modules only
when used) and its entry point, `main`.

`drp` alone opens the launcher; when it can (a `./runbooks` directory, a terminal), `main`
opens it without loading click, which only the other commands need (start-up time).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from drp_console.cli.group import cli
    from drp_console.cli.options import param_pairs

__all__ = ["cli", "main", "param_pairs"]


def main() -> None:
    """Entry point of the `drp` console script."""
    if len(sys.argv) == 1:
        from drp_console.ui.launch import launch_default

        code = launch_default()
        if code is not None:
            sys.exit(code)
    from drp_console.cli.group import cli

    sys.exit(cli.main(standalone_mode=True))


def __getattr__(name: str) -> Any:
    if name == "cli":
        from drp_console.cli.group import cli

        return cli
    if name == "param_pairs":
        from drp_console.cli.options import param_pairs

        return param_pairs
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
