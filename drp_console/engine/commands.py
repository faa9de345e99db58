"""Operator commands on a running engine: notes, milestones, checklist ticks, pause, stop, retry,
skip."""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from drp_console.engine.emitter import Emitter
from drp_console.engine.executors.base import OperatorSkip
from drp_console.engine.flow import RunFlow
from drp_console.engine.questions import Questions
from drp_console.engine.responder import Answer, Question
from drp_console.engine.step_book import StepBook
from drp_console.journal.event_types import ChecklistTicked, MilestoneReached, Note, RunPaused, RunUnpaused


class EngineCommands(Protocol):
    """The operator commands a front end may send a running engine (`Engine` has them); a
    front end holds this, not the whole engine."""

    def tick(self, step: str, item: int, checked: bool = True,
             by: str | None = None) -> asyncio.Task[Any] | bool: ...
    def retry(self, step: str) -> bool: ...
    def skip(self, step: str, reason: str) -> bool: ...
    def note(self, text: str, tag: str | None = None, step: str | None = None,
             owner: str | None = None, due: str | None = None) -> asyncio.Task[Any]: ...
    def milestone(self, name: str) -> asyncio.Task[Any]: ...
    def pause(self, reason: str | None = None) -> asyncio.Task[Any] | None: ...
    def unpause(self, reason: str | None = None) -> asyncio.Task[Any] | None: ...


class OperatorCommands:
    """What an operator may do to a run (the UI and headless alike); every command may be
    called from the event loop the engine runs on.

    Commands that write return the task writing them (await it to know it is durable)."""

    def __init__(self, *, emitter: Emitter, flow: RunFlow, book: StepBook, questions: Questions,
                 operator: str) -> None:
        self._emit = emitter.emit
        self._flow = flow
        self._book = book
        self._questions = questions
        self._operator = operator

    def note(self, text: str, tag: str | None = None, step: str | None = None,
             owner: str | None = None, due: str | None = None) -> asyncio.Task[Any]:
        """Record a note (decision, observation, blocker, action) in the timeline; an `action`
        may name its `owner` and `due` date (`YYYY-MM-DD`)."""
        return self._flow.spawn(self._emit(Note(text=text, tag=tag, step=step,
                                                owner=owner or None, due=due or None)))

    def milestone(self, name: str) -> asyncio.Task[Any]:
        """Record a milestone now, by the operator's word (`detected`, `restored`, ...)."""
        return self._flow.spawn(self._emit(MilestoneReached(name=name, step=None, source="operator")))

    def tick(self, step: str, item: int, checked: bool = True,
             by: str | None = None) -> asyncio.Task[Any] | bool:
        """Tick (or untick) one checklist item of a step's open manual question, journaled at
        once so that a quit or a crash keeps it; False when the step has no such item open."""
        question = self._questions.open_question(step)
        items = list(question.checklist) if question is not None else []
        if question is None or question.kind != "manual" or not 0 <= item < len(items):
            return False
        return self._flow.spawn(self._emit(ChecklistTicked(
            step=step, item=item, text=str(items[item]), checked=bool(checked),
            by=by or self._operator)))

    def pause(self, reason: str | None = None) -> asyncio.Task[Any] | None:
        """No new step starts until unpause; running steps go on."""
        if self._flow.paused:
            return None
        self._flow.paused = True
        return self._flow.spawn(self._emit(RunPaused(reason=reason)))

    def unpause(self, reason: str | None = None) -> asyncio.Task[Any] | None:
        """Let steps start again."""
        if not self._flow.paused:
            return None
        self._flow.paused = False

        async def go() -> None:
            await self._emit(RunUnpaused(reason=reason))
            self._flow.poke()

        return self._flow.spawn(go())

    def stop(self) -> None:
        """Quit: cancel every step task; no `run_finished`, so the run stays resumable."""
        self._flow.stopping = True
        self._flow.cancel_steps()
        self._flow.poke()

    def waiting_question(self, step: str) -> Question | None:
        """The question a step waits on, or None."""
        return self._questions.open_question(step)

    def retry(self, step: str, by: str | None = None) -> bool:
        """Answer a failed (retry) or UNKNOWN (rerun) question of the step; False if none
        (`by`: who asked, default the operator)."""
        question = self._questions.open_question(step)
        if question is None or question.kind not in ("failed", "unknown"):
            return False
        value = "retry" if question.kind == "failed" else "rerun"
        self._questions.answer(step, Answer(value, by=by or self._operator))
        return True

    def skip(self, step: str, reason: str, by: str | None = None) -> bool:
        """Skip a step that has not started or waits for people; False when it cannot be
        (`by`: who asked, default the operator)."""
        who = by or self._operator
        question = self._questions.open_question(step)
        if question is not None:
            if question.kind in ("failed", "unknown"):
                self._questions.answer(step, Answer("skip", by=who, reason=reason))
            else:
                self._questions.refuse(step, OperatorSkip(f"skipped by {who}: {reason}"))
            return True
        if self._book.status.get(step) == "pending" and step not in self._flow.tasks:
            self._book.status[step] = "running"  # claimed, so the scheduler does not start it
            # held as the step's task, so the run cannot end before the skip is journaled
            self._flow.hold(step, self._book.finish(
                step, "skipped", f"skipped by {who}: {reason}", {"skipped_by": who}))
            return True
        return False

    def answer(self, step: str, answer: Answer) -> str | None:
        """Answer a step's open question in place of the responder (a joiner's approve,
        reject, decide, done or resolve); why it does not fit, or None once answered."""
        from drp_console.engine.questions import invalid_answer

        question = self._questions.open_question(step)
        if question is None:
            return f"{step} is not waiting for an answer"
        problem = invalid_answer(question, answer)
        if problem is not None:
            return problem
        self._questions.answer(step, answer)
        return None
