"""People's input to a run: the questions the engine asks and the answers it accepts."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

from drp_console.journal.queued import current_command

QuestionKind = Literal["manual", "approval", "decision", "confirm", "failed", "unknown"]

# The answers each kind of question accepts (`decision` takes an option label instead).
VALID_ANSWERS: dict[str, tuple[str, ...]] = {
    "manual": ("done",),
    "approval": ("approve", "reject"),
    "confirm": ("go", "cancel"),
    "failed": ("retry", "skip", "fail"),
    "unknown": ("verified", "rerun", "skip"),
}


@dataclass(frozen=True)
class Question:
    """Something the engine needs a person to decide before a step can go on."""

    step: str
    """Id of the step asking."""
    kind: QuestionKind
    """What is asked: see VALID_ANSWERS."""
    prompt: str = ""
    """The rendered text shown to the person (instructions, prompt, error)."""
    role: str | None = None
    """The runbook role expected to answer."""
    options: tuple[str, ...] = ()
    """Decision option labels in file order, or the accepted answers of other kinds."""
    checklist: tuple[str, ...] = ()
    """Manual steps: every item must be ticked."""
    expected: str | None = None
    """Confirm questions: the text the operator must type."""
    recommended: str | None = None
    """Decision questions: the option the authors expect."""


@dataclass(frozen=True)
class Answer:
    """A person's (or the headless policy's) answer to a Question."""

    value: str
    """`done`, `approve`/`reject`, an option label, `go`/`cancel`, `retry`/`skip`/`fail`,
    `verified`/`rerun`/`skip`."""
    by: str
    """Who answered (operator or approver name)."""
    role: str | None = None
    """The answerer's role (approvals record it)."""
    reason: str | None = None
    """Why, in the answerer's words (skips, rejections)."""
    checklist: tuple[str, ...] = ()
    """Manual steps: the items ticked."""
    typed: str | None = None
    """Confirm questions: what the operator typed; must equal Question.expected."""
    command: int | None = field(default_factory=current_command, compare=False)
    """The joiner's command this answer comes from (taken from `serving_command` where the
    answer is made); its `answered` event is journaled as carrying that command out."""


class Responder(Protocol):
    """Whoever answers the engine's questions: the TUI, or the headless policy."""

    async def ask(self, question: Question) -> Answer:
        """The answer; may raise NeedsOperator when it cannot decide."""


class NeedsOperator(Exception):
    """A question the responder cannot answer: the run stops until a person decides."""

    def __init__(self, question: Question, hint: str) -> None:
        super().__init__(f"step {question.step!r} needs an operator's {question.kind} answer: {hint}")
        self.question = question
        self.hint = hint
