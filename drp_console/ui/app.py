"""The console's Textual application: it holds the injected parts and opens the first screen."""

from __future__ import annotations

import contextlib
import gc
import time
from pathlib import Path
from typing import Any

from textual.app import App
from textual.events import Event, Key
from textual.screen import Screen

from drp_console.exit_codes import ExitCode
from drp_console.ui.clock import SystemClock, UiClock

TYPING_PAUSE = 0.5
"""Seconds without a key press after which the operator is no longer typing."""
GC_THRESHOLDS = (5000, 20, 20)
"""Garbage collection thresholds while the console runs (never lowered). With Python's
(700, 10, 10) the older generations, which hold the console's render caches, were collected
every few frames: paging a 1,000-step table spent a tenth of its time there, in pauses of up to
0.15 s."""


class DrpApp(App[int]):
    """drp-console. Build it with `drp_console.ui.factory.make_app`."""

    CSS_PATH = ["launcher.tcss", "app.tcss"]
    TITLE = "drp-console"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, *, session: Any = None, events: list[dict] | None = None,
                 runbooks_dir: Path | None = None, runs_dir: Path | None = None,
                 operator: str = "", clock: UiClock | None = None, still: bool = False,
                 tz_name: str = "UTC", confirmed_project: bool = False,
                 ask_operator: bool = True) -> None:
        super().__init__()
        self.session = session
        """The run to open directly (`drp run`/`drp resume`), or None."""
        self.replay_events = events
        """A journal to show read-only instead of a live run."""
        self.runbooks_dir = runbooks_dir or Path("runbooks")
        """Where the launcher lists runbooks."""
        self.runs_dir = runs_dir
        """Where runs live (None: the default state directory)."""
        self.operator = operator
        """Who is at the keyboard."""
        self.clock: UiClock = clock or SystemClock()
        """The wall clock every screen reads."""
        self.still = still
        """Tests and snapshots: no animations, no cursor blink."""
        self.tz_name = tz_name
        """The zone the timeline shows times in."""
        self.confirmed_project = confirmed_project
        """Live: the project id was already typed (the CLI's `--confirm-project`)."""
        self.ask_operator = ask_operator
        """Ask the operator's name when a run starts or is joined (tests that name the
        operator themselves turn it off)."""
        self.sessions: list[Any] = []
        """Sessions this app opened or was given; closed when it ends."""
        self.resume_hint: str | None = None
        """Printed to the terminal after the app exits: how to resume an unfinished run, or
        where a finished run's report is."""
        self.keys_at = 0.0
        """When the operator last pressed a key (monotonic seconds)."""
        if still:
            self.animation_level = "none"
        self._later_css: list[Any] = []
        if session is None and events is None:  # the launcher: its first frame needs one sheet
            self._later_css, self.css_path = self.css_path[1:], self.css_path[:1]

    def load_later_css(self) -> None:
        """Add the styles the launcher's first frame did not need (its form, the other
        screens): called after that frame, before anything they style is shown. The sheets
        already read are not parsed again."""
        if not self._later_css:
            return
        later, self._later_css = self._later_css, []
        for path in later:
            self.stylesheet.read(path)
        self.css_path = [*self.css_path, *later]
        self.stylesheet.parse()
        self.stylesheet.update(self)

    def get_default_screen(self) -> Screen[Any]:
        """The launcher is the first screen itself when there is no run to open (no blank
        screen styled and drawn before it)."""
        if self.session is None and self.replay_events is None:
            from drp_console.ui.screens.launcher import LauncherScreen

            return LauncherScreen()
        return super().get_default_screen()

    async def on_event(self, event: Event) -> None:
        if isinstance(event, Key):  # screens behind a dialog stay still while people type
            self.keys_at = time.monotonic()
        await super().on_event(event)

    def typing(self, within: float = TYPING_PAUSE) -> bool:
        """Whether the operator pressed a key in the last `within` seconds."""
        return time.monotonic() - self.keys_at < within

    def on_mount(self) -> None:
        gc.set_threshold(*(max(now, ours) for now, ours in zip(gc.get_threshold(), GC_THRESHOLDS,
                                                                strict=False)))
        if self.session is not None:
            self.open_run(self.session, confirmed_project=self.confirmed_project)
        elif self.replay_events is not None:
            from drp_console.ui.screens.run_screen import RunScreen

            self.push_screen(RunScreen(events=self.replay_events, operator=self.operator))

    def open_run(self, session: Any, *, confirmed_project: bool = False,
                 operator_confirmed: bool = False) -> None:
        """Show the run screen for an opened session and start (or resume) its engine
        (`operator_confirmed`: the operator's name was already asked, in the launcher)."""
        from drp_console.ui.screens.run_screen import RunScreen

        self.load_later_css()
        self.sessions.append(session)
        self.push_screen(RunScreen(session=session, operator=self.operator,
                                   confirmed_project=confirmed_project,
                                   operator_confirmed=operator_confirmed))

    def finish_run(self, view: Any) -> None:
        """Close the run's session and leave with the run's exit code; what to do next (resume
        an unfinished run, read a finished run's report) stays printed in the terminal."""
        from drp_console.report.writer import where_report

        run_dir = next((s.run_dir for s in self.sessions if getattr(s, "run_dir", None)), None)
        live = self.screen_has_engine()
        self.close_sessions()
        failed = getattr(view, "status", "") in ("failed", "aborted")
        code = ExitCode.FAILED if failed else ExitCode.OK
        run_id = getattr(view, "run_id", None)
        finished = bool(getattr(view, "finished", False))
        if run_id and not finished and live:
            self.resume_hint = f"Run {run_id} is not finished. Resume it with: drp resume {run_id}"
        elif run_id and finished:
            self.resume_hint = (f"Run {run_id} finished ({getattr(view, 'status', '?')}). "
                                f"{where_report(run_id, run_dir)}")
        self.exit(code)

    def has_launcher(self) -> bool:
        """Whether there is a runbook folder to go back to (a launcher to open)."""
        return self.runbooks_dir.is_dir()

    def back_to_launcher(self) -> None:
        """Leave a finished run for the launcher: its session closes, the lists are scanned
        again (the run is no longer interrupted)."""
        from drp_console.ui.screens.launcher import LauncherScreen

        self.close_sessions()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LauncherScreen):
            self.pop_screen()
        if isinstance(self.screen, LauncherScreen):
            self.screen.action_rescan()
        else:
            self.switch_screen(LauncherScreen())

    def screen_has_engine(self) -> bool:
        """Whether a run screen drives a live engine (a replay cannot be resumed)."""
        return any(getattr(s, "engine", None) is not None for s in self.screen_stack)

    def _fatal_error(self) -> None:
        """An internal error: keep the traceback in a file, show the operator what to do."""
        import traceback

        from rich.text import Text

        where = self._save_traceback(traceback.format_exc())
        run = ""
        for session in self.sessions:
            run = f" The run is resumable: drp resume {session.ctx.run_id}."
        self.bell()
        self._exit_renderables.append(Text(
            f"drp-console stopped on an internal error.{run} Details for a bug report: {where}"))
        self._close_messages_no_wait()

    def _save_traceback(self, text: str) -> str:
        """Write the traceback beside the runs (0600); its path, or a note that it could not be."""
        import os
        import time

        try:
            from drp_console.journal.rundir import default_runs_dir

            folder = (self.runs_dir or default_runs_dir()).parent
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = folder / f"console-error-{time.strftime('%Y%m%dT%H%M%S')}.txt"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(text)
            return str(path)
        except Exception as exc:  # noqa: BLE001 - the message must go out anyway
            return f"(not saved: {exc})"

    def close_sessions(self) -> None:
        """Stop embedded simulators, release locks, close journals."""
        while self.sessions:
            session = self.sessions.pop()
            with contextlib.suppress(Exception):  # closing is best effort on the way out
                session.close()
