"""Dialogs for people's answers, each a typed `ModalScreen[Reply | None]` (None = cancelled)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from drp_console.runbook.milestones import MILESTONES


def reflow(text: str | None) -> str:
    """Join a paragraph's hard line breaks (YAML `|` blocks) so the console wraps it evenly.

    Blank lines, list items, indented lines and fenced code keep their own lines.
    """
    import re

    out: list[str] = []
    fenced = False
    for line in (text or "").strip("\n").splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            fenced = not fenced
            out.append(line)
            continue
        joinable = (not fenced and stripped and not line.startswith((" ", "\t"))
                    and not re.match(r"([-*+]|\d+[.)]|#+|>|\|)\s", stripped))
        if joinable and out and out[-1].strip() and _joinable_tail(out[-1]):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _joinable_tail(line: str) -> bool:
    """Whether the next line may be glued onto this one (not code, not a table row)."""
    return not line.startswith((" ", "\t", "```", "|"))


def prompt_markup(text: str | None) -> str:
    """A runbook prompt (Markdown) as console markup: reflowed, escaped, with **bold** and
    *italics* kept (never shown as raw asterisks)."""
    import re

    marked = re.sub(r"\*\*(.+?)\*\*", r"[b]\1[/b]", escape(reflow(text)))
    return re.sub(r"(?<![\w*])\*(?!\s)([^*\n]+?)(?<!\s)\*(?![\w*])", r"[i]\1[/i]", marked)


@dataclass(frozen=True)
class Reply:
    """What the operator answered in a dialog."""

    value: str
    """The answer: approve/reject, an option label, go, verified/rerun/skip, done, a tag, ..."""
    by: str | None = None
    """Who answered (approvals require it)."""
    role: str | None = None
    """The role they answered in."""
    reason: str | None = None
    """Why (skips, rejections)."""
    typed: str | None = None
    """What was typed in a confirmation."""
    text: str | None = None
    """Free text (notes, milestone names)."""
    owner: str | None = None
    """Who will do an improvement action (notes tagged `action`)."""
    due: str | None = None
    """An improvement action's due date, `YYYY-MM-DD`."""


class Dialog(ModalScreen["Reply | None"]):
    """Shared frame: a title, a body, escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    TITLE_TEXT = ""

    def __init__(self, *, still: bool = False) -> None:
        super().__init__()
        self.still = still

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.TITLE_TEXT
            yield from self.body()
            yield Static("", classes="dialog-error")

    def body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        if self.still:
            for field in self.query(Input):
                field.cursor_blink = False

    def error(self, text: str) -> None:
        """Show what is missing, inline."""
        self.query_one(".dialog-error", Static).update(f"[b]{escape(text)}[/b]")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ApprovalDialog(Dialog):
    """Go/no-go gate: approve or reject, with the approver's name (required) and role."""

    TITLE_TEXT = "Approval"

    def __init__(self, step: str, prompt: str, role: str | None, name: str, **kw) -> None:
        super().__init__(**kw)
        self.step, self.prompt, self.role, self.approver = step, prompt, role, name

    def body(self) -> ComposeResult:
        yield Label(f"[b]{escape(self.step)}[/b]  {prompt_markup(self.prompt or 'Approve this step?')}",
                    classes="dialog-prompt")
        yield Label("Approver's name (required)")
        yield Input(self.approver, placeholder="your name", id="approver")
        yield Label(f"Role: {escape(self.role or '—')}")
        yield Label("enter approves; to reject, type a reason below and press enter there")
        yield Input(placeholder="reason (required to reject)", id="reason")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Approve", variant="success", id="approve")
            yield Button("Reject", variant="error", id="reject")
            yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._decide("approve" if event.input.id == "approver" else "reject")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self._decide(str(event.button.id))

    def _decide(self, verdict: str) -> None:
        name = self.query_one("#approver", Input).value.strip()
        reason = self.query_one("#reason", Input).value.strip() or None
        if not name:
            return self.error("Type the approver's name first.")
        if verdict == "reject" and not reason:
            return self.error("Say why you reject (the reason goes into the report).")
        self.dismiss(Reply(verdict, by=name, role=self.role, reason=reason))


