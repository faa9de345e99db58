"""The detail pane: everything about the selected step, and the key for what it needs next."""

from __future__ import annotations

import re
from datetime import datetime

from rich.markup import escape
from textual.containers import VerticalScroll
from textual.message import Message
from textual.containers import Vertical
from textual.widgets import Markdown, Static

from drp_console.ui.clock import clock_text, update_if_changed
from drp_console.ui.modals import prompt_markup, reflow
from drp_console.ui.step_view import StepView
from drp_console.ui.view_model import RunView

NEXT_KEY = {
    "manual": "tick the checklist with [b]x[/b] (or click), then [b]enter[/b] when done",
    "approval": "press [b]a[/b] to approve or reject, with your name",
    "decision": "press [b]d[/b] to choose an option",
    "confirm": "press [b]enter[/b] and type the resource name to let this step act",
    "failed": "press [b]r[/b] to retry or [b]s[/b] to skip with a reason",
    "unknown": "press [b]u[/b]: verified done, run again, or skip",
}
"""What the operator does next, per kind of question."""

_PARAM = re.compile(r"\{\{\s*params\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")


def fill_params(text: str, params: dict) -> str:
    """Show `{{ params.x }}` in instructions with the run's (redacted) value."""
    return _PARAM.sub(lambda m: str(params.get(m.group(1), m.group(0))), text)


def without_explain(prompt: str | None, explain: object) -> str | None:
    """The engine's prompt without the training `explain` it appends (shown once, apart)."""
    if not prompt or not explain:
        return prompt
    chunks = prompt.split("\n\n")
    drop = len(str(explain).strip().split("\n\n"))
    return "\n\n".join(chunks[:-drop]) if len(chunks) > drop else ""


def wrappable_code(md: str) -> str:
    """Fenced code as one inline-code line each (hard breaks): a narrow pane wraps it, never cuts.

    A fence is shown by Textual without wrapping, which cut commands at the pane's edge.
    """
    out: list[str] = []
    fenced = False
    for line in md.split("\n"):
        if line.strip().startswith("```"):
            fenced = not fenced
            out.append("")
            continue
        if fenced:
            code = line.rstrip().replace("`", "\u02cb")
            out.append(f"`{code}`\\" if code.strip() else "")
        else:
            out.append(line)
    return "\n".join(out)


def _mask(value: object) -> str:
    text = str(value)
    return text if len(text) <= 70 else text[:67] + "…"


