"""What the run screen draws from: the journal's fold, the runbook, the timeline, the rows touched.

No Textual here: the screen hands each journaled event to `RunFeed.take` and, at each redraw,
takes the rows touched since the last one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drp_console.journal.state import RunState
from drp_console.ui.step_view import rebuild_runbook
from drp_console.ui.widgets.timeline import TimelineEntry, entry_for

if TYPE_CHECKING:
    from drp_console.runbook.model import Runbook


class RunFeed:
    """One run as the console shows it, kept up to date event by event (never rebuilt)."""

    def __init__(self, runbook: Runbook | None = None) -> None:
        self.state = RunState()
        """The run: the journal's fold, each new event applied to it as it arrives."""
        self.given = runbook
        """The engine's own runbook (a live run), used as soon as `run_started` is folded."""
        self.runbook: Runbook | None = None
        """The runbook the run follows (None until `run_started`, or when it cannot be
        rebuilt from the journaled document: `runbook_problem` says why)."""
        self.runbook_problem: str | None = None
        """Why the journaled runbook could not be rebuilt."""
        self.parallel: set[str] = set()
        """Steps that may run beside another (marked in the table)."""
        self.timeline: list[TimelineEntry] = []
        """The events in words, as they arrived."""
        self._touched: set[str] | None = None

    def take(self, event: dict) -> bool:
        """Fold one journaled event, say it in the timeline and note the row it touched.
        True when the runbook must now be rebuilt from the journal (`rebuild_runbook`; a replay
        does it once the first frame is out, pydantic takes a while)."""
        seq = event.get("seq")
        if isinstance(seq, int) and self.state.events and seq <= self.state.last_seq:
            return False  # already folded
        self.state.apply(event)
        rebuild = False
        if self.state.run_started is event:  # the run's first event: every row, the runbook
            self._touched = None
            if self.given is not None:
                self.use_runbook(self.given, None)
            else:
                rebuild = True
        elif self._touched is not None and isinstance(event.get("step"), str):
            self._touched.add(event["step"])
        entry = entry_for(event, self.runbook)
        if entry is not None:
            self.timeline.append(entry)
        return rebuild

    def rebuild_runbook(self) -> None:
        """Rebuild the runbook from the journaled document (every row is redrawn)."""
        self.use_runbook(*rebuild_runbook(self.state.runbook_doc))
        self._touched = None

    def use_runbook(self, runbook: Runbook | None, problem: str | None) -> None:
        """The runbook the run follows: instructions, checklists, options, needs, branches."""
        self.runbook, self.runbook_problem = runbook, problem
        if runbook is not None:
            from drp_console.runbook.graph import parallel_steps

            self.parallel = parallel_steps(runbook)

    @property
    def changed(self) -> bool:
        """Some row changed since the last `take_touched` (or every row: None)."""
        return self._touched != set()

    def take_touched(self) -> set[str] | None:
        """The steps whose rows changed since the last call (None: every row)."""
        touched, self._touched = self._touched, set()
        return touched