class DecisionDialog(Dialog):
    """Pick one option of a decision; the recommended one is marked in training mode."""

    TITLE_TEXT = "Decision"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        *(Binding(str(i), f"pick({i - 1})", show=False) for i in range(1, 10))]

    def __init__(self, step: str, prompt: str, options: list[str], recommended: str | None,
                 training: bool, by: str, **kw) -> None:
        super().__init__(**kw)
        self.step, self.prompt, self.options = step, prompt, options
        self.recommended, self.training, self.by = recommended, training, by

    def body(self) -> ComposeResult:
        yield Label(f"[b]{escape(self.step)}[/b]  {prompt_markup(self.prompt or 'Choose:')}",
                    classes="dialog-prompt")
        with Vertical(classes="dialog-options"):
            for i, option in enumerate(self.options):
                mark = "  ★ recommended" if self.training and option == self.recommended else ""
                yield Button(f"{i + 1}. {option}{mark}", id=f"opt-{i}", classes="option")
        yield Button("Cancel", id="cancel")

    def action_pick(self, index: int) -> None:
        if 0 <= index < len(self.options):
            self.dismiss(Reply(self.options[index], by=self.by))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self.action_pick(int(str(event.button.id).removeprefix("opt-")))


class ConfirmDialog(Dialog):
    """Live mode: type the resource name (or project id) exactly before anything acts."""

    TITLE_TEXT = "LIVE — confirm"

    def __init__(self, what: str, expected: str, by: str, **kw) -> None:
        super().__init__(**kw)
        self.what, self.expected, self.by = what, expected, by

    def body(self) -> ComposeResult:
        yield Label(f"[b]{escape(self.what)}[/b]", classes="dialog-prompt")
        yield Label(f"This acts on real Google Cloud. Type [b]{escape(self.expected)}[/b] "
                    "to go on, or press escape.")
        yield Input(placeholder=self.expected, id="typed")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Go", variant="error", id="go")
            yield Button("Cancel", id="cancel")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._go()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self._go()

    def _go(self) -> None:
        typed = self.query_one("#typed", Input).value.strip()
        if typed != self.expected:
            return self.error(f"That is not {self.expected!r}: type it exactly.")
        self.dismiss(Reply("go", by=self.by, typed=typed))


class ReasonDialog(Dialog):
    """A required reason: skipping a step."""

    TITLE_TEXT = "Skip step"

    def __init__(self, step: str, by: str, **kw) -> None:
        super().__init__(**kw)
        self.step, self.by = step, by

    def body(self) -> ComposeResult:
        yield Label(f"Skip [b]{escape(self.step)}[/b]. Why? (required; it goes into the report)")
        yield Input(placeholder="reason", id="reason")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            return self.error("A reason is required to skip a step.")
        self.dismiss(Reply("skip", by=self.by, reason=reason))


NOTE_TAGS = ("observation", "decision", "blocker", "action", "data-categories", "data-subjects")


class NoteDialog(Dialog):
    """A timestamped note, tagged decision/observation/blocker/action (an action asks its owner
    and due date) or, for a breach, the data categories or data subjects concerned."""

    TITLE_TEXT = "Note"

    def __init__(self, step: str | None, by: str, **kw) -> None:
        super().__init__(**kw)
        self.step, self.by = step, by

    def body(self) -> ComposeResult:
        about = f" about [b]{escape(self.step)}[/b]" if self.step else ""
        yield Label(f"Note{about} (enter saves)")
        yield Input(placeholder="what happened, what was decided", id="note")
        with RadioSet(id="tag"):
            for i, tag in enumerate(NOTE_TAGS):
                yield RadioButton(tag, value=i == 0)
        with Horizontal(id="action-fields"):
            yield Input(placeholder="owner (optional)", id="owner")
            yield Input(placeholder="due YYYY-MM-DD (optional)", id="due")

    def on_mount(self) -> None:
        self.query_one("#action-fields").display = False

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.query_one("#action-fields").display = self._tag() == "action"

    def _tag(self) -> str | None:
        index = self.query_one("#tag", RadioSet).pressed_index
        return NOTE_TAGS[index] if index >= 0 else None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        from datetime import date

        text = self.query_one("#note", Input).value.strip()
        if not text:
            return self.error("Write the note first.")
        tag = self._tag()
        owner = due = None
        if tag == "action":
            owner = self.query_one("#owner", Input).value.strip() or None
            due = self.query_one("#due", Input).value.strip() or None
            try:
                if due is not None:
                    date.fromisoformat(due)
            except ValueError:
                return self.error("Due date as YYYY-MM-DD, like 2026-12-31 (or leave it empty).")
        self.dismiss(Reply(tag or "", by=self.by, text=text, owner=owner, due=due))


