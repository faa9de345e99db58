"""Runs the console in the terminal: `launch.run_console(...)` is what the CLI calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def run_console(session: Any | None, *, runbooks_dir: Path | str | None = None,
                runs_dir: Path | str | None = None, operator: str | None = None,
                confirmed_project: bool = False) -> int:
    """Open the console on a run (`session`) or on the launcher (None); the exit code."""
    from drp_console.ui.factory import make_app

    app = make_app(session=session, runbooks_dir=runbooks_dir, runs_dir=runs_dir,
                   operator=operator, confirmed_project=confirmed_project)
    try:
        code = app.run()
    finally:
        app.close_sessions()
        if session is not None:
            try:
                session.close()
            except Exception:  # noqa: BLE001 - already closed
                pass
    if app.resume_hint:
        print(app.resume_hint)  # after the app has left the screen: stays in the terminal
    return int(code if code is not None else (app.return_code or 0))
