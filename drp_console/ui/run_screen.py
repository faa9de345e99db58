"""The run screen: header clocks, the steps table, the detail pane and the timeline of one run.

The screen renders only what the journal holds: it keeps one `RunState` (the journal's fold),
applies each event to it as the engine reports it (`engine.subscribe`), and redraws what changed
four times a second, never per event. The runbook is rebuilt once from the journaled document.
"""

from __future__ import annotations

import asyncio
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from drp_console.journal.state import RunState
from drp_console.ui.detail_pane import DetailPane
from drp_console.ui.header import ClockLine, ModeBanner
from drp_console.ui.pane_text import pane_content
from drp_console.ui.run_actions import OperatorActions
from drp_console.ui.step_table import StepTable
from drp_console.ui.step_view import now_of, rebuild_runbook
from drp_console.ui.timeline import Timeline, TimelineEntry, entry_for

FLUSH_SECONDS = 0.25
"""How often queued engine events reach the widgets."""
DETAIL_SETTLE = 0.12
"""Rapid cursor moves (paging) redraw the detail pane once they pause this long."""


def key_bar(bindings: list[Binding], paused: bool = False) -> str:
    """Every key of the screen in words, clickable; it wraps rather than hiding keys at 80x24.
    While the run is paused the pause key says `unpause`."""
    shown = []
    for b in bindings:
        if b.show:
            key = "⏎" if b.key == "enter" else b.key
            words = "Unpause" if paused and b.action == "pause" else b.description
            shown.append(f"[@click=screen.{b.action}][b]{key}[/b]\u00a0{words.lower()}[/]")
    return "  ".join(shown)


