"""Builds the console app with its parts injected; the CLI and the tests both use it."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from drp_console.settings import settings
from drp_console.ui.app import DrpApp
from drp_console.ui.clock import UiClock


def default_operator() -> str:
    """The login name, the operator when `--operator` is not given."""
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return os.environ.get("USER") or "operator"


def make_app(*, session: Any = None, events: list[dict] | None = None,
             runbooks_dir: Path | str | None = None, runs_dir: Path | str | None = None,
             operator: str | None = None, clock: UiClock | None = None, still: bool = False,
             tz_name: str | None = None, theme: str | None = None,
             confirmed_project: bool = False) -> DrpApp:
    """The console app.

    `session`: a RunSession to open directly; `events`: a journal to replay read-only; neither:
    the launcher. `clock` and `still` freeze time and animations for tests and snapshots.
    """
    operator = operator or getattr(getattr(session, "ctx", None), "operator", None) \
        or default_operator()
    app = DrpApp(session=session, events=events,
                 runbooks_dir=Path(runbooks_dir) if runbooks_dir else None,
                 runs_dir=Path(runs_dir) if runs_dir else None, operator=operator, clock=clock,
                 still=still, tz_name=tz_name or settings().tz or "UTC",
                 confirmed_project=confirmed_project)
    chosen = theme or settings().theme
    if chosen:
        app.theme = chosen
    return app
