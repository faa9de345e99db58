"""The engine: an asyncio scheduler over a runbook's step graph, journaling before it acts.

`Engine` composes collaborating objects, each with a narrow job: the `Emitter` (journal first,
then the hook and the listeners), the `StepBook` (where each step stands and when it may run),
`Questions` (people's input), `TemplateScope`, `StepServices` (what executors may use),
`StepAttempts` (one step's attempts and retries), `RunFlow` (pause, stop, the step tasks) and
`OperatorCommands`. The loop here decides which steps may start (needs, decisions, `when`,
`modes`, on_failure) and starts each as a task. Every event is durable before the listeners
(the TUI, the headless printer) hear of it, and before the engine goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from drp_console.engine.clock import Clock, SystemClock
from drp_console.engine.commands import OperatorCommands
from drp_console.engine.context import RunContext
from drp_console.engine.emitter import Emitter, EventJournal, Listener
from drp_console.engine.executors.base import StepFailure
from drp_console.engine.flow import RunFlow
from drp_console.engine.questions import Questions
from drp_console.engine.responder import NeedsOperator, Question, Responder
from drp_console.engine.resume import ResumeHint, plan_resume
from drp_console.engine.services import StepServices
from drp_console.engine.step_attempts import StepAttempts
from drp_console.engine.step_book import StepBook
from drp_console.engine.templates import TemplateScope
from drp_console.gcp.clients import Cloud
from drp_console.journal.event_types import RunFinished, RunWarning
from drp_console.journal.state import RunState
from drp_console.runbook.catalog import services_called
from drp_console.runbook.model import Runbook


class Engine:
    """Runs one runbook: a fresh run, or a resumed one when the journal already has steps.

    `after_event(event)` is called with every event once it is durable, before the listeners
    (the composition root passes the crash-test hook here)."""

    def __init__(self, runbook: Runbook, ctx: RunContext, journal: EventJournal,
                 cloud: Cloud | None, responder: Responder, clock: Clock | None = None, *,
                 after_event: Listener | None = None) -> None:
        self.runbook = runbook
        self.ctx = ctx
        self.journal = journal
        self.cloud = cloud
        self.responder = responder
        self.clock: Clock = clock or SystemClock()
        self.flow = RunFlow()
        self.events = Emitter(journal, after_event)
        self.book = StepBook(runbook, self.events, self._step_ended)
        self.questions = Questions(self.events, responder, self.book)
        self.templates = TemplateScope(ctx, self.book)
        self.services = StepServices(runbook=runbook, ctx=ctx, cloud=cloud, clock=self.clock,
                                     emitter=self.events, questions=self.questions,
                                     templates=self.templates, book=self.book)
        self.steps = StepAttempts(self.services, self.book, self.flow)
        self.commands = OperatorCommands(emitter=self.events, flow=self.flow, book=self.book,
                                         questions=self.questions, operator=ctx.operator)

    # -- what callers see ----------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> None:
        """Call `listener(event)` for every journaled event, once it is durable."""
        self.events.subscribe(listener)

    @property
    def needs_operator(self) -> NeedsOperator | None:
        """Why the run stopped for an operator (headless: exit 5), else None."""
        return self.flow.needs_operator

    @property
    def paused(self) -> bool:
        """Whether new steps are held back."""
        return self.flow.paused

    def state(self) -> RunState:
        """The run state folded from the journal."""
        return RunState.fold(self.journal.events())

    # -- operator commands (see OperatorCommands) -----------------------------------------------

    def note(self, text: str, tag: str | None = None, step: str | None = None,
             owner: str | None = None, due: str | None = None) -> asyncio.Task[Any]:
        """Record a note (decision, observation, blocker, action) in the timeline; an `action`
        may name its `owner` and `due` date."""
        return self.commands.note(text, tag, step, owner=owner, due=due)

    def milestone(self, name: str) -> asyncio.Task[Any]:
        """Record a milestone now, by the operator's word."""
        return self.commands.milestone(name)

    def tick(self, step: str, item: int, checked: bool = True,
             by: str | None = None) -> asyncio.Task[Any] | bool:
        """Tick (or untick) a checklist item of a step's open manual question (journaled)."""
        return self.commands.tick(step, item, checked, by)

    def pause(self, reason: str | None = None) -> asyncio.Task[Any] | None:
        """No new step starts until unpause; running steps go on."""
        return self.commands.pause(reason)

    def unpause(self, reason: str | None = None) -> asyncio.Task[Any] | None:
        """Let steps start again."""
        return self.commands.unpause(reason)

    def stop(self) -> None:
        """Quit; the run stays resumable (no `run_finished`)."""
        self.commands.stop()

    def retry(self, step: str, by: str | None = None) -> bool:
        """Answer a failed or UNKNOWN question of the step with retry/rerun; False if none."""
        return self.commands.retry(step, by)

    def skip(self, step: str, reason: str, by: str | None = None) -> bool:
        """Skip a pending step or answer its open question with skip; False if it cannot be."""
        return self.commands.skip(step, reason, by)

    def waiting_question(self, step: str) -> Question | None:
        """The question a step waits on, or None."""
        return self.commands.waiting_question(step)

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> RunState:
        """Run (or resume) to the end, or until stopped; returns the folded RunState."""
        self.flow.begin()
        plan = plan_resume(self.runbook, self.state())
        if plan.finished_run is None:
            services = services_called(self.runbook.steps)
            if self.cloud is not None and services:
                # the client libraries take seconds to import: load the ones the runbook calls
                # in a thread while other steps run (cloud steps wait for it, unbooked)
                self.services.cloud_ready = self.flow.spawn(self._warm_up(self.cloud, services))
            self.book.restore(plan)
            for step_id, hint in plan.hints.items():
                self._start(step_id, hint)
            try:
                await self._loop()
                await self.events.drain()
            finally:
                self.events.flush()  # what a stopped run staged is still written
                self.services.shutdown()
            if self.flow.failure is not None:
                raise self.flow.failure
        return self.state()

    async def before_finish(self) -> bool:
        """Called when every step has ended, before `run_finished` is written; True when it
        journaled something, so the end is looked at again (a shared run applies the joiners'
        last commands here)."""
        return False

    async def _warm_up(self, cloud: Cloud, services: set[str]) -> None:
        with contextlib.suppress(Exception):  # a real call will report it, with its step
            await self.services.call_blocking(cloud.warm_up, sorted(services))

    async def _loop(self) -> None:
        flow, book = self.flow, self.book
        while True:
            if not (flow.paused or flow.stopping):
                await self._schedule()
            if not flow.tasks:
                if flow.stopping:
                    return
                if not flow.paused:
                    pending = book.pending()
                    if not pending and await self.before_finish():
                        continue  # something was journaled just before the end: look again
                    if not pending:
                        status, reason = book.end_of_run()
                        await self.events.emit(RunFinished(status=status, reason=reason))
                        return
                    why = f"run aborted: {book.aborting}" if book.aborting \
                        else "its needs can never be met"  # no rule can start them any more
                    for step_id in pending:
                        await book.finish(step_id, "skipped", why)
                    continue
            await flow.sleep_until_poked()

    def _step_ended(self) -> None:
        """A step ended: start at once the steps it let run (their starts share the commit of
        its end), and wake the scheduler for the rest (skips, warnings, the run's end)."""
        flow, book = self.flow, self.book
        if not (flow.paused or flow.stopping or book.aborting):
            later = []
            for step in book.candidates():
                if step.id in flow.tasks:
                    continue
                verdict, _ = book.readiness(step)
                if verdict == "run" and self._static_skip(step) is None:
                    self._start(step.id, None)
                elif verdict != "wait":
                    later.append(step.id)
            book.recheck(later)
        flow.poke()

    async def _schedule(self) -> None:
        """Start every step that may start; skip every step that can no longer run."""
        flow, book = self.flow, self.book
        while not book.aborting and (steps := book.candidates()):
            for i, step in enumerate(steps):
                if book.status[step.id] != "pending" or step.id in flow.tasks:
                    continue  # settled while an earlier step was started or skipped
                verdict, reason = book.readiness(step)
                if verdict == "skip":
                    await book.finish(step.id, "skipped", reason)
                elif verdict == "run":
                    await self._start_or_skip(step)
                if book.aborting or flow.paused or flow.stopping:
                    book.recheck(s.id for s in steps[i + 1:])
                    return

    async def _start_or_skip(self, step: Any) -> None:
        """A ready step starts, unless its `modes` or `when` rule it out."""
        skip = self._static_skip(step)
        if not skip:
            self._start(step.id, None)
            return
        await self.book.finish(step.id, "skipped", skip)
        if step.id in self.book.chosen:
            await self.events.emit(RunWarning(step=step.id, message=(
                f"{step.id} was chosen but is skipped ({skip}): the steps that need it will "
                "not run")))

    def _static_skip(self, step: Any) -> str | None:
        if step.modes is not None and self.ctx.mode not in step.modes:
            return f"runs only in {', '.join(step.modes)} mode"
        if step.when:
            try:
                if not self.templates.evaluate(step.when):
                    return f"when: {step.when} is false"
            except StepFailure as exc:
                return f"when: {exc.message}"
        return None

    def _start(self, step_id: str, hint: ResumeHint | None) -> None:
        self.book.status[step_id] = "running"
        self.flow.hold(step_id, self.steps.run_step(step_id, hint))
