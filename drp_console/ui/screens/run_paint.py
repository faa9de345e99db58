"""Drawing the run screen: what changed since the last redraw, and only that.

The screen's timer asks four times a second; nothing is drawn unless events arrived, a step is
to be selected, or (while a clock runs) a new second began. Behind a dialog every redraw of the
screen repaints the dialog over it, whole: there only the header's clocks move, once a second
and not while the operator types, and the rest is drawn when the dialog closes.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual.widgets import Static

from drp_console.ui.screens.run_keys import key_bar
from drp_console.ui.step_view import now_of
from drp_console.ui.widgets.detail_pane import DetailPane
from drp_console.ui.widgets.header import ClockLine, ModeBanner
from drp_console.ui.widgets.pane_text import pane_content
from drp_console.ui.widgets.step_table import StepTable
from drp_console.ui.widgets.timeline import Timeline

if TYPE_CHECKING:
    from textual.timer import Timer

    from drp_console.ui.screens.run_screen import RunScreen

DETAIL_SETTLE = 0.12
"""Rapid cursor moves (paging) redraw the detail pane once they pause this long."""


class RunPaint:
    """Draws one run screen from its feed (the journal's fold, runbook, timeline)."""

    def __init__(self, screen: RunScreen) -> None:
        self.screen = screen
        self.pending_select: str | None = None
        """A step to bring under the cursor at the next redraw."""
        self.drawn: tuple[int, int] = (-1, -1)
        """(last event seq, wall second) of the last redraw: the timer redraws on a change."""
        self.body_seq = -1
        """The last event seq drawn below the header (behind a dialog only the header is)."""
        self._paused_keys = False
        self._detail_timer: Timer | None = None
        self._detail_shown_at = 0.0

    def covered(self) -> bool:
        """Whether another screen (a dialog) is in front of the run screen."""
        return self.screen.app.screen is not self.screen

    def tick(self) -> None:
        """The timer's redraw: only when something changed (see the module's docstring)."""
        screen, state = self.screen, self.screen.state
        second = -1 if state.finished else int(screen.app.clock.now().timestamp())
        if not screen.feed.changed and not self.pending_select \
                and self.drawn == (state.last_seq, second):
            return
        if self.covered() and (self.drawn[1] == second or screen.app.typing()):
            return
        self.flush()

    def behind(self) -> bool:
        """Whether something was left undrawn while a dialog covered the screen."""
        return bool(self.screen.feed.changed or self.pending_select
                    or self.body_seq != self.screen.state.last_seq)

    def flush(self) -> None:
        """Refresh what changed since the last redraw (behind a dialog: the header alone)."""
        screen, state, feed = self.screen, self.screen.state, self.screen.feed
        wall = screen.app.clock.now()
        self.drawn = (state.last_seq, -1 if state.finished else int(wall.timestamp()))
        now = now_of(state, wall)
        screen.query_one(ModeBanner).show(state, screen.operator if screen.session else None)
        screen.query_one(ClockLine).show(state, feed.runbook, now, wall, screen.app.tz_name)
        if self.covered():
            return
        self.body_seq = state.last_seq
        paused = state.status == "paused"
        if paused != self._paused_keys:
            self._paused_keys = paused
            screen.query_one("#keys", Static).update(
                key_bar(screen.BINDINGS, paused, watching=screen.watching()))
        touched = feed.take_touched()
        if touched is not None:  # clocks tick on the rows of steps under way
            touched.update(sid for sid, s in state.steps.items()
                           if s.status in ("running", "waiting"))
        table = screen.query_one(StepTable)
        table.fill(state.steps, now, touched, feed.parallel)
        title = f"Steps {state.steps_done}/{state.steps_total}"
        if table.border_title != title:  # setting it, even unchanged, repaints the whole table
            table.border_title = title
        target, self.pending_select = self.pending_select, None
        if target:
            table.select(target)
        if self._detail_timer is None:  # while the cursor is racing, the settle timer redraws
            self.show_detail()
        timeline = screen.query_one(Timeline)
        before = timeline._count
        timeline.show(feed.timeline)
        if timeline._count != before:
            screen.query_one("#timeline-box").scroll_end(animate=False)

    def show_detail(self) -> None:
        """Redraw the detail pane for the selected step."""
        screen = self.screen
        step_id = screen.query_one(StepTable).selected_step
        now = now_of(screen.state, screen.app.clock.now())
        screen.query_one(DetailPane).show(pane_content(screen.state, screen.feed.runbook,
                                                       step_id, now, screen.feed.runbook_problem))

    def step_selected(self) -> None:
        """A single move redraws the detail pane at once; a burst of moves (paging) once it
        settles. Each redraw of the pane can change its height, which lays out the whole screen
        (the 1,000-row table with it): at a page every 50 ms that was most of the loop lag."""
        now = time.monotonic()
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        if now - self._detail_shown_at >= DETAIL_SETTLE:
            self._detail_shown_at = now
            self.show_detail()
        else:
            self._detail_shown_at = now
            self._detail_timer = self.screen.set_timer(DETAIL_SETTLE, self._settled)

    def _settled(self) -> None:
        self._detail_timer = None
        self.show_detail()
