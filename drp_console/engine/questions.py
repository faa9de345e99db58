"""People's input: a question is journaled, answered by the responder or overridden by an
operator command, checked, and the answer journaled."""

from __future__ import annotations

import asyncio

from drp_console.engine.emitter import Emitter
from drp_console.engine.executors.base import StepFailure
from drp_console.engine.responder import VALID_ANSWERS, Answer, Question, Responder
from drp_console.engine.step_book import StepBook
from drp_console.journal.event_types import Answered, RunWarning, Waiting
from drp_console.journal.queued import serving_command

TRIES = 5
"""How often a question is asked again after answers that do not fit it."""


class Questions:
    """The open questions of a run and the one way to ask one."""

    def __init__(self, emitter: Emitter, responder: Responder, book: StepBook) -> None:
        self._emitter = emitter
        self.responder = responder
        self._book = book
        self._open: dict[str, tuple[Question, asyncio.Future[Answer]]] = {}

    async def ask(self, question: Question) -> Answer:
        """Journal the question, wait for the responder (or an operator command), journal the
        answer. Invalid answers are asked again."""
        emit = self._emitter.emit
        for _ in range(TRIES):
            await emit(Waiting(step=question.step, kind=question.kind, role=question.role,
                       prompt=question.prompt, options=list(question.options),
                       checklist=list(question.checklist), recommended=question.recommended))
            answer = await self._wait_answer(question)
            problem = invalid_answer(question, answer)
            if problem is None:
                with serving_command(answer.command):
                    await emit(Answered(step=question.step, kind=question.kind,
                               answer=answer.value, by=answer.by, role=answer.role,
                               reason=answer.reason, checklist=list(answer.checklist)))
                return answer
            await emit(RunWarning(step=question.step, message=problem))
        raise StepFailure(f"no valid {question.kind} answer after {TRIES} tries", code="badAnswer")

    async def _wait_answer(self, question: Question) -> Answer:
        override: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._open[question.step] = (question, override)
        status = self._book.status
        prev = status[question.step]
        status[question.step] = "waiting"
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
            self._open.pop(question.step, None)
            if status[question.step] == "waiting":
                status[question.step] = prev

    def open_question(self, step: str) -> Question | None:
        """The question a step waits on, or None."""
        entry = self._open.get(step)
        return entry[0] if entry else None

    def answer(self, step: str, answer: Answer) -> None:
        """Answer a step's open question in place of the responder (an operator command)."""
        entry = self._open.get(step)
        if entry is not None and not entry[1].done():
            entry[1].set_result(answer)

    def refuse(self, step: str, error: BaseException) -> None:
        """End a step's open question with an error (an operator skipping a people's step)."""
        entry = self._open.get(step)
        if entry is not None and not entry[1].done():
            entry[1].set_exception(error)


def invalid_answer(question: Question, answer: Answer) -> str | None:
    """Why an answer does not fit its question, or None."""
    allowed = question.options if question.kind == "decision" else VALID_ANSWERS[question.kind]
    if answer.value not in allowed:
        return (f"{answer.value!r} is not an answer to a {question.kind} question: "
                f"use one of {', '.join(allowed)}")
    if question.kind == "confirm" and answer.value == "go" and answer.typed != question.expected:
        return f"the confirmation text does not match: type {question.expected!r} exactly"
    return None
