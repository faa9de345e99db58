"""The steps of a run in one DataTable (a widget per step is ~9x slower at 1,000 steps)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

from drp_console.runbook.durations import format_duration
from drp_console.ui.clock import clock_text
from drp_console.ui.step_view import elapsed, shown_status, status_icon, status_word

if TYPE_CHECKING:
    from drp_console.journal.step_state import StepState
    from drp_console.journal.timing import Instant

COLUMNS = (("status", "Status", 9), ("id", "Step", 18), ("title", "Title", 30),
           ("role", "Role", 9), ("elapsed", "Time", 7), ("budget", "Budget", 6))
"""(key, label, width); the title's width follows the table's."""
TITLE_FLOOR = 5
"""The title's width however long the ids are (the detail pane's header shows it whole)."""
STEP_MIN = 10
ROLE_MIN, ROLE_MAX = 4, 12



def _status_style(status: str) -> str:
    """Mid-tone colours that read on dark and light backgrounds; the word carries the meaning."""
    return {"running": "bold dodger_blue2", "waiting": "bold dark_orange3",
            "succeeded": "green4", "failed": "bold red3", "unknown": "bold magenta3",
            "skipped": "dim", "pending": "dim"}.get(status, "")


def row_cells(step: StepState, now: Instant, parallel: bool = False, marks: bool = True) -> tuple:
    """The cells of one step's row at `now` (an instant on the run's clock; `marks`: keep room
    for the parallel mark)."""
    status = Text(f"{status_icon(step)} {status_word(step)}", style=_status_style(shown_status(step)))
    ident = (("∥ " if parallel else "  ") if marks else "") + step.id
    title = step.title  # a skipped step keeps it: the reason is in the detail pane
    if step.status == "running" and step.operation_progress is not None:
        title = f"{step.title} ({step.operation_progress}%)"
    took = elapsed(step, now)
    elapsed_text = Text(clock_text(took) if took is not None else "—", justify="right")
    if step.budget is not None and took is not None and took > step.budget:
        elapsed_text.stylize("bold red3")
        elapsed_text.append(" !")
    budget = format_duration(step.budget) if step.budget is not None else "—"
    return (status, ident, title, step.role or "—", elapsed_text, Text(budget, justify="right"))


class StepTable(DataTable):
    """One row per step; the cursor picks the step the detail pane shows."""

    class StepSelected(Message):
        """The highlighted step changed."""

        def __init__(self, step_id: str) -> None:
            super().__init__()
            self.step_id = step_id
            """The highlighted step's id."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._shown: dict[str, tuple] = {}
        self._steps: dict[str, StepState] | None = None
        self._fitted_for = -1
        self._marks = True

    BINDINGS = [Binding("enter", "select_cursor", "Done/answer")]

    def on_mount(self) -> None:
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def _fit_columns(self) -> None:
        """Step as wide as the longest id (ids are how people name steps: they are never cut;
        the title shrinks instead, and the detail pane's header shows it whole), Role as wide
        as the longest role, Title the rest (if even its floor does not fit, the table scrolls
        sideways rather than cutting an id)."""
        from textual.widgets.data_table import ColumnKey

        available = self.scrollable_content_region.width
        if available <= 0:
            return
        ids = max((len(sid) for sid in (self._steps or {})), default=STEP_MIN)
        ids += 2 if self._marks else 0
        widths = {key: width for key, _, width in COLUMNS}
        roles = [len(str(step.role or "—")) for step in (self._steps or {}).values()]
        widths["role"] = max(ROLE_MIN, min(ROLE_MAX, max(roles, default=widths["role"])))
        others = sum(w for k, w in widths.items() if k not in ("title", "id"))
        room = available - others - 2 * len(COLUMNS) - 1  # for the id and the title
        widths["id"] = max(STEP_MIN, ids)
        widths["title"] = max(TITLE_FLOOR, room - widths["id"])
        changed = False
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and column.width != width:
                column.width = width
                changed = True
        if changed:
            self._require_update_dimensions = True
            self._clear_caches()
            self.refresh()

    def on_resize(self) -> None:
        self._fit_columns()

    def fill(self, steps: dict[str, StepState], now: Instant,
             only: set[str] | None = None, parallel: set[str] | frozenset = frozenset()) -> None:
        """Bring rows up to date (all, or the `only` ones), touching only cells that changed;
        `parallel`: the steps marked as running beside others."""
        self._steps = steps
        if len(steps) != self._fitted_for:  # new steps may have longer ids
            self._fitted_for = len(steps)
            self._marks = bool(parallel)
            self._fit_columns()
        if only is not None and len(self._shown) == len(steps):
            chosen = [(sid, steps[sid]) for sid in only if sid in steps]
        else:
            chosen = list(steps.items())
        changed: dict[str, list[tuple[str, Text | str]]] = {}
        for sid, step in chosen:
            cells = row_cells(step, now, sid in parallel, self._marks)
            plain = tuple(str(c) for c in cells)
            old = self._shown.get(sid)
            if old is None:
                self.add_row(*cells, key=sid)
            elif old != plain:
                changed[sid] = [(key, cell) for (key, _, _), cell, before, after
                                in zip(COLUMNS, cells, old, plain, strict=False)
                                if before != after]
            self._shown[sid] = plain
        if changed:
            self._set_rows(changed)

    def _set_rows(self, changed: dict[str, list[tuple[str, Text | str]]]) -> None:
        """Change cells and repaint their rows alone.

        `DataTable.update_cell` repaints the whole table: a clock ticking in one row re-rendered
        every visible row each second (and, behind a dialog, the dialog with it). Here the
        table's caches are dropped the same way (one more update counted) but only the changed
        rows are marked for repainting: the other rows on screen are still what they show. If
        this Textual keeps its cells otherwise, `update_cell` does it the slow way."""
        from textual.widgets.data_table import ColumnKey, RowKey

        try:
            rows = [(self._data[RowKey(sid)], self.get_row_index(sid), cells)
                    for sid, cells in changed.items()]
            self._update_count += 1
        except (AttributeError, KeyError, TypeError, RowDoesNotExist):
            for sid, cells in changed.items():
                for key, cell in cells:
                    self.update_cell(sid, key, cell)
            return
        for data, index, cells in rows:
            for key, cell in cells:
                data[ColumnKey(key)] = cell
            self.refresh_row(index)

    @property
    def selected_step(self) -> str | None:
        """The id of the step under the cursor."""
        if not self.row_count:
            return None
        try:
            key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        except Exception:  # noqa: BLE001 - no row under the cursor
            return None
        return str(key.value)

    def select(self, step_id: str) -> None:
        """Move the cursor to a step."""
        with contextlib.suppress(Exception):  # an unknown row: the cursor stays
            self.move_cursor(row=self.get_row_index(step_id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        if event.row_key is not None and event.row_key.value is not None:
            self.post_message(self.StepSelected(str(event.row_key.value)))
