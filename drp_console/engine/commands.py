"""Operator commands on a running engine: notes, milestones, checklist ticks, pause, stop, retry,
skip."""

from __future__ import annotations

import asyncio
from typing import Any

from drp_console.engine.executors.base import OperatorSkip
from drp_console.engine.responder import Answer
from drp_console.journal.event_types import EventType


class OperatorCommands:
    """Mixed into Engine; every command may be called from the event loop the engine runs on.

    Commands that write return the task writing them (await it to know it is durable)."""

    def _spawn(self, coro: Any) -> asyncio.Task:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def note(self, text: str, tag: str | None = None, step: str | None = None) -> asyncio.Task:
        """Record a note (decision, observation, blocker, action) in the timeline."""
        return self._spawn(self.emit("note", text=text, tag=tag, step=step))

    def milestone(self, name: str) -> asyncio.Task:
        """Record a milestone now, by the operator's word (`detected`, `restored`, ...)."""
        return self._spawn(self.emit("milestone", name=name, step=None, source="operator"))

    def tick(self, step: str, item: int, checked: bool = True,
             by: str | None = None) -> asyncio.Task | bool:
        """Tick (or untick) one checklist item of a step's open manual question, journaled at
        once so that a quit or a crash keeps it; False when the step has no such item open."""
        entry = self._overrides.get(step)
        question = entry[0] if entry else None
        items = list(getattr(question, "checklist", None) or ())
        if question is None or question.kind != "manual" or not 0 <= item < len(items):
            return False
        return self._spawn(self.emit(EventType.CHECKLIST_TICKED, step=step, item=item,
                                     text=str(items[item]), checked=bool(checked),
                                     by=by or self.ctx.operator))

    def pause(self, reason: str | None = None) -> asyncio.Task | None:
        """No new step starts until unpause; running steps go on."""
        if self.paused:
            return None
        self.paused = True
        return self._spawn(self.emit("run_paused", reason=reason))

    def unpause(self, reason: str | None = None) -> asyncio.Task | None:
        """Let steps start again."""
        if not self.paused:
            return None
        self.paused = False

        async def go() -> None:
            await self.emit("run_unpaused", reason=reason)
            self._poke()

        return self._spawn(go())

    def stop(self) -> None:
        """Quit: cancel every step task; no `run_finished`, so the run stays resumable."""
        self.stopping = True
        for task in list(self._tasks.values()):
            task.cancel()
        self._poke()

    def waiting_question(self, step: str) -> Any:
        """The question a step waits on, or None."""
        entry = self._overrides.get(step)
        return entry[0] if entry else None

    def retry(self, step: str) -> bool:
        """Answer a failed (retry) or UNKNOWN (rerun) question of the step; False if none."""
        entry = self._overrides.get(step)
        if entry is None or entry[0].kind not in ("failed", "unknown"):
            return False
        question, future = entry
        value = "retry" if question.kind == "failed" else "rerun"
        if not future.done():
            future.set_result(Answer(value, by=self.ctx.operator))
        return True

    def skip(self, step: str, reason: str) -> bool:
        """Skip a step that has not started or waits for people; False when it cannot be."""
        entry = self._overrides.get(step)
        if entry is not None:
            question, future = entry
            if not future.done():
                if question.kind in ("failed", "unknown"):
                    future.set_result(Answer("skip", by=self.ctx.operator, reason=reason))
                else:
                    future.set_exception(OperatorSkip(f"skipped by {self.ctx.operator}: {reason}"))
            return True
        if self.status.get(step) == "pending" and step not in self._tasks:
            self.status[step] = "running"  # claimed, so the scheduler does not start it

            async def go() -> None:
                await self._finish(step, "skipped", f"skipped by {self.ctx.operator}: {reason}",
                                   {"skipped_by": self.ctx.operator})

            # held as the step's task, so the run cannot end before the skip is journaled
            task = asyncio.ensure_future(go())
            self._tasks[step] = task

            def done(_: asyncio.Task) -> None:
                self._tasks.pop(step, None)
                self._poke()

            task.add_done_callback(done)
            return True
        return False
