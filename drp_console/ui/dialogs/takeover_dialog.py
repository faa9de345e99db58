"""Taking a shared run over from a joiner's console: never one keystroke."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button, Input, Label

from drp_console.ui.dialogs.modals import Dialog, Reply


class TakeoverDialog(Dialog):
    """Says who drove, how long they have been silent and what taking over does; confirmed with
    the button (a live run: the project id typed exactly, as every live confirmation)."""

    TITLE_TEXT = "Take the run over"

    def __init__(self, run_id: str, silence: str, by: str, project: str | None = None,
                 **kw) -> None:
        super().__init__(**kw)
        self.run_id, self.silence, self.by, self.project = run_id, silence, by, project

    def body(self) -> ComposeResult:
        yield Label(f"[b]{escape(self.silence)}[/b].", classes="dialog-prompt")
        yield Label(f"Drive run [b]{escape(self.run_id)}[/b] from this console, as "
                    f"[b]{escape(self.by)}[/b]? It is resumed here: Compute calls in flight are "
                    "sent again with their requestIds; calls whose outcome is uncertain wait as "
                    "UNKNOWN for a person to decide. If someone else takes it first, they "
                    "drive and you stay joined.")
        if self.project:
            yield Label(f"This run acts on real Google Cloud. Type [b]{escape(self.project)}"
                        "[/b] to take it over, or press escape.")
            yield Input(placeholder=self.project, id="typed")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Take over", variant="warning", id="take-over")
            yield Button("Stay joined", id="stay")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._go()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "stay":
            self.dismiss(None)
            return
        self._go()

    def _go(self) -> None:
        typed = None
        if self.project:
            typed = self.query_one("#typed", Input).value.strip()
            if typed != self.project:
                return self.error(f"That is not {self.project!r}: type it exactly.")
        self.dismiss(Reply("take-over", by=self.by, typed=typed))
