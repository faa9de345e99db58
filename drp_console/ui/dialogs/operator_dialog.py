"""Who is at the keyboard: asked once when a run starts or is joined in the console."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import Input, Label

from drp_console.ui.dialogs.modals import Dialog, Reply


class OperatorDialog(Dialog):
    """The operator's name, prefilled (`--operator`, `$DRP_OPERATOR`, git, login): enter accepts.

    Every answer, decision and note of this console is recorded under it. Escape keeps the
    prefilled name (the run cannot go on without one)."""

    TITLE_TEXT = "Who is at the keyboard?"

    def __init__(self, name: str, run: str | None = None, **kw) -> None:
        super().__init__(**kw)
        self.name_given, self.run = name, run

    def body(self) -> ComposeResult:
        what = f"run [b]{escape(self.run)}[/b]" if self.run else "this run"
        yield Label(f"Your name, for {what}: every answer, decision and note you give is "
                    "recorded under it (enter accepts).", classes="dialog-prompt")
        yield Input(self.name_given, placeholder="your name", id="operator-name")

    def on_mount(self) -> None:
        super().on_mount()
        field = self.query_one("#operator-name", Input)
        field.focus()
        field.select_all()  # typing replaces the guessed name; enter keeps it

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        name = " ".join(event.value.split())
        if not name:
            return self.error("Type your name: the journal records who did what.")
        self.dismiss(Reply("operator", by=name))

    def action_cancel(self) -> None:
        name = " ".join(self.name_given.split())
        if name:
            self.dismiss(Reply("operator", by=name))
        else:
            self.error("Type your name: the journal records who did what.")
