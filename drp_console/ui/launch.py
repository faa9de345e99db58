"""Runs the console in the terminal: `launch.run_console(...)` is what the CLI calls."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

from drp_console.exit_codes import ExitCode

if TYPE_CHECKING:
    from drp_console.runner.session import RunSession


def run_console(session: RunSession | None, *, runbooks_dir: Path | str | None = None,
                runs_dir: Path | str | None = None, operator: str | None = None,
                confirmed_project: bool = False) -> ExitCode:
    """Open the console on a run (`session`) or on the launcher (None); the exit code."""
    guess = _OperatorGuess() if operator is None and session is None else None
    from drp_console.ui.factory import make_app  # Textual loads while git answers

    if guess is not None:
        operator = guess.result()

    app = make_app(session=session, runbooks_dir=runbooks_dir, runs_dir=runs_dir,
                   operator=operator, confirmed_project=confirmed_project)
    try:
        code = app.run()
    finally:
        app.close_sessions()
        if session is not None:
            with contextlib.suppress(Exception):  # already closed
                session.close()
    if app.resume_hint:
        print(app.resume_hint)  # after the app has left the screen: stays in the terminal
    return exit_code(code if code is not None else app.return_code)


class _OperatorGuess:
    """The operator's name (`engine.operator.guess_operator`: git's user.name, the login name)
    guessed in a thread, while the console's modules load instead of after them."""

    def __init__(self) -> None:
        import threading

        self._name: str | None = None
        self._thread = threading.Thread(target=self._guess, name="drp-operator", daemon=True)
        self._thread.start()

    def _guess(self) -> None:
        from drp_console.engine.operator import guess_operator

        self._name = guess_operator()

    def result(self) -> str | None:
        """The guessed name (None if guessing failed: the app guesses again)."""
        self._thread.join()
        return self._name


def has_terminal() -> bool:
    """Whether the console can be drawn: stdin and stdout are a terminal (or `DRP_FORCE_TUI`)."""
    import os

    from drp_console.settings import settings

    return (os.isatty(0) and os.isatty(1)) or settings().force_tui


def launch_default() -> ExitCode | None:
    """`drp` alone: the launcher on `./runbooks` and its exit code, when there is that directory
    and a terminal; else None (`drp console` then says what is missing)."""
    folder = Path("runbooks")
    if not folder.is_dir() or not has_terminal():
        return None
    return run_console(None, runbooks_dir=folder)


def exit_code(code: int | None) -> ExitCode:
    """The `drp` exit code for what the app returned (an unknown code is a failure)."""
    try:
        return ExitCode(code or 0)
    except ValueError:
        return ExitCode.FAILED