class RunScreen(OperatorActions, Screen):
    """One run, live (with an engine) or replayed from its journal (read-only)."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide"), (150, "-huge")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]

    BINDINGS = [  # enter/space are the screen's wherever the focus is (no widget may eat them)
        Binding("enter", "complete", "Done", show=True, priority=True),
        Binding("space", "complete", "Done", show=False, priority=True),
        Binding("x", "tick", "Tick"),
        Binding("a", "approve", "Approve"),
        Binding("d", "decide", "Decide"),
        Binding("r", "retry", "Retry"),
        Binding("s", "skip", "Skip"),
        Binding("u", "resolve", "Resolve"),
        Binding("n", "note", "Note"),
        Binding("m", "milestone", "Milestone"),
        Binding("p", "pause", "Pause"),
        Binding("R", "report", "Report"),
        Binding("q", "quit_run", "Quit"),
    ]

    def __init__(self, *, session: Any = None, events: list[dict] | None = None,
                 operator: str = "", confirmed_project: bool = False,
                 operator_confirmed: bool = False) -> None:
        super().__init__()
        self.session = session
        """The RunSession (None: a read-only replay of `events`)."""
        self.operator = operator or getattr(getattr(session, "ctx", None), "operator", "") or ""
        """Who is at the keyboard."""
        self.state = RunState()
        """The run: the journal's fold, each new event applied to it as it arrives."""
        self.runbook: Any = None
        """The runbook rebuilt from the journaled document (None until `run_started`, or when
        it cannot be rebuilt: `runbook_problem` says why)."""
        self.runbook_problem: str | None = None
        """Why the journaled runbook could not be rebuilt."""
        self.parallel: set[str] = set()
        """Steps that may run beside another (marked in the table)."""
        self.timeline: list[TimelineEntry] = []
        """The events in words, as they arrived."""
        self.engine: Any = None
        """The engine driving the run (None in a replay)."""
        self.responder: Any = None
        """The UIResponder the engine asks."""
        self.ticking: dict[str, list[tuple[int, Any]]] = {}
        """Checklist ticks sent to the engine and not yet journaled: step -> (item, task)."""
        self.confirmed_project = confirmed_project
        """Live mode: the operator already typed the project id (in the launcher)."""
        self.operator_confirmed = operator_confirmed
        """The operator already gave their name for this run (in the launcher)."""
        self.result_state: Any = None
        """What `engine.run()` returned."""
        self.replayed: list[dict] = list(events or [])
        """The events of a replayed journal (empty for a live run)."""
        self._touched: set[str] | None = None
        self._drive_task: asyncio.Task | None = None
        self._pending_select: str | None = None
        self._detail_timer: Any = None
        self._detail_shown_at = 0.0
        self._paused_keys = False

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
        yield Static(key_bar(self.BINDINGS), id="keys")

    def on_mount(self) -> None:
        self.query_one("#timeline-box").border_title = "Timeline"
        history = self.session.journal.events() if self.session is not None else self.replayed
        for event in sorted(history, key=lambda e: int(e.get("seq") or 0)):
            self.take_event(event)
        self.flush()
        self.query_one(StepTable).focus()
        if self.session is not None:
            self._join()
        self.set_interval(FLUSH_SECONDS, self.flush)

    # ---- who is at the keyboard ---------------------------------------------------------------
    def _join(self) -> None:
        """Ask the operator's name once for this run (prefilled; enter accepts), then start."""
        if self.operator_confirmed or not getattr(self.app, "ask_operator", False):
            self._start_engine()
            return
        from drp_console.ui.operator_dialog import OperatorDialog

        def chosen(reply: Any) -> None:
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
        from drp_console.ui.responder import UIResponder

        self.responder = UIResponder()
        self.responder.on_question = self._on_question
        self.engine = self.session.engine(self.responder)
        self.engine.subscribe(self.take_event)
        ctx = self.session.ctx
        if ctx.mode == "live" and not self.confirmed_project:
            from drp_console.ui.modals import ConfirmDialog

            def confirmed(reply: Any) -> None:
                if reply is None:
                    self.app.close_sessions()
                    self.app.exit(0, message="Live run not started: the project id was not typed.")
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
                from drp_console.ui.score_card import ScoreCardScreen

                self.app.push_screen(ScoreCardScreen(self.state, self.runbook))

    async def _write_reports(self) -> str:
        """Write the run's reports (off the event loop); a sentence saying where, or why not."""
        try:
            from drp_console.report.writer import write_reports

            written = await asyncio.to_thread(write_reports, self.session.run_dir,
                                              self.app.tz_name)
        except Exception as exc:  # noqa: BLE001 - the run is done either way
            return f"The report could not be written ({exc}): run `drp report {self.state.run_id}`."
        return f"Report: {written.get('md')}."

    @work(thread=True, exit_on_error=False, group="warm-up")
    def _warm_up(self) -> None:
        cloud = getattr(self.session, "cloud", None)
        if cloud is not None and hasattr(cloud, "warm_up"):
            try:
                cloud.warm_up()
            except Exception:  # noqa: BLE001 - a failed warm-up only costs time later
                pass

    def _on_question(self, question: Any) -> None:
        """A step now waits for people: bring it under the cursor unless one already is."""
        selected = self.query_one(StepTable).selected_step
        open_here = self.responder.question(selected) if selected else None
        if open_here is None or open_here is question:
            self._pending_select = question.step
        self.app.bell()

    # ---- the run's state ----------------------------------------------------------------------
    def take_event(self, event: dict) -> None:
        """One journaled event (history, or from the engine): fold it into the state, say it in
        the timeline, and note the row it touched (drawn at the next flush)."""
        seq = event.get("seq")
        if isinstance(seq, int) and self.state.events and seq <= self.state.last_seq:
            return  # already folded
        self.state.apply(event)
        if self.state.run_started is event:  # the run's first event: every row, the runbook
            self._touched = None  # every row
            if self.session is not None and getattr(self.session, "runbook", None) is not None:
                self._use_runbook(self.session.runbook, None)  # the engine's own, from the doc
            else:  # a replay: rebuilt once the first frame is out (pydantic takes a while)
                self.call_after_refresh(self._rebuild_runbook)
        elif self._touched is not None and isinstance(event.get("step"), str):
            self._touched.add(event["step"])
        entry = entry_for(event, self.runbook)
        if entry is not None:
            self.timeline.append(entry)

    def _rebuild_runbook(self) -> None:
        self._use_runbook(*rebuild_runbook(self.state.runbook_doc))
        self._touched = None
        self.flush()

    def _use_runbook(self, runbook: Any, problem: str | None) -> None:
        """The runbook the run follows: instructions, checklists, options, needs, branches."""
        self.runbook, self.runbook_problem = runbook, problem
        if runbook is not None:
            from drp_console.runbook.graph import parallel_steps

            self.parallel = parallel_steps(runbook)

    # ---- rendering ----------------------------------------------------------------------------
    def flush(self) -> None:
        """Refresh what changed since the last flush."""
        touched, self._touched = self._touched, set()
        if touched is not None:  # clocks tick on the rows of steps under way
            touched.update(sid for sid, s in self.state.steps.items()
                           if s.status in ("running", "waiting"))
        wall = self.app.clock.now()
        now = now_of(self.state, wall)
        self.query_one(ModeBanner).show(self.state, self.operator if self.session else None)
        paused = self.state.status == "paused"
        if paused != self._paused_keys:
            self._paused_keys = paused
            self.query_one("#keys", Static).update(key_bar(self.BINDINGS, paused))
        self.query_one(ClockLine).show(self.state, self.runbook, now, wall, self.app.tz_name)
        table = self.query_one(StepTable)
        table.fill(self.state.steps, now, touched, self.parallel)
        table.border_title = f"Steps {self.state.steps_done}/{self.state.steps_total}"
        target = self._pending_select
        if target:
            self._pending_select = None
            table.select(target)
        if self._detail_timer is None:  # while the cursor is racing, the settle timer redraws
            self._show_detail()
        timeline = self.query_one(Timeline)
        before = timeline._count
        timeline.show(self.timeline)
        if timeline._count != before:
            self.query_one("#timeline-box").scroll_end(animate=False)

    def _show_detail(self) -> None:
        step_id = self.query_one(StepTable).selected_step
        now = now_of(self.state, self.app.clock.now())
        self.query_one(DetailPane).show(pane_content(self.state, self.runbook, step_id, now,
                                                     self.runbook_problem))

    def on_screen_resume(self) -> None:
        """Back from a dialog or the report: the keys go to the steps table again."""
        table = self.query_one(StepTable)
        focused = self.focused
        if focused is None or not focused.is_attached or not focused.display:
            table.focus()

    def on_resize(self) -> None:
        self.call_after_refresh(self.query_one("#timeline-box").scroll_end, animate=False)

    def on_step_table_step_selected(self, event: StepTable.StepSelected) -> None:
        """A single move redraws at once; a burst of moves (paging) once it settles.

        Each redraw of the detail pane can change its height, which lays out the whole screen
        (the 1,000-row table with it): at a page every 50 ms that was most of the loop lag.
        """
        import time

        now = time.monotonic()
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if now - self._detail_shown_at >= DETAIL_SETTLE:
            self._detail_shown_at = now
            self._show_detail()
        else:
            self._detail_shown_at = now
            self._detail_timer = self.set_timer(DETAIL_SETTLE, self._settled)

    def _settled(self) -> None:
        self._detail_timer = None
        self._show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_complete()

    def on_detail_pane_ticked(self, event: DetailPane.Ticked) -> None:
        self.tick(event.step_id, event.index, event.checked)
