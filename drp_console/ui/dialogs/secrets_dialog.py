"""Resuming a run from the launcher: its secret parameters, typed again (never journaled)."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class SecretsDialog(ModalScreen["dict[str, str] | None"]):
    """One hidden field per secret parameter; enter goes to the next, then resumes. Escape
    cancels (the run is not opened)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, run_id: str, names: list[str], *, still: bool = False) -> None:
        super().__init__()
        self.run_id, self.names, self.still = run_id, names, still

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Secret parameters"
            yield Label(f"Run [b]{escape(self.run_id)}[/b] was started with secret parameters; "
                        "they are not kept in the journal: type them again to resume "
                        "(as `drp resume RUN -p NAME=VALUE` asks).", classes="dialog-prompt")
            for name in self.names:
                yield Label(escape(name))
                field = Input(password=True, placeholder=name, id=f"secret-{name}")
                if self.still:
                    field.cursor_blink = False
                yield field
            yield Static("", classes="dialog-error")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        fields = list(self.query(Input).results(Input))
        empty = [f for f in fields if not f.value]
        if empty:
            if event.input is not fields[-1] and event.input.value:
                fields[fields.index(event.input) + 1].focus()
                return
            name = str(empty[0].id).removeprefix("secret-")
            self.query_one(".dialog-error", Static).update(
                f"[b]Type {escape(name)}: the run needs it to go on.[/b]")
            empty[0].focus()
            return
        self.dismiss({str(f.id).removeprefix("secret-"): f.value for f in fields})

    def action_cancel(self) -> None:
        self.dismiss(None)
