"""The console's `Responder`: the engine's questions wait here until the operator answers."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


def make_answer(value: str, by: str, **extra: Any) -> Any:
    """An engine `Answer` (the engine is imported lazily, off the first frame's path)."""
    from drp_console.engine.responder import Answer

    fields = {k: v for k, v in extra.items() if v is not None}
    if "checklist" in fields:
        fields["checklist"] = tuple(fields["checklist"])
    return Answer(value=value, by=by, **fields)


class UIResponder:
    """Implements the engine's `Responder.ask`: one open question per step, answered by the UI.

    The engine journals a `waiting` event before it asks, so the step shows as waiting from the
    journal alone; this object only holds the futures the operator's answer resolves.
    """

    def __init__(self) -> None:
        self.pending: dict[str, tuple[Any, asyncio.Future]] = {}
        """Step id -> (the engine's Question, the future its answer resolves)."""
        self.on_question: Callable[[Any], None] | None = None
        """Called (on the event loop) when a question arrives, so the screen can react."""

    async def ask(self, question: Any) -> Any:
        """Wait for the operator's answer to `question`."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self.pending[str(question.step)] = (question, future)
        if self.on_question is not None:
            self.on_question(question)
        try:
            return await future
        finally:
            current = self.pending.get(str(question.step))
            if current is not None and current[1] is future:
                del self.pending[str(question.step)]

    def question(self, step: str | None) -> Any | None:
        """The open question of a step, if any."""
        entry = self.pending.get(str(step)) if step else None
        return entry[0] if entry else None

    def answer(self, step: str, answer: Any) -> bool:
        """Resolve a step's open question; False if there was none."""
        entry = self.pending.get(step)
        if entry is None or entry[1].done():
            return False
        entry[1].set_result(answer)
        return True

    def cancel_all(self) -> None:
        """Cancel every open question (the console is quitting; the run stays resumable)."""
        for _, future in list(self.pending.values()):
            if not future.done():
                future.cancel()
        self.pending.clear()
