"""What the detail pane says about one step, read from the run state and the runbook.

A pure function of `RunState`, the rebuilt runbook and the time: the pane shows all of it at
once (header and body from the same state), so it is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.markup import escape

from drp_console.journal.state import RunState
from drp_console.journal.step_state import StepState
from drp_console.journal.timing import Instant
from drp_console.ui.clock import clock_text
from drp_console.ui.dialogs.modals import prompt_markup, reflow
from drp_console.ui.step_view import elapsed, question_kind, status_icon, status_word

NEXT_KEY = {
    "manual": "tick the checklist with [b]x[/b] (or click), then [b]enter[/b] when done",
    "approval": "press [b]a[/b] to approve or reject, with your name",
    "decision": "press [b]d[/b] to choose an option",
    "confirm": "press [b]enter[/b] and type the resource name to let this step act",
    "failed": "press [b]r[/b] to retry or [b]s[/b] to skip with a reason",
    "unknown": "press [b]u[/b]: verified done, run again, or skip",
}
"""What the operator does next, per kind of question."""


@dataclass(frozen=True)
class PaneContent:
    """Everything the detail pane shows for one step, computed from one state."""

    step_id: str | None
    """The step shown (None: nothing selected)."""
    title: str = ""
    """The pane's border title."""
    head: str = "No step selected."
    """Type, call, role, status (console markup)."""
    next: str | None = None
    """What the operator does next (markup); None when nothing is asked."""
    md: str = ""
    """Instructions, prompt, options, training notes (Markdown)."""
    checklist: tuple[str, ...] = ()
    """The checklist's items."""
    ticked: tuple[int, ...] = ()
    """Indices of the ticked items, as the journal has them."""
    facts: str = ""
    """Arguments, operation, time, attempts, errors, outputs, answers (markup)."""


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
    from drp_console.runbook.catalog import lookup

    entry = lookup(call) if call else None
    if entry is None:
        return ""
    kind = "mutating" if entry.mutating else "read-only"
    return kind + (", destructive" if entry.destructive else "")


class _Scope:
    """The names a runbook template sees, from the run state (built only when needed)."""

    def __init__(self, state: RunState) -> None:
        self.state = state
        self._ctx: dict | None = None

    def text(self, text: str) -> str:
        """A template as far as the run knows its values now."""
        if "{{" not in text and "{%" not in text:
            return text
        from drp_console.runbook import (
            templating,  # Jinja2: only once a template is shown
        )

        if self._ctx is None:
            s = self.state
            self._ctx = templating.context(
                params=s.params,
                steps={sid: {"outputs": st.outputs, "status": st.status}
                       for sid, st in s.steps.items()},
                run={"mode": s.mode, "id": s.run_id})
        return templating.preview(text, self._ctx)

    def args(self, args: dict | None) -> dict:
        """A step's `with` as far as known now (text values previewed)."""
        return {k: self.text(v) if isinstance(v, str) else v for k, v in (args or {}).items()}


def pane_content(state: RunState, runbook: Any, step_id: str | None, now: Instant,
                 problem: str | None = None) -> PaneContent:
    """What the pane shows for `step_id` in this state (`problem`: why the runbook is missing)."""
    step = state.steps.get(step_id or "")
    if step is None:
        return PaneContent(None)
    model = runbook.step(step.id) if runbook is not None and runbook.has_step(step.id) else None
    scope = _Scope(state)
    training = state.mode == "training"
    explain = getattr(model, "explain", None) if training else None
    question = step.question
    kind = question_kind(step)
    nxt = None
    if question is not None:
        who = question.get("role") or step.role or "the operator"
        prompt = without_explain(question.get("prompt") if kind != "manual" else None, explain)
        nxt = f"▶ Waiting for {escape(str(who))}: {NEXT_KEY.get(str(kind), '')}"
        if prompt:
            nxt += f"\n  {prompt_markup(str(prompt))}"
    md = _body(step, model, scope, explain, problem)
    if training:
        checked = getattr(model, "check", None) or getattr(model, "until", None)
        if checked:
            md += f"\n\n> **Hint:** this step checks `{checked}` on the API's answer."
        recommended = getattr(model, "recommended", None)
        if step.type == "decision" and recommended:
            md += f"\n\n> **Hint:** the authors recommend *{recommended}*."
    items, ticked = _checklist(step, model)
    return PaneContent(
        step.id, title=f"{step.id} · {step.title}", head=_head(step, model), next=nxt,
        md=wrappable_code(md), checklist=items, ticked=ticked,
        facts=_facts(step, model, scope, runbook, now))


def _head(step: StepState, model: Any) -> str:
    call = step.call or getattr(model, "call", None)
    kind = _catalog_kind(call)
    bits = [f"[b]{escape(str(step.type or '?'))}[/b]"]
    if call:
        bits.append(escape(call) + (f"  [i]{kind}[/i]" if kind else ""))
    if step.role:
        bits.append(f"role {escape(str(step.role))}")
    bits.append(f"status [b]{status_icon(step)} {status_word(step)}[/b]")
    return " · ".join(bits)