class MilestoneDialog(Dialog):
    """Record a milestone now (a standard one or another word)."""

    TITLE_TEXT = "Milestone"

    def __init__(self, recorded: set[str], **kw) -> None:
        super().__init__(**kw)
        self.recorded = recorded

    def body(self) -> ComposeResult:
        marks = ", ".join(m + (" ✔" if m in self.recorded else "") for m in MILESTONES)
        yield Label(f"Record a milestone now. Standard: {marks}")
        yield Input(placeholder="milestone (one word)", id="milestone")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        import re

        name = event.value.strip().lower()
        if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
            return self.error("One word: lowercase letters, digits and dashes, like 'mitigated'.")
        self.dismiss(Reply(name, text=name))


class UnknownDialog(Dialog):
    """Reconcile an UNKNOWN step: it may have acted before the console stopped."""

    TITLE_TEXT = "UNKNOWN — reconcile"

    def __init__(self, step: str, reason: str | None, by: str, **kw) -> None:
        super().__init__(**kw)
        self.step, self.reason, self.by = step, reason, by

    def body(self) -> ComposeResult:
        yield Label(f"[b]{escape(self.step)}[/b] may have acted before the console stopped"
                    + (f": {escape(self.reason)}" if self.reason else "") + ".",
                    classes="dialog-prompt")
        yield Label("Check the resource yourself, then say what is true. Nothing is retried "
                    "without you.")
        with Horizontal(classes="dialog-buttons"):
            yield Button("Verified done", variant="success", id="verified")
            yield Button("Run again", variant="warning", id="rerun")
            yield Button("Skip", id="skip")
            yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        self.dismiss(Reply(str(event.button.id), by=self.by,
                           reason=f"operator: {event.button.label}"))


class QuitDialog(ModalScreen["bool | str"]):
    """Quit the console (True), stay (False), or, for a finished run when there is a runbook
    folder, go back to the launcher (`launcher`); an unfinished run stays resumable."""

    BINDINGS = [Binding("escape", "stay", "Stay"), Binding("y", "leave", "Quit", show=False),
                Binding("l", "launcher", "Launcher", show=False)]

    def __init__(self, run_id: str | None, finished: bool, launcher: bool = False) -> None:
        super().__init__()
        self.run_id, self.finished = run_id, finished
        self.launcher = launcher and finished

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = "Quit"
            if self.launcher:
                yield Label("The run is over. Start another from the launcher, or quit?")
            elif self.finished or not self.run_id:
                yield Label("Quit the console?")
            else:
                yield Label("Quit the console? The run stays resumable:")
                yield Label(f"  [b]drp resume {escape(self.run_id)}[/b]")
            with Horizontal(classes="dialog-buttons"):
                if self.launcher:
                    yield Button("Back to the launcher (l)", variant="primary", id="launcher")
                yield Button("Quit (y)", variant="error", id="quit")
                yield Button("Stay", id="stay")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "launcher":
            self.dismiss("launcher")
        else:
            self.dismiss(event.button.id == "quit")

    def action_leave(self) -> None:
        self.dismiss(True)

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_launcher(self) -> None:
        if self.launcher:
            self.dismiss("launcher")
