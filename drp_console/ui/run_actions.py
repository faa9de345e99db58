"""The operator's keys on the run screen: each opens its dialog and answers the engine."""

from __future__ import annotations

import asyncio
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


class OperatorActions:
    """Key actions of the run screen (mixed into `RunScreen`, which provides the state)."""

    # -- helpers --------------------------------------------------------------------------------
    def _selected(self) -> Any:
        from drp_console.ui.step_table import StepTable

        return self.view.steps.get(self.query_one(StepTable).selected_step or "")

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
            self.app.notify(f"{step.id} is {step.word}: it is not waiting for {what}.",
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
            items = list(question.checklist)
            ticked = self.ticks.get(step.id, set())
            missing = len(items) - len([i for i in ticked if i < len(items)])
            if missing:
                self.app.notify(f"Tick all {len(items)} checklist items first: {missing} left "
                                "(x ticks the next one, or click it).", severity="warning")
                return
            self.ticks.pop(step.id, None)
            self._answer(question, "done", checklist=items)
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

    def action_tick(self) -> None:
        """x: tick the next unticked checklist item of the selected manual step."""
        step = self._selected()
        if step is None:
            return
        items = list((step.waiting or {}).get("checklist") or step.doc.get("checklist") or [])
        ticked = self.ticks.setdefault(step.id, set())
        for i in range(len(items)):
            if i not in ticked:
                ticked.add(i)
                break
        else:
            if items:
                self.app.notify("Every item is ticked: press enter to mark the step done.")
        self._show_detail()

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
                                        question.recommended, self.view.mode == "training",
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
            self.app.notify(f"{step.id} is already {step.word}.", severity="warning")
            return

        def then(reply: Reply) -> None:
            self._command("skip", step.id, reply.reason)
        self._dialog(ReasonDialog(step.id, self.operator, still=self.app.still), then)

    def action_resolve(self) -> None:
        """u: reconcile an UNKNOWN step."""
        question = self._question(("unknown",))
        if question is not None:
            step = self._selected()
            self._dialog(UnknownDialog(question.step, step.reason or question.prompt,
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
        self._dialog(MilestoneDialog(set(self.view.milestones), still=self.app.still),
                     lambda reply: self._command("milestone", reply.value))

    def action_pause(self) -> None:
        """p: pause or unpause (running operations go on; nothing new starts)."""
        self._command("unpause" if self.view.status == "paused" else "pause")

    def action_report(self) -> None:
        """R: the report of the run so far."""
        from drp_console.ui.report_screen import ReportScreen

        self.flush()
        run_dir = getattr(self.session, "run_dir", None)
        self.app.push_screen(ReportScreen(self.view, self._events_for_report(), run_dir))

    def _events_for_report(self) -> list[dict]:
        if self.session is not None:
            return list(self.session.journal.events())
        return list(getattr(self, "replayed", []))

    def action_quit_run(self) -> None:
        """q: quit (the run stays resumable), or, once the run is over, back to the launcher."""
        finished = self.view.finished is not None or self.engine is None
        launcher = self.view.finished is not None and self.app.has_launcher()

        def then(leave: bool | str) -> None:
            if leave == "launcher":
                self.app.back_to_launcher()
            elif leave:
                self.run_worker(self._leave(), group="quit", exclusive=True)
        self.app.push_screen(QuitDialog(self.view.run_id, finished, launcher), then)

    async def _leave(self) -> None:
        if self.engine is not None and self.view.finished is None:
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
        self.app.finish_run(self.view)
