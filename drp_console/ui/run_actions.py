"""The operator's keys on the run screen: each opens its dialog and answers the engine."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from typing import Any

from drp_console.ui.modals import (
    ApprovalDialog,
    ConfirmDialog,
    DecisionDialog,
    MilestoneDialog,
    NoteDialog,
    QuitDialog,
    ReasonDialog,
    Reply,
    UnknownDialog,
)
from drp_console.ui.responder import make_answer
from drp_console.ui.step_view import status_word


class OperatorActions:
    """Key actions of the run screen (mixed into `RunScreen`, which provides the state)."""

    # -- helpers --------------------------------------------------------------------------------
    def _selected(self) -> Any:
        from drp_console.ui.step_table import StepTable

        return self.state.steps.get(self.query_one(StepTable).selected_step or "")

    def _question(self, kinds: tuple[str, ...]) -> Any:
        """The selected step's open question of one of these kinds (or say why there is none)."""
        step = self._selected()
        if step is None:
            self.app.notify("Select a step first (arrow keys or click).", severity="warning")
            return None
        if self.responder is None:
            self.app.notify("This is a replay of a journal: nothing can be answered here.",
                            severity="warning")
            return None
        question = self.responder.question(step.id)
        if question is None or question.kind not in kinds:
            what = "/".join(kinds)
            self.app.notify(f"{step.id} is {status_word(step)}: it is not waiting for {what}.",
                            severity="warning")
            return None
        return question

    def _answer(self, question: Any, value: str, reply: Reply | None = None, **extra: Any) -> None:
        fields = dict(extra)
        if reply is not None:
            fields.setdefault("role", reply.role)
            fields.setdefault("reason", reply.reason)
            fields.setdefault("typed", reply.typed)
        by = (reply.by if reply and reply.by else None) or self.operator
        self.responder.answer(question.step, make_answer(value, by, **fields))
        self.flush()

    def _command(self, name: str, *args: Any) -> None:
        """Call an engine operator command (sync or async)."""
        if self.engine is None:
            self.app.notify("This is a replay of a journal: the run cannot be changed here.",
                            severity="warning")
            return
        try:
            result = getattr(self.engine, name)(*args)
        except Exception as exc:  # noqa: BLE001 - the operator reads why, the run goes on
            self.app.notify(f"{name} refused: {exc}", severity="error", timeout=10)
            return
        if result is False:
            self.app.notify(f"{name}: not possible for this step now.", severity="warning")
        elif inspect.isawaitable(result):
            async def wait() -> None:
                try:
                    await result
                except Exception as exc:  # noqa: BLE001
                    self.app.notify(f"{name} refused: {exc}", severity="error", timeout=10)
            self.run_worker(wait(), group="commands", exit_on_error=False)

    def _dialog(self, screen: Any, then: Any) -> None:
        def done(reply: Any) -> None:
            if reply is not None:
                then(reply)
        self.app.push_screen(screen, done)

    # -- keys -----------------------------------------------------------------------------------
    def action_complete(self) -> None:
        """enter/space: the natural answer for the selected step's question."""
        step = self._selected()
        question = self.responder.question(step.id) if (step and self.responder) else None
        if question is None:
            self._question(("manual",))
            return
        kind = question.kind
        if kind == "manual":
            self.run_worker(self._done(step.id, question), group="commands",
                            exit_on_error=False)
        elif kind == "approval":
            self.action_approve()
        elif kind == "decision":
            self.action_decide()
        elif kind == "confirm":
            self._dialog(ConfirmDialog(f"{step.id}: {question.prompt or step.title}",
                                       str(question.expected), self.operator,
                                       still=self.app.still),
                         lambda reply: self._answer(question, "go", reply))
        elif kind == "unknown":
            self.action_resolve()
        elif kind == "failed":
            self.app.notify(f"{step.id} failed: r retries it, s skips it with a reason.")

    async def _done(self, step_id: str, question: Any) -> None:
        """enter on a manual step: once the ticks sent are journaled, done if all are ticked."""
        for _, task in list(self.ticking.get(step_id, ())):
            with contextlib.suppress(Exception):  # the state below says what was journaled
                await task
        items = list(question.checklist)
        ticked = self.state.step(step_id).checklist_ticked
        missing = len(items) - sum(1 for on in ticked[: len(items)] if on)
        if missing:
            self.app.notify(f"Tick all {len(items)} checklist items first: {missing} left "
                            "(x ticks the next one, or click it).", severity="warning")
            return
        self._answer(question, "done", checklist=items)

    def action_tick(self) -> None:
        """x: tick the next unticked checklist item of the selected manual step."""
        step = self._selected()
        if step is None:
            return
        question = self.responder.question(step.id) if self.responder else None
        if question is None or question.kind != "manual":
            self._question(("manual",))
            return
        pending = {index for index, _ in self.ticking.get(step.id, ())}
        ticked = step.checklist_ticked
        for i in range(len(question.checklist)):
            if not (i < len(ticked) and ticked[i]) and i not in pending:
                self.tick(step.id, i, True)
                break
        else:
            if question.checklist:
                self.app.notify("Every item is ticked: press enter to mark the step done.")

    def tick(self, step_id: str, index: int, checked: bool) -> None:
        """Tick or untick one checklist item: the engine journals it, the state shows it."""
        if self.engine is None:
            self.app.notify("This is a replay of a journal: nothing can be ticked here.",
                            severity="warning")
            return
        result = self.engine.tick(step_id, index, checked, self.operator or None)
        if result is False:
            self.app.notify(f"{step_id} has no open checklist item {index + 1}.",
                            severity="warning")
            return
        flying = self.ticking.setdefault(step_id, [])
        flying.append((index, result))

        def landed(_: Any) -> None:
            if (index, result) in flying:
                flying.remove((index, result))
            self._show_detail()
        result.add_done_callback(landed)

    def action_approve(self) -> None:
        """a: approve or reject, with a name."""
        question = self._question(("approval",))
        if question is not None:
            self._dialog(ApprovalDialog(question.step, question.prompt, question.role,
                                        self.operator, still=self.app.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def action_decide(self) -> None:
        """d: pick a decision option."""
        question = self._question(("decision",))
        if question is not None:
            self._dialog(DecisionDialog(question.step, question.prompt, list(question.options),
                                        question.recommended, self.state.mode == "training",
                                        self.operator, still=self.app.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def action_retry(self) -> None:
        """r: retry a failed step."""
        step = self._selected()
        question = self.responder.question(step.id) if (step and self.responder) else None
        if question is not None and question.kind == "failed":
            self._answer(question, "retry")
        elif step is not None and step.status == "failed":
            self._command("retry", step.id)
        else:
            self._question(("failed",))

    def action_skip(self) -> None:
        """s: skip the selected step, with a reason."""
        step = self._selected()
        if step is None or self.engine is None:
            self._question(("failed",))
            return
        if step.status in ("succeeded", "skipped"):
            self.app.notify(f"{step.id} is already {status_word(step)}.", severity="warning")
            return

        def then(reply: Reply) -> None:
            self._command("skip", step.id, reply.reason)
        self._dialog(ReasonDialog(step.id, self.operator, still=self.app.still), then)

    def action_resolve(self) -> None:
        """u: reconcile an UNKNOWN step."""
        question = self._question(("unknown",))
        if question is not None:
            step = self._selected()
            self._dialog(UnknownDialog(question.step, step.unknown_reason or question.prompt,
                                       self.operator, still=self.app.still),
                         lambda reply: self._answer(question, reply.value, reply))

    def action_note(self) -> None:
        """n: a tagged note."""
        step = self._selected()
        self._dialog(NoteDialog(step.id if step else None, self.operator, still=self.app.still),
                     lambda reply: self._command("note", reply.text, reply.value or None,
                                                 step.id if step else None))

    def action_milestone(self) -> None:
        """m: record a milestone now."""
        self._dialog(MilestoneDialog(set(self.state.milestones), still=self.app.still),
                     lambda reply: self._command("milestone", reply.value))

    def action_pause(self) -> None:
        """p: pause or unpause (running operations go on; nothing new starts)."""
        self._command("unpause" if self.state.status == "paused" else "pause")

    def action_report(self) -> None:
        """R: the report of the run so far."""
        from drp_console.ui.report_screen import ReportScreen

        self.flush()
        run_dir = getattr(self.session, "run_dir", None)
        self.app.push_screen(ReportScreen(self.state, self._events_for_report(), run_dir))

    def _events_for_report(self) -> list[dict]:
        if self.session is not None:
            return list(self.session.journal.events())
        return list(getattr(self, "replayed", []))

    def action_quit_run(self) -> None:
        """q: quit (the run stays resumable), or, once the run is over, back to the launcher."""
        finished = self.state.finished or self.engine is None
        launcher = self.state.finished and self.app.has_launcher()

        def then(leave: bool | str) -> None:
            if leave == "launcher":
                self.app.back_to_launcher()
            elif leave:
                self.run_worker(self._leave(), group="quit", exclusive=True)
        self.app.push_screen(QuitDialog(self.state.run_id, finished, launcher), then)

    async def _leave(self) -> None:
        if self.engine is not None and not self.state.finished:
            try:
                result = self.engine.stop()
                if inspect.isawaitable(result):
                    await result
            except Exception:  # noqa: BLE001 - quitting must always work
                pass
            if self.responder is not None:
                self.responder.cancel_all()
            task = self._drive_task
            if task is not None and not task.done():
                try:
                    await asyncio.wait_for(asyncio.shield(task), timeout=5)
                except (asyncio.TimeoutError, asyncio.CancelledError, Exception):  # noqa: BLE001
                    task.cancel()
        self.flush()
        self.app.finish_run(self.state)
