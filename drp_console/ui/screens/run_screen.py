"""The run screen: header clocks, the steps table, the detail pane and the timeline of one run.

The screen renders only what the journal holds: it keeps one `RunState` (the journal's fold),
applies each event to it as the engine reports it (`engine.subscribe`), and redraws what changed
four times a second, never per event. The runbook is rebuilt once from the journaled document.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import getters, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from drp_console.exit_codes import ExitCode
from drp_console.journal.state import RunState
from drp_console.ui.app import DrpApp
from drp_console.ui.dialogs.modals import Dialog, QuitDialog, Reply
from drp_console.ui.responder import UIResponder
from drp_console.ui.screens.run_controls import RunControls
from drp_console.ui.screens.run_feed import RunFeed
from drp_console.ui.screens.run_keys import RUN_KEYS, key_bar
from drp_console.ui.screens.run_paint import RunPaint
from drp_console.ui.widgets.detail_pane import DetailPane
from drp_console.ui.widgets.header import ClockLine, ModeBanner
from drp_console.ui.widgets.step_table import StepTable
from drp_console.ui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from drp_console.engine.responder import Question
    from drp_console.engine.scheduler import Engine
    from drp_console.runner.session import RunSession

FLUSH_SECONDS = 0.25
"""How often queued engine events reach the widgets."""


class RunScreen(Screen[None]):
    """One run, live (with an engine) or replayed from its journal (read-only).

    The operator's keys go to its `RunControls` (answers and engine commands); the screen keeps
    the run's state, draws it, and owns the run's life (start, report, quit)."""

    app = getters.app(DrpApp)

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (150, "-huge")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = RUN_KEYS

    def __init__(self, *, session: RunSession | None = None, events: list[dict] | None = None,
                 operator: str = "", confirmed_project: bool = False,
                 operator_confirmed: bool = False) -> None:
        super().__init__()
        self.session = session
        """The RunSession (None: a read-only replay of `events`)."""
        self.operator: str = operator or (session.ctx.operator if session is not None else "")
        """Who is at the keyboard."""
        self.feed = RunFeed(session.runbook if session is not None else None)
        """The run's fold, runbook and timeline (the engine's own runbook in a live run)."""
        self.state = self.feed.state
        """The run: the journal's fold, each new event applied to it as it arrives."""
        self.engine: Engine | None = None
        """The engine driving the run (None in a replay)."""
        self.controls = RunControls(self, self.state)
        """The operator's keys: answers to the engine's questions, operator commands."""
        self.confirmed_project = confirmed_project
        """Live mode: the operator already typed the project id (in the launcher)."""
        self.operator_confirmed = operator_confirmed
        """The operator already gave their name for this run (in the launcher)."""
        self.result_state: RunState | None = None
        """What `engine.run()` returned."""
        self.replayed: list[dict] = list(events or [])
        """The events of a replayed journal (empty for a live run)."""
        self._drive_task: asyncio.Task[Any] | None = None
        self.paint = RunPaint(self)
        """Draws what changed, when it changed."""

    @property
    def responder(self) -> UIResponder | None:
        """The UIResponder the engine asks (None in a replay)."""
        return self.controls.responder

    @responder.setter
    def responder(self, responder: UIResponder | None) -> None:
        self.controls.responder = responder

    # ---- what the controls need (ControlsHost) -------------------------------------------------
    @property
    def still(self) -> bool:
        """Dialogs without animations (tests, snapshots)."""
        return self.app.still

    def selected_step(self) -> str | None:
        """The step under the table's cursor."""
        return self.query_one(StepTable).selected_step

    def say(self, message: str, severity: SeverityLevel = "information",
            timeout: float | None = None) -> None:
        """Tell the operator something (a toast)."""
        self.app.notify(message, severity=severity, timeout=timeout)

    def open_dialog(self, dialog: Dialog, then: Callable[[Reply | None], None]) -> None:
        """Show a dialog; `then` gets its reply (None: cancelled)."""
        self.app.push_screen(dialog, then)

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run an operator command's coroutine beside the screen."""
        self.run_worker(work, group="commands", exit_on_error=False)

    # ---- keys ---------------------------------------------------------------------------------
    def action_complete(self) -> None:
        """enter/space: the natural answer for the selected step's question."""
        self.controls.complete()

    def action_tick(self) -> None:
        """x: tick the next unticked checklist item of the selected manual step."""
        self.controls.tick_next()

    def action_approve(self) -> None:
        """a: approve or reject, with a name."""
        self.controls.approve()

    def action_decide(self) -> None:
        """d: pick a decision option."""
        self.controls.decide()

    def action_retry(self) -> None:
        """r: retry a failed step."""
        self.controls.retry()

    def action_skip(self) -> None:
        """s: skip the selected step, with a reason."""
        self.controls.skip()

    def action_resolve(self) -> None:
        """u: reconcile an UNKNOWN step."""
        self.controls.resolve()

    def action_note(self) -> None:
        """n: a tagged note."""
        self.controls.add_note()

    def action_milestone(self) -> None:
        """m: record a milestone now."""
        self.controls.record_milestone()

    def action_pause(self) -> None:
        """p: pause or unpause (running operations go on; nothing new starts)."""
        self.controls.toggle_pause()

    def action_report(self) -> None:
        """R: the report of the run so far."""
        from drp_console.ui.screens.report_screen import ReportScreen

        self.flush()
        if self.session is not None:
            events = list(self.session.journal.events())
            run_dir: Path | None = self.session.run_dir
        else:
            events, run_dir = list(self.replayed), None
        self.app.push_screen(ReportScreen(self.state, events, run_dir))

    def action_take_over(self) -> None:
        """T: a joiner takes the run over once its driver has gone silent."""
        from drp_console.ui.screens.takeover import offer_takeover

        offer_takeover(self)

    def action_quit_run(self) -> None:
        """q: quit (the run stays resumable), or, once the run is over, back to the launcher."""
        finished = self.state.finished or self.engine is None
        launcher = self.state.finished and self.app.has_launcher()

        def then(leave: bool | str | None) -> None:
            if leave == "launcher":
                self.app.back_to_launcher()
            elif leave:
                self.run_worker(self._leave(), group="quit", exclusive=True)
        self.app.push_screen(QuitDialog(self.state.run_id, finished, launcher), then)

    async def _leave(self) -> None:
        if self.engine is not None and not self.state.finished:
            with contextlib.suppress(Exception):  # quitting must always work
                self.engine.stop()
            if self.responder is not None:
                self.responder.cancel_all()
            task = self._drive_task
            if task is not None and not task.done():
                try:
                    await asyncio.wait_for(asyncio.shield(task), timeout=5)
                except (TimeoutError, asyncio.CancelledError, Exception):  # noqa: BLE001
                    task.cancel()
        self.flush()
        self.app.finish_run(self.state)

    # ---- layout -------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(id="run-header"):
            yield ModeBanner(id="mode-banner")
            yield ClockLine(id="clock-line")
        with Horizontal(id="panes"):
            yield StepTable(id="steps")
            yield DetailPane(id="detail")
        with VerticalScroll(id="timeline-box"):
            yield Timeline(id="timeline", tz=self.app.tz_name)
        yield Static(key_bar(self.BINDINGS, watching=self.watching()), id="keys")

    def watching(self) -> bool:
        """Whether this screen only watches (`drp watch`): its key bar shows what a watcher may do."""
        return getattr(self.session, "role", None) == "watcher"

    def on_mount(self) -> None:
        self.query_one("#timeline-box").border_title = "Timeline"
        history = self.session.journal.events() if self.session is not None else self.replayed
        for event in sorted(history, key=lambda e: int(e.get("seq") or 0)):
            self.take_event(event)
        self.flush()
        self.query_one(StepTable).focus()
        if self.session is not None:
            self._join()
        self.set_interval(FLUSH_SECONDS, self.paint.tick)

    # ---- who is at the keyboard ---------------------------------------------------------------
    def _join(self) -> None:
        """Ask the operator's name once for this run (prefilled; enter accepts), then start."""
        if self.operator_confirmed or not self.app.ask_operator or self.session is None:
            self._start_engine()
            return
        from drp_console.ui.dialogs.operator_dialog import OperatorDialog

        def chosen(reply: Reply | None) -> None:
            self.set_operator(reply.by if reply is not None and reply.by else self.operator)
            self._start_engine()

        self.app.push_screen(OperatorDialog(self.operator, self.session.ctx.run_id,
                                            still=self.app.still), chosen)

    def set_operator(self, name: str) -> None:
        """Record everything this console does from now on under `name`."""
        import dataclasses

        self.operator = self.app.operator = name
        self.operator_confirmed = True
        if self.session is not None:
            self.session.ctx = dataclasses.replace(self.session.ctx, operator=name)
            self.session.journal.operator = name
        self.flush()

    # ---- engine -------------------------------------------------------------------------------
    def _start_engine(self) -> None:
        if self.session is None:
            return
        responder = self.responder = UIResponder()
        responder.on_question = self._on_question
        self.engine = self.controls.engine = self.session.engine(responder)
        self.engine.subscribe(self.take_event)
        ctx = self.session.ctx
        if ctx.mode == "live" and not self.confirmed_project:
            from drp_console.ui.dialogs.modals import ConfirmDialog

            def confirmed(reply: Reply | None) -> None:
                if reply is None:
                    self.app.close_sessions()
                    self.app.exit(ExitCode.OK, message="Live run not started: the project id was not typed.")
                else:
                    self.confirmed_project = True
                    self._drive()

            self.app.push_screen(ConfirmDialog(f"Start a LIVE run on project {ctx.project}",
                                               str(ctx.project), self.operator,
                                               still=self.app.still), confirmed)
        else:
            self._drive()
        self.call_after_refresh(self._warm_up)  # after the first frame: the import is ~1.6 s

    @work(exclusive=True, group="engine", exit_on_error=False)
    async def _drive(self) -> None:
        self._drive_task = asyncio.current_task()
        if self.engine is None:
            return
        try:
            self.result_state = await self.engine.run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - shown to the operator, never a traceback
            self.app.notify(f"The run stopped on an error: {exc}. Resume it with "
                            f"`drp resume {self.state.run_id}` once the cause is fixed.",
                            severity="error", timeout=30)
            return
        self.flush()
        if self.state.finished:
            where = await self._write_reports()
            then = ("q quits or goes back to the launcher" if self.app.has_launcher()
                    else "q quits")
            self.app.notify(f"Run {self.state.status}. {where} R opens the report; {then}.",
                            timeout=15)
            if self.state.mode == "training":
                from drp_console.ui.screens.score_card import ScoreCardScreen

                self.app.push_screen(ScoreCardScreen(self.state, self.feed.runbook))

    async def _write_reports(self) -> str:
        """Write the run's reports (off the event loop, the report's import too: ~0.2 s); a
        sentence saying where, or why not."""
        if self.session is None:  # a replay writes nothing
            return f"Run `drp report {self.state.run_id}` for its report."

        def write(run_dir: Path, tz: str) -> dict[str, Path]:
            from drp_console.report.writer import write_reports

            return write_reports(run_dir, tz)

        try:
            written = await asyncio.to_thread(write, self.session.run_dir, self.app.tz_name)
        except Exception as exc:  # noqa: BLE001 - the run is done either way
            return f"The report could not be written ({exc}): run `drp report {self.state.run_id}`."
        return f"Report: {written.get('md')}."

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        session = self.session
        cloud = getattr(session, "cloud", None)
        if session is not None and cloud is not None and hasattr(cloud, "warm_up"):
            from drp_console.runbook.catalog import services_called

            services = services_called(session.runbook.steps)
            if services:  # only the clients this runbook calls; none without cloud steps
                with contextlib.suppress(Exception):  # a failed warm-up only costs time later
                    cloud.warm_up(services)

    def _on_question(self, question: Question) -> None:
        """A step now waits for people: bring it under the cursor unless one already is."""
        selected = self.selected_step()
        open_here = self.responder.question(selected) if (selected and self.responder) else None
        if open_here is None or open_here is question:
            self.paint.pending_select = question.step
        self.app.bell()

    # ---- the run's state ----------------------------------------------------------------------
    def take_event(self, event: dict) -> None:
        """One journaled event (history, or from the engine): fold it into the state, say it in
        the timeline, and note the row it touched (drawn at the next flush)."""
        if self.feed.take(event):
            self.call_after_refresh(self._rebuild_runbook)

    def _rebuild_runbook(self) -> None:
        self.feed.rebuild_runbook()
        self.flush()

    # ---- rendering (RunPaint draws) ------------------------------------------------------------
    def flush(self) -> None:
        """Refresh what changed since the last redraw (behind a dialog: the header alone)."""
        self.paint.flush()

    def show_detail(self) -> None:
        """Redraw the detail pane for the selected step."""
        self.paint.show_detail()

    def on_screen_resume(self) -> None:
        """Back from a dialog or the report: the keys go to the steps table again, and what
        changed behind it is drawn."""
        if self.paint.behind():
            self.call_after_refresh(self.flush)  # once the screen is laid out again
        table = self.query_one(StepTable)
        focused = self.focused
        if focused is None or not focused.is_attached or not focused.display:
            table.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self.query_one("#timeline-box").scroll_end, animate=False)

    def on_step_table_step_selected(self, event: StepTable.StepSelected) -> None:
        self.paint.step_selected()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_complete()

    def on_detail_pane_ticked(self, event: DetailPane.Ticked) -> None:
        self.controls.tick(event.step_id, event.index, event.checked)
