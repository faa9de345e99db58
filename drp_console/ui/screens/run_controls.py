"""The operator's keys on the run screen: each opens its dialog and answers the engine.

`RunControls` is owned by the run screen, which delegates its `action_*` methods to it. It holds
what it needs and nothing else: the run's `RunState`, the engine's operator commands
(`EngineCommands`, a small Protocol; None in a replay), the console's `UIResponder`, and a
`ControlsHost`: the narrow view of the screen that tells which step is selected, redraws, says
things and opens dialogs.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from drp_console.ui.dialogs.modals import (
    ApprovalDialog,
    ConfirmDialog,
    DecisionDialog,
    Dialog,
    MilestoneDialog,
    NoteDialog,
    ReasonDialog,
    Reply,
    UnknownDialog,
)
from drp_console.ui.responder import UIResponder, make_answer
from drp_console.ui.step_view import status_word

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from drp_console.engine.commands import EngineCommands
    from drp_console.engine.responder import Question
    from drp_console.journal.state import RunState
    from drp_console.journal.step_state import StepState


class ControlsHost(Protocol):
    """What the controls need from the screen they serve."""

    @property
    def operator(self) -> str:
        """Who is at the keyboard."""
    @property
    def still(self) -> bool:
        """Dialogs without animations (tests, snapshots)."""
    def selected_step(self) -> str | None:
        """The step under the table's cursor."""
    def flush(self) -> None:
        """Redraw what changed."""
    def show_detail(self) -> None:
        """Redraw the detail pane."""
    def say(self, message: str, severity: SeverityLevel = "information",
            timeout: float | None = None) -> None:
        """Tell the operator something (a toast)."""
    def open_dialog(self, dialog: Dialog, then: Callable[[Reply | None], None]) -> None:
        """Show a dialog; `then` gets its reply (None: cancelled)."""
    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine beside the screen (errors are its own business)."""


class RunControls:
    """Answers to the engine's questions and operator commands, from the run screen's keys."""

    def __init__(self, host: ControlsHost, state: RunState) -> None:
        self.host = host
        self.state = state
        """The run (the screen's fold of the journal)."""
        self.engine: EngineCommands | None = None
        """The engine's commands (None: a replay, nothing can change)."""
        self.responder: UIResponder | None = None
        """Where the engine's questions wait for the operator."""
        self.ticking: dict[str, list[tuple[int, asyncio.Task[Any]]]] = {}
        """Checklist ticks sent to the engine and not yet journaled: step -> (item, task)."""

    # -- helpers --------------------------------------------------------------------------------
    def selected(self) -> StepState | None:
        """The state of the step under the cursor."""
        return self.state.steps.get(self.host.selected_step() or "")

    def _open_question(self, step: StepState | None) -> Question | None:
        if step is None or self.responder is None:
            return None
        return self.responder.question(step.id)

    def _question(self, kinds: tuple[str, ...]) -> Question | None:
        """The selected step's open question of one of these kinds (or say why there is none)."""
        step = self.selected()
        if step is None:
            self.host.say("Select a step first (arrow keys or click).", "warning")
            return None
        if self.responder is None:
            self.host.say("This is a replay of a journal: nothing can be answered here.",
                          "warning")
            return None
        question = self.responder.question(step.id)
        if question is None or question.kind not in kinds:
            what = "/".join(kinds)
            self.host.say(f"{step.id} is {status_word(step)}: it is not waiting for {what}.",
                          "warning")
            return None
        return question

    def _answer(self, question: Question, value: str, reply: Reply | None = None,
                **extra: Any) -> None:
        fields = dict(extra)
        if reply is not None:
            fields.setdefault("role", reply.role)
            fields.setdefault("reason", reply.reason)
            fields.setdefault("typed", reply.typed)
        by = (reply.by if reply and reply.by else None) or self.host.operator
        if self.responder is not None:
            self.responder.answer(question.step, make_answer(value, by, **fields))
        self.host.flush()

    def _command(self, name: str, call: Callable[[EngineCommands], object]) -> None:
        """Call an engine operator command; a refusal is said, never raised."""
        if self.engine is None:
            self.host.say("This is a replay of a journal: the run cannot be changed here.",
                          "warning")
            return
        try:
            result = call(self.engine)
        except Exception as exc:  # noqa: BLE001 - the operator reads why, the run goes on
            self.host.say(f"{name} refused: {exc}", "error", timeout=10)
            return
        if result is False:
            self.host.say(f"{name}: not possible for this step now.", "warning")
        elif inspect.isawaitable(result):
            awaited = result

            async def wait() -> None:
                try:
                    await awaited
                except Exception as exc:  # noqa: BLE001
                    self.host.say(f"{name} refused: {exc}", "error", timeout=10)
            self.host.spawn(wait())

    def _dialog(self, dialog: Dialog, then: Callable[[Reply], None]) -> None:
        def done(reply: Reply | None) -> None:
            if reply is not None:
                then(reply)
        self.host.open_dialog(dialog, done)

    # -- keys -----------------------------------------------------------------------------------
    def complete(self) -> None:
        """enter/space: the natural answer for the selected step's question."""
        step = self.selected()
        question = self._open_question(step)
        if step is None or question is None:
            self._question(("manual",))
            return
        kind = question.kind
        if kind == "manual":
            self.host.spawn(self._done(step.id, question))
        elif kind == "approval":
            self.approve()
        elif kind == "decision":
            self.decide()
        elif kind == "confirm":
            self._dialog(ConfirmDialog(f"{step.id}: {question.prompt or step.title}",
                                       str(question.expected), self.host.operator,
                                       still=self.host.still),
                         lambda reply: self._answer(question, "go", reply))
        elif kind == "unknown":
            self.resolve()
        elif kind == "failed":
            self.host.say(f"{step.id} failed: r retries it, s skips it with a reason.")

    async def _done(self, step_id: str, question: Question) -> None:
        """enter on a manual step: once the ticks sent are journaled, done if all are ticked."""
        for _, task in list(self.ticking.get(step_id, ())):
            with contextlib.suppress(Exception):  # the state below says what was journaled
                await task
        items = list(question.checklist)
        ticked = self.state.step(step_id).checklist_ticked
        missing = len(items) - sum(1 for on in ticked[: len(items)] if on)
        if missing:
            self.host.say(f"Tick all {len(items)} checklist items first: {missing} left "
                          "(x ticks the next one, or click it).", "warning")
            return
        self._answer(question, "done", checklist=items)

    def tick_next(self) -> None:
        """x: tick the next unticked checklist item of the selected manual step."""
        step = self.selected()
        if step is None:
            return
        question = self._open_question(step)
        if question is None or question.kind != "manual":
            self._question(("manual",))
            return
        pending = {index for index, _ in self.ticking.get(step.id, ())}
        ticked: Sequence[bool] = step.checklist_ticked
        for i in range(len(question.checklist)):
            if not (i < len(ticked) and ticked[i]) and i not in pending:
                self.tick(step.id, i, True)
                break
        else:
            if question.checklist:
                self.host.say("Every item is ticked: press enter to mark the step done.")

    def tick(self, step_id: str, index: int, checked: bool) -> None:
        """Tick or untick one checklist item: the engine journals it, the state shows it."""
        if self.engine is None:
            self.host.say("This is a replay of a journal: nothing can be ticked here.",
                          "warning")
            return
        result = self.engine.tick(step_id, index, checked, self.host.operator or None)
        if not isinstance(result, asyncio.Task):
            self.host.say(f"{step_id} has no open checklist item {index + 1}.", "warning")
            return
        flying = self.ticking.setdefault(step_id, [])
        flying.append((index, result))

        def landed(_: object) -> None:
            if (index, result) in flying:
                flying.remove((index, result))
            self.host.show_detail()
        result.add_done_callback(landed)

    def approve(self) -> None:
        """a: approve or reject, with a name."""
        question = self._question(("approval",))
        if question is not None:
            self._dialog(ApprovalDialog(question.step, question.prompt, question.role,
                                        self.host.operator, still=self.host.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def decide(self) -> None:
        """d: pick a decision option."""
        question = self._question(("decision",))
        if question is not None:
            self._dialog(DecisionDialog(question.step, question.prompt, list(question.options),
                                        question.recommended, self.state.mode == "training",
                                        self.host.operator, still=self.host.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def retry(self) -> None:
        """r: retry a failed step."""
        step = self.selected()
        question = self._open_question(step)
        if question is not None and question.kind == "failed":
            self._answer(question, "retry")
        elif step is not None and step.status == "failed":
            step_id = step.id
            self._command("retry", lambda engine: engine.retry(step_id))
        else:
            self._question(("failed",))

    def skip(self) -> None:
        """s: skip the selected step, with a reason."""
        step = self.selected()
        if step is None or self.engine is None:
            self._question(("failed",))
            return
        if step.status in ("succeeded", "skipped"):
            self.host.say(f"{step.id} is already {status_word(step)}.", "warning")
            return
        step_id = step.id

        def then(reply: Reply) -> None:
            reason = reply.reason or ""
            self._command("skip", lambda engine: engine.skip(step_id, reason))
        self._dialog(ReasonDialog(step_id, self.host.operator, still=self.host.still), then)

    def resolve(self) -> None:
        """u: reconcile an UNKNOWN step."""
        question = self._question(("unknown",))
        step = self.selected()
        if question is not None and step is not None:
            self._dialog(UnknownDialog(question.step, step.unknown_reason or question.prompt,
                                       self.host.operator, still=self.host.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def add_note(self) -> None:
        """n: a tagged note."""
        step = self.selected()
        step_id = step.id if step else None

        def then(reply: Reply) -> None:
            text, tag = reply.text or "", reply.value or None
            owner, due = reply.owner, reply.due  # an action's owner and due date, if given
            self._command("note", lambda engine: engine.note(text, tag, step_id, owner, due))
        self._dialog(NoteDialog(step_id, self.host.operator, still=self.host.still), then)

    def record_milestone(self) -> None:
        """m: record a milestone now."""
        self._dialog(MilestoneDialog(set(self.state.milestones), still=self.host.still),
                     lambda reply: self._command("milestone",
                                                 lambda engine: engine.milestone(reply.value)))

    def toggle_pause(self) -> None:
        """p: pause or unpause (running operations go on; nothing new starts)."""
        if self.state.status == "paused":
            self._command("unpause", lambda engine: engine.unpause())
        else:
            self._command("pause", lambda engine: engine.pause())
