"""The run's switches and tasks: paused, stopping, the step tasks and the scheduler's wake-up."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from drp_console.engine.responder import NeedsOperator


class RunFlow:
    """What decides whether the scheduler may start steps, and the tasks it started.

    Shared by the scheduler (reads it), the operator commands (flip it) and the step attempts
    (stop the run for an operator)."""

    def __init__(self) -> None:
        self.paused = False
        """No new step starts while paused."""
        self.stopping = False
        self.failure: BaseException | None = None
        """Why a step task could not go on (the journal refused a write): the run stops and
        `run()` raises it."""
        """Quit asked (or an operator is needed): the run ends without `run_finished`."""
        self.needs_operator: NeedsOperator | None = None
        """Set when a responder could not answer: the question and what to do."""
        self.tasks: dict[str, asyncio.Task[None]] = {}
        """Step id -> the task running it (or journaling its skip)."""
        self._wake: asyncio.Event | None = None
        self._background: set[asyncio.Task[Any]] = set()

    def begin(self) -> None:
        """Called when the run starts, on its event loop."""
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Wake the scheduler: something changed."""
        if self._wake is not None:
            self._wake.set()

    async def sleep_until_poked(self) -> None:
        """Wait for the next poke (then clear it)."""
        assert self._wake is not None, "begin() first"
        await self._wake.wait()
        self._wake.clear()

    def stop_for(self, needed: NeedsOperator) -> None:
        """Stop the run: a question needs an operator."""
        self.needs_operator = needed
        self.stopping = True

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Run a coroutine beside the steps, keeping a reference until it ends."""
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    def hold(self, step_id: str, coro: Coroutine[Any, Any, None]) -> None:
        """Run a coroutine as the step's task: the run cannot end before it does."""
        task = asyncio.ensure_future(coro)
        self.tasks[step_id] = task

        def done(finished: asyncio.Task[None]) -> None:
            self.tasks.pop(step_id, None)
            error = None if finished.cancelled() else finished.exception()
            if error is not None and self.failure is None:  # e.g. the lease was taken over
                self.failure = error
                self.stopping = True
            self.poke()

        task.add_done_callback(done)

    def cancel_steps(self) -> None:
        """Cancel every step task (quit)."""
        for task in list(self.tasks.values()):
            task.cancel()