def _catalog_kind(call: str | None) -> str:
    if not call:
        return ""
    try:
        from drp_console.runbook.catalog import CATALOG
    except ImportError:
        return ""
    entry = CATALOG.get(call)
    if entry is None:
        return ""
    kind = "mutating" if entry.kind == "mutating" else "read-only"
    return kind + (", destructive" if getattr(entry, "destructive", False) else "")


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
        """The operator ticked or unticked checklist items by mouse."""

        def __init__(self, step_id: str, ticked: set[int]) -> None:
            super().__init__()
            self.step_id = step_id
            """The step whose checklist changed."""
            self.ticked = ticked
            """Indices of the ticked items."""

    def compose(self):
        yield Static(id="detail-head")
        yield Static(id="detail-next")
        yield Checklist(id="detail-checklist")  # what to do next comes first
        yield Markdown(id="detail-instructions")
        yield Static(id="detail-facts")

    def on_mount(self) -> None:
        self._shown_step: str | None = None
        self._shown_md: str | None = None
        self._shown_list: tuple | None = None
        self.query_one("#detail-checklist").display = False  # never focused: x/enter are the screen's

    def show(self, view: RunView, step: StepView | None, ticked: set[int], now: datetime,
             params: dict) -> None:
        """Render one step (or nothing)."""
        head = self.query_one("#detail-head", Static)
        nxt = self.query_one("#detail-next", Static)
        if step is None:
            update_if_changed(head, "No step selected.")
            nxt.display = False
            return
        self.border_title = f"{step.id} · {step.title}"
        call = step.call or step.doc.get("call")
        kind = _catalog_kind(call)
        bits = [f"[b]{escape(step.type)}[/b]"]
        if call:
            bits.append(escape(call) + (f"  [i]{kind}[/i]" if kind else ""))
        if step.role:
            bits.append(f"role {escape(str(step.role))}")
        bits.append(f"status [b]{step.icon} {step.word}[/b]")
        update_if_changed(head, " · ".join(bits))
        waiting = step.waiting
        explain = step.doc.get("explain") if view.mode == "training" else None
        if waiting:
            who = waiting.get("role") or step.role or "the operator"
            prompt = waiting.get("prompt") if waiting.get("kind") != "manual" else None
            prompt = without_explain(prompt, explain)
            text = f"▶ Waiting for {escape(str(who))}: {NEXT_KEY.get(waiting.get('kind'), '')}"
            if prompt:
                text += f"\n  {prompt_markup(str(prompt))}"
            update_if_changed(nxt, text)
            nxt.display = True
        else:
            nxt.display = False
        kind = (waiting or {}).get("kind")
        if kind == "manual" and waiting.get("prompt"):
            md = without_explain(str(waiting["prompt"]), explain)  # the engine's rendering
        elif step.doc.get("instructions"):
            md = fill_params(str(step.doc["instructions"]), params)
        else:
            md = "" if waiting else fill_params(str(step.doc.get("prompt") or ""), params)
        if explain:  # once, here (the engine's prompts carry it too: taken out above)
            md += "\n\n> **Why (training):** " + fill_params(reflow(str(explain)), params)
        checked = step.doc.get("check") or step.doc.get("until")
        if view.mode == "training" and checked:
            md += f"\n\n> **Hint:** this step checks `{checked}` on the API's answer."
        if view.mode == "training" and step.type == "decision" and step.doc.get("recommended"):
            md += f"\n\n> **Hint:** the authors recommend *{step.doc['recommended']}*."
        md = wrappable_code(md)
        box = self.query_one("#detail-instructions", Markdown)
        if md != self._shown_md:
            self._shown_md = md
            box.update(md)
        box.display = bool(md.strip())
        self._show_checklist(step, ticked)
        update_if_changed(self.query_one("#detail-facts", Static),
                          self._facts(step, now, params))
        self._shown_step = step.id
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

    def _show_checklist(self, step: StepView, ticked: set[int]) -> None:
        checklist = self.query_one("#detail-checklist", Checklist)
        items = list((step.waiting or {}).get("checklist") or step.doc.get("checklist") or [])
        if step.waiting is None:  # answered: what was ticked is in the journal's answer
            done = next((set(a.get("checklist") or ()) for a in reversed(step.answers)
                         if a.get("kind") == "manual"), None)
            if done is not None:
                ticked = {i for i, item in enumerate(items) if str(item) in done}
        state = (step.id, tuple(items), tuple(sorted(ticked)))
        checklist.display = bool(items)
        if state == self._shown_list:
            return
        self._shown_list = state
        checklist.remove_children()
        checklist.mount_all([ChecklistItem(i, str(item), i in ticked)
                             for i, item in enumerate(items)])
        checklist.selected = sorted(i for i in ticked if i < len(items))
        checklist.border_title = f"Checklist {len(checklist.selected)}/{len(items)}"

    def _facts(self, step: StepView, now: datetime, params: dict) -> str:
        lines: list[str] = []
        args = step.args if step.args is not None else step.doc.get("with")
        if args:
            label = "arguments"
            lines.append(f"[b]{label}[/b]")
            width = max(len(str(k)) for k in args)
            if step.args is None:
                args = {k: fill_params(v, params) if isinstance(v, str) else v
                        for k, v in args.items()}
            lines += [f"  {escape(str(k)).ljust(width)}  {escape(_mask(v))}" for k, v in args.items()]
        if step.operation:
            name = str(step.operation.get("name", ""))
            pct = step.progress
            bar = ""
            if pct is not None:
                filled = int(pct / 100 * 12)
                bar = " ▕" + "█" * filled + "░" * (12 - filled) + f"▏ {pct}%"
            lines.append(f"[b]operation[/b] {escape(name[:24])}  {step.op_status or ''}{bar}")
        elapsed = step.elapsed(now)
        if elapsed is not None:
            budget = f" of {clock_text(step.budget)} budget" if step.budget else ""
            over = "  [b]over budget[/b]" if step.budget and elapsed > step.budget else ""
            lines.append(f"elapsed {clock_text(elapsed)}{budget}{over}")
        if step.attempt:
            retry = step.doc.get("retry") or {}
            of = f" of {retry.get('attempts')}" if retry.get("attempts") else ""
            lines.append(f"attempt {step.attempt}{of}")
        if step.error and step.status in ("failed", "waiting", "running", "unknown"):
            err = step.error
            code = " ".join(str(x) for x in (err.get("http_status"), err.get("code")) if x)
            kind = "transient" if err.get("transient") else "permanent"
            lines.append(f"[b]error[/b] ({kind}{', ' + escape(code) if code else ''}): "
                         f"{escape(str(err.get('message', '')))}")
            if err.get("hint"):
                lines.append(f"[b]what to do:[/b] {escape(str(err['hint']))}")
        if step.reason and step.status in ("skipped", "failed", "unknown"):
            lines.append(f"[b]reason:[/b] {escape(str(step.reason))}")
        if step.outputs:
            lines.append("[b]outputs[/b]")
            lines += [f"  {escape(str(k))} = {escape(_mask(v))}" for k, v in step.outputs.items()]
        if step.output:
            lines.append("[b]output[/b]")
            lines += [f"  {escape(line)}" for line in "".join(step.output).splitlines()[-12:]]
        for answer in step.answers[-3:]:
            by = answer.get("by") or answer.get("operator")
            lines.append(f"answered {escape(str(answer.get('answer')))} by {escape(str(by))}")
        return "\n".join(lines)

    def on_checklist_toggled(self, event: Checklist.Toggled) -> None:
        event.stop()
        step = self._shown_step
        if step is None or self._shown_list is None or self._shown_list[0] != step:
            return
        ticked = set(self._shown_list[2]) ^ {event.index}
        self.post_message(self.Ticked(step, ticked))