def _body(step: StepState, model: Any, scope: _Scope, explain: object,
          problem: str | None) -> str:
    """Instructions (or the prompt once nothing is asked), options, the training note."""
    question = step.question
    if problem:
        md = f"*{problem}: its instructions cannot be shown.*"
    elif question_kind(step) == "manual" and question and question.get("prompt"):
        md = without_explain(str(question["prompt"]), explain) or ""  # the engine's rendering
    elif getattr(model, "instructions", None):
        md = scope.text(str(model.instructions))
    elif question is None and getattr(model, "prompt", None):
        md = scope.text(reflow(str(model.prompt)))
    else:
        md = ""
    if step.type == "decision" and model is not None:
        md += ("\n\n" if md else "") + _options(step, model)
    if explain:  # once, here (the engine's prompts carry it too: taken out above)
        md += "\n\n> **Why (training):** " + scope.text(reflow(str(explain)))
    return md


def _options(step: StepState, model: Any) -> str:
    """A decision's options and the step each leads to, visible before `d` is pressed."""
    offered = None
    if question_kind(step) == "decision":
        offered = set((step.question or {}).get("options") or ())
    chosen = next((str(a.get("answer")) for a in reversed(step.answers)
                   if a.get("kind") == "decision"), None)
    lines = ["**Options**" + (" (d chooses):" if offered is not None else ":")]
    for number, (label, target) in enumerate(model.options.items(), 1):
        line = f"{number}. {label} → `{target}`"
        if offered is not None and label not in offered:
            line += ": not offered in this run (the prompt says why)"
        if chosen == label:
            line += " ✔ chosen"
        lines.append(line)
    return "\n".join(lines)


def _checklist(step: StepState, model: Any) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The checklist and what is ticked: the open question's ticks, each journaled, or once
    answered, the items the answer listed."""
    question = step.question
    if question is not None and question.get("kind") == "manual":
        items = tuple(str(i) for i in question.get("checklist") or ())
        return items, tuple(i for i, on in enumerate(step.checklist_ticked) if on)
    items = tuple(str(i) for i in getattr(model, "checklist", None) or ())
    done = next((set(a.get("checklist") or ()) for a in reversed(step.answers)
                 if a.get("kind") == "manual"), None)
    if done is None:
        return items, ()
    return items, tuple(i for i, item in enumerate(items) if item in done)


def _facts(step: StepState, model: Any, scope: _Scope, runbook: Any, now: Instant) -> str:
    lines: list[str] = []
    if step.status == "pending" and runbook is not None and runbook.has_step(step.id):
        needs = runbook.needs(step.id)
        if needs:
            lines.append("[b]waits for[/b] " + escape(", ".join(needs)))
    args = step.args if step.args is not None else scope.args(getattr(model, "with_", None))
    if args:
        lines.append("[b]arguments[/b]")
        width = max(len(str(k)) for k in args)
        lines += [f"  {escape(str(k)).ljust(width)}  {escape(_mask(v))}" for k, v in args.items()]
    if isinstance(step.operation, dict):
        name = str(step.operation.get("name", ""))
        pct = step.operation_progress
        bar = ""
        if pct is not None:
            filled = int(pct / 100 * 12)
            bar = " ▕" + "█" * filled + "░" * (12 - filled) + f"▏ {pct}%"
        status = step.operation_status or ("DONE" if step.status == "succeeded" else "submitted")
        if status != "DONE" and step.failures and step.failures[-1].get("attempt") == step.attempts:
            status = "ended with an error"  # the latest attempt failed: it polls no more
        lines.append(f"[b]operation[/b] {escape(name[:24])}  {escape(status)}{bar}")
    took = elapsed(step, now)
    if took is not None:
        budget = f" of {clock_text(step.budget)} budget" if step.budget else ""
        over = "  [b]over budget[/b]" if step.budget and took > step.budget else ""
        lines.append(f"elapsed {clock_text(took)}{budget}{over}")
    if step.attempts:
        retry = getattr(model, "retry", None)
        most = getattr(retry, "attempts", None)
        lines.append(f"attempt {step.attempts}" + (f" of {most}" if most and most > 1 else ""))
    lines += _problems(step)
    if step.outputs:
        lines.append("[b]outputs[/b]")
        lines += [f"  {escape(str(k))} = {escape(_mask(v))}" for k, v in step.outputs.items()]
    if step.log:
        lines.append("[b]output[/b]")
        text = "".join(str(entry.get("text") or "") for entry in step.log)
        lines += [f"  {escape(line)}" for line in text.splitlines()[-12:]]
    for answer in step.answers[-3:]:
        lines.append(f"answered {escape(str(answer.get('answer')))} by "
                     f"{escape(str(answer.get('by')))}")
    return "\n".join(lines)


def _problems(step: StepState) -> list[str]:
    lines: list[str] = []
    if step.error and step.status in ("failed", "waiting", "running", "unknown"):
        err = step.error
        code = " ".join(str(x) for x in (err.get("http_status"), err.get("code")) if x)
        kind = "transient" if err.get("transient") else "permanent"
        lines.append(f"[b]error[/b] ({kind}{', ' + escape(code) if code else ''}): "
                     f"{escape(str(err.get('message', '')))}")
        if err.get("hint"):
            lines.append(f"[b]what to do:[/b] {escape(str(err['hint']))}")
    reason = step.unknown_reason if step.status == "unknown" else step.reason
    if reason and step.status in ("skipped", "failed", "unknown"):
        lines.append(f"[b]reason:[/b] {escape(str(reason))}")
    return lines
