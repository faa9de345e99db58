"""The engine: an asyncio scheduler over a runbook's step graph, journaling before it acts.

One loop decides which steps may start (needs, decisions, `when`, `modes`, on_failure) and
starts each as a task; a task runs attempts of its step through the executor for its type,
retrying transient failures with backoff and asking people when a step fails for good. Every
event goes through `emit`, which returns once the journal has it on disk: only then do the
listeners (the TUI, the headless printer) hear of it, and only then does the engine go on.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Callable
from typing import Any

from drp_console.engine.clock import Clock, SystemClock
from drp_console.engine.commands import OperatorCommands
from drp_console.engine.context import RunContext
from drp_console.engine.executors.base import StepFailure
from drp_console.engine.resume import ResumeHint, ResumePlan, plan_resume
from drp_console.engine.responder import VALID_ANSWERS, Answer, NeedsOperator, Question, Responder
from drp_console.engine.step_attempts import StepAttempts
from drp_console.engine.templates import TemplateScope

TERMINAL = frozenset({"succeeded", "failed", "skipped"})
CALL_THREADS = 32
"""Blocking cloud calls (invoke, poll) that may run at once: parallel steps poll together."""
CRASH_ENV = "DRP_TEST_CRASH_AT"
"""Test hook: `<event type>:<n>` makes the process SIGKILL itself right after the n-th event of
that type written by this engine is durable (crash tests of the no-double-execution protocol)."""


class Engine(OperatorCommands, TemplateScope, StepAttempts):
    """Runs one runbook: a fresh run, or a resumed one when the journal already has steps."""

    def __init__(self, runbook: Any, ctx: RunContext, journal: Any, cloud: Any,
                 responder: Responder, clock: Clock | None = None) -> None:
        self.runbook = runbook
        self.ctx = ctx
        self.journal = journal
        self.cloud = cloud
        self.responder = responder
        self.clock: Clock = clock or SystemClock()
        self.status: dict[str, str] = {s.id: "pending" for s in runbook.steps}
        """Step id -> pending, running, waiting, succeeded, failed, skipped, unknown."""
        self.outputs: dict[str, dict[str, Any]] = {}
        self.attempts: dict[str, int] = {}
        self.chosen: set[str] = set()
        self.conditional = runbook.conditional_targets()
        self.choosers: dict[str, list[str]] = {}
        for step in runbook.steps:
            targets = list(getattr(step, "options", {}).values()) if step.type == "decision" else []
            if step.on_failure not in ("abort", "continue"):
                targets.append(step.on_failure)
            for target in targets:
                self.choosers.setdefault(target, []).append(step.id)
        self.aborting: str | None = None
        self.paused = False
        self.stopping = False
        self.needs_operator: NeedsOperator | None = None
        self._listeners: list[Callable[[dict], None]] = []
        self._tasks: dict[str, asyncio.Task] = {}
        self._overrides: dict[str, tuple[Question, asyncio.Future]] = {}
        self._wake: asyncio.Event | None = None
        self._crash = _crash_point()
        self._counts: dict[str, int] = {}
        self._background: set[asyncio.Task] = set()
        self._pool: Any = None

    # -- blocking calls ------------------------------------------------------------------------

    async def call_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking client call in the engine's own thread pool (not the loop's default
        one, which has only a few threads and is shared with the UI)."""
        if self._pool is None:
            from concurrent.futures import ThreadPoolExecutor

            self._pool = ThreadPoolExecutor(CALL_THREADS, thread_name_prefix="drp-call")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    # -- events --------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[dict], None]) -> None:
        """Call `listener(event)` for every journaled event, once it is durable."""
        self._listeners.append(listener)

    async def emit(self, type: str, **fields: Any) -> dict:
        """Journal an event (durable when this returns), then tell the listeners."""
        event = await self.journal.write(type, **fields)
        if self._crash is not None and self._crash[0] == type:
            self._counts[type] = self._counts.get(type, 0) + 1
            if self._counts[type] == self._crash[1]:
                os.kill(os.getpid(), signal.SIGKILL)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # a broken listener must not stop a recovery
                pass
        return event

    # -- people --------------------------------------------------------------------------------

    async def ask(self, question: Question) -> Answer:
        """Journal the question, wait for the responder (or an operator command), journal the
        answer. Invalid answers are asked again."""
        for _ in range(5):
            await self.emit("waiting", step=question.step, kind=question.kind, role=question.role,
                            prompt=question.prompt, options=list(question.options),
                            checklist=list(question.checklist), recommended=question.recommended)
            answer = await self._wait_answer(question)
            problem = _invalid(question, answer)
            if problem is None:
                await self.emit("answered", step=question.step, kind=question.kind,
                                answer=answer.value, by=answer.by, role=answer.role,
                                reason=answer.reason, checklist=list(answer.checklist))
                return answer
            await self.emit("warning", step=question.step, message=problem)
        raise StepFailure(f"no valid {question.kind} answer after 5 tries", code="badAnswer")

    async def _wait_answer(self, question: Question) -> Answer:
        loop = asyncio.get_running_loop()
        override: asyncio.Future = loop.create_future()
        self._overrides[question.step] = (question, override)
        prev = self.status[question.step]
        self.status[question.step] = "waiting"
        task = asyncio.ensure_future(self.responder.ask(question))
        try:
            await asyncio.wait({task, override}, return_when=asyncio.FIRST_COMPLETED)
            if override.done():
                task.cancel()
                return override.result()
            return task.result()
        finally:
            if not task.done():
                task.cancel()
            self._overrides.pop(question.step, None)
            if self.status[question.step] == "waiting":
                self.status[question.step] = prev

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> Any:
        """Run (or resume) to the end, or until stopped; returns the folded RunState."""
        self._wake = asyncio.Event()
        plan = plan_resume(self.runbook, self.state())
        if plan.finished_run is None:
            if self.cloud is not None and hasattr(self.cloud, "warm_up"):
                # the client libraries take seconds to import: load them while people read
                self._spawn(self._warm_up())
            self._restore(plan)
            for step_id, hint in plan.hints.items():
                self._start(step_id, hint)
            try:
                await self._loop()
            finally:
                if self._pool is not None:
                    self._pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = None
        return self.state()

    async def _warm_up(self) -> None:
        try:
            await self.call_blocking(self.cloud.warm_up)
        except Exception:  # a real call will report the same problem, with its step
            pass

    def state(self) -> Any:
        """The run state folded from the journal."""
        from drp_console.journal.state import RunState

        return RunState.fold(self.journal.events())

    def _restore(self, plan: ResumePlan) -> None:
        self.attempts.update(plan.attempts)
        for step_id, status in plan.finished.items():
            if step_id not in self.status:
                continue
            self.status[step_id] = status
            self.outputs[step_id] = plan.outputs.get(step_id, {})
            self._after_finish(step_id, status)

    async def _loop(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            if not (self.paused or self.stopping):
                await self._schedule()
            if not self._tasks:
                if self.stopping:
                    return
                if not self.paused:
                    pending = [s for s, st in self.status.items() if st == "pending"]
                    if not pending:
                        await self._finish_run()
                        return
                    if self.aborting:
                        for step_id in pending:
                            await self._finish(step_id, "skipped", f"run aborted: {self.aborting}")
                        continue
                    for step_id in pending:  # no rule can start them any more
                        await self._finish(step_id, "skipped", "its needs can never be met")
                    continue
            await self._wake.wait()

    async def _schedule(self) -> None:
        """Start every step that may start; skip every step that can no longer run."""
        changed = True
        while changed and not self.aborting:
            changed = False
            for step in self.runbook.steps:
                if self.status[step.id] != "pending" or step.id in self._tasks:
                    continue
                verdict, reason = self._readiness(step)
                if verdict == "skip":
                    await self._finish(step.id, "skipped", reason)
                    changed = True
                elif verdict == "run":
                    skip = self._static_skip(step)
                    if skip:
                        await self._finish(step.id, "skipped", skip)
                        if step.id in self.chosen:
                            await self.emit("warning", step=step.id, message=(
                                f"{step.id} was chosen but is skipped ({skip}): the steps that "
                                "need it will not run"))
                    else:
                        self._start(step.id, None)
                    changed = True
                if self.aborting or self.paused or self.stopping:
                    return

    def _readiness(self, step: Any) -> tuple[str, str]:
        needs = self.runbook.needs(step.id)
        if step.id in self.conditional and step.id not in self.chosen:
            if all(self.status[c] in TERMINAL for c in self.choosers.get(step.id, ())):
                return "skip", "not chosen"
            return "wait", ""
        if any(self.status[n] not in TERMINAL for n in needs):
            return "wait", ""
        if step.id in self.chosen or not needs:
            return "run", ""
        if all(self.status[n] == "skipped" and not self._waived(n) for n in needs):
            return "skip", "its needs were skipped"
        if any(self._satisfies(n) for n in needs):
            return "run", ""
        return "skip", "none of its needs succeeded"

    def _waived(self, step_id: str) -> bool:
        """Skipped by an operator (not by a rule): the run goes on past it."""
        return bool((self.outputs.get(step_id) or {}).get("skipped_by"))

    def _satisfies(self, step_id: str) -> bool:
        status = self.status[step_id]
        if status == "succeeded" or (status == "skipped" and self._waived(step_id)):
            return True
        return status == "failed" and self.runbook.step(step_id).on_failure == "continue"

    def _static_skip(self, step: Any) -> str | None:
        if step.modes is not None and self.ctx.mode not in step.modes:
            return f"runs only in {', '.join(step.modes)} mode"
        if step.when:
            try:
                if not self.evaluate(step.when):
                    return f"when: {step.when} is false"
            except StepFailure as exc:
                return f"when: {exc.message}"
        return None

    def _start(self, step_id: str, hint: ResumeHint | None) -> None:
        self.status[step_id] = "running"
        task = asyncio.ensure_future(self._run_step(step_id, hint))
        self._tasks[step_id] = task

        def done(_: asyncio.Task, step_id: str = step_id) -> None:
            self._tasks.pop(step_id, None)
            if self._wake is not None:
                self._wake.set()

        task.add_done_callback(done)

    async def _finish(self, step_id: str, status: str, reason: str | None,
                      outputs: dict | None = None, changed: bool = False) -> None:
        outputs = outputs or {}
        await self.emit("step_finished", step=step_id, status=status, reason=reason,
                        outputs=outputs, changed=changed, attempts=self.attempts.get(step_id, 0))
        self.status[step_id] = status
        self.outputs[step_id] = outputs
        self._after_finish(step_id, status)
        step = self.runbook.step(step_id)
        if status == "succeeded" and step.milestone:
            await self.emit("milestone", name=step.milestone, step=step_id, source="step")
        if self._wake is not None:
            self._wake.set()

    def _after_finish(self, step_id: str, status: str) -> None:
        step = self.runbook.step(step_id)
        if status == "succeeded" and step.type == "decision":
            target = (self.outputs.get(step_id) or {}).get("next")
            if target:
                self.chosen.add(target)
        if status == "failed":
            if step.on_failure == "abort":
                self.aborting = self.aborting or f"step {step_id} failed"
            elif step.on_failure != "continue":
                self.chosen.add(step.on_failure)

    async def _finish_run(self) -> None:
        if self.aborting:
            status, reason = "failed", self.aborting
        else:
            counts: dict[str, int] = {}
            for st in self.status.values():
                counts[st] = counts.get(st, 0) + 1
            status = "succeeded"
            reason = ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
        await self.emit("run_finished", status=status, reason=reason)


def _invalid(question: Question, answer: Answer) -> str | None:
    """Why an answer does not fit its question, or None."""
    allowed = question.options if question.kind == "decision" else VALID_ANSWERS[question.kind]
    if answer.value not in allowed:
        return f"{answer.value!r} is not an answer to a {question.kind} question: " \
               f"use one of {', '.join(allowed)}"
    if question.kind == "confirm" and answer.value == "go" and answer.typed != question.expected:
        return f"the confirmation text does not match: type {question.expected!r} exactly"
    return None


def _crash_point() -> tuple[str, int] | None:
    raw = os.environ.get(CRASH_ENV)
    if not raw or ":" not in raw:
        return None
    kind, _, n = raw.rpartition(":")
    try:
        return kind, int(n)
    except ValueError:
        return None
