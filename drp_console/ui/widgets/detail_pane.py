"""The detail pane: everything about the selected step, and the key for what it needs next.

What it shows is one `PaneContent`, computed from one state; the pane swaps the Markdown body
first (Textual mounts it asynchronously) and only then the header, the next action, the
checklist and the facts, so a new step's header never sits over the previous step's body.
"""

from __future__ import annotations

from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Markdown, Static

from drp_console.ui.clock import update_if_changed
from drp_console.ui.widgets.pane_text import PaneContent


class ChecklistItem(Static):
    """One checklist line: its box and its text, wrapped under the text (a click toggles it)."""

    def __init__(self, index: int, text: str, ticked: bool) -> None:
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row("☑" if ticked else "☐", text)
        super().__init__(grid, classes="checklist-item" + (" -ticked" if ticked else ""))
        self.index = index
        """The item's position in the checklist."""

    def on_click(self) -> None:
        self.post_message(Checklist.Toggled(self.index))


class Checklist(Vertical):
    """The checklist of a manual step, each item wrapped in full (never cut)."""

    class Toggled(Message):
        """An item was clicked."""

        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index
            """The item clicked."""

    selected: list[int] = []
    """Indices of the ticked items, as shown."""


class DetailPane(VerticalScroll):
    """Header, next action, instructions, checklist and facts of one step."""

    class Ticked(Message):
        """The operator clicked a checklist item: tick it, or untick it."""

        def __init__(self, step_id: str, index: int, checked: bool) -> None:
            super().__init__()
            self.step_id = step_id
            """The step whose checklist it is."""
            self.index = index
            """The item clicked."""
            self.checked = checked
            """Ticked (True) or unticked."""

    def compose(self):
        yield Static(id="detail-head")
        yield Static(id="detail-next")
        yield Checklist(id="detail-checklist")  # what to do next comes first
        yield Markdown(id="detail-instructions")
        yield Static(id="detail-facts")

    def on_mount(self) -> None:
        self._shown: PaneContent | None = None
        self._wanted: PaneContent | None = None
        self._shown_md: str | None = None
        self._body_md: str | None = None
        self._swapping = False
        self._shown_list: tuple | None = None
        self.query_one("#detail-checklist").display = False  # never focused: x/enter are the screen's

    @property
    def shown_step(self) -> str | None:
        """The step whose header and body are on screen."""
        return self._shown.step_id if self._shown else None

    def show(self, content: PaneContent) -> None:
        """Show this content: the body first, then everything else, together."""
        self._wanted = content
        self._shown_md = content.md
        self._sync()

    def _sync(self) -> None:
        content = self._wanted
        if content is None or self._swapping:
            return
        if content.md != self._body_md:
            self._swapping = True
            self.run_worker(self._swap(content.md), group="detail-body", exit_on_error=False)
            return
        self._apply(content)

    async def _swap(self, md: str) -> None:
        box = self.query_one("#detail-instructions", Markdown)
        try:
            await box.update(md)
            self._body_md = md
        finally:
            self._swapping = False
        self._sync()

    def _apply(self, content: PaneContent) -> None:
        head = self.query_one("#detail-head", Static)
        nxt = self.query_one("#detail-next", Static)
        box = self.query_one("#detail-instructions", Markdown)
        box.display = bool(content.md.strip())
        if content.step_id is None:
            update_if_changed(head, content.head)
            nxt.display = False
            self._shown = content
            return
        if self.border_title != content.title:
            self.border_title = content.title
        update_if_changed(head, content.head)
        if content.next:
            update_if_changed(nxt, content.next)
        nxt.display = content.next is not None
        self._show_checklist(content)
        update_if_changed(self.query_one("#detail-facts", Static), content.facts)
        changed = self._shown is None or self._shown.step_id != content.step_id
        self._shown = content
        if changed:
            self.call_after_refresh(self._hint_more)

    def _hint_more(self) -> None:
        """Say on the border when part of the step is below the fold, and how to reach it."""
        more = self.max_scroll_y > 0 and self.scroll_y < self.max_scroll_y
        hint = "↓ more: tab here, then pgdn" if more else ""
        if self.border_subtitle != hint:
            self.border_subtitle = hint

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._hint_more()

    def _show_checklist(self, content: PaneContent) -> None:
        checklist = self.query_one("#detail-checklist", Checklist)
        items, ticked = content.checklist, set(content.ticked)
        state = (content.step_id, items, tuple(sorted(ticked)))
        checklist.display = bool(items)
        if state == self._shown_list:
            return
        self._shown_list = state
        checklist.remove_children()
        checklist.mount_all([ChecklistItem(i, item, i in ticked) for i, item in enumerate(items)])
        checklist.selected = sorted(i for i in ticked if i < len(items))
        checklist.border_title = f"Checklist {len(checklist.selected)}/{len(items)}"

    def on_checklist_toggled(self, event: Checklist.Toggled) -> None:
        event.stop()
        shown = self._shown
        if shown is None or shown.step_id is None or self._shown_list is None:
            return
        self.post_message(self.Ticked(shown.step_id, event.index,
                                      event.index not in shown.ticked))
