"""The engine's side of `executors.base.StepHost`: what executors may use, and nothing more."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from drp_console.engine.clock import Clock
from drp_console.engine.context import RunContext
from drp_console.engine.emitter import Emitter
from drp_console.engine.questions import Questions
from drp_console.engine.responder import Answer, Question
from drp_console.engine.step_book import StepBook
from drp_console.engine.templates import TemplateScope
from drp_console.gcp.clients import Cloud
from drp_console.journal.event_types import Record
from drp_console.runbook.catalog import Call
from drp_console.runbook.model import Runbook

CALL_THREADS = 32
"""Blocking cloud calls (invoke, poll) that may run at once: parallel steps poll together."""


class StepServices:
    """Emitting, asking, templates, blocking calls and the run's facts, for the executors."""

    def __init__(self, *, runbook: Runbook, ctx: RunContext, cloud: Cloud | None, clock: Clock,
                 emitter: Emitter, questions: Questions, templates: TemplateScope,
                 book: StepBook) -> None:
        self.runbook = runbook
        self.ctx = ctx
        self.cloud = cloud
        self.clock = clock
        self._emitter = emitter
        self._questions = questions
        self._templates = templates
        self._book = book
        self._pool: ThreadPoolExecutor | None = None
        self.cloud_ready: asyncio.Future[Any] | None = None
        """The background import of the runbook's cloud clients, while it runs (see
        `Engine.run`): a cloud step waits for it before it is journaled as started."""

    async def wait_for_cloud(self) -> None:
        """Wait until the cloud clients' warm-up is over (at once when there is none)."""
        ready = self.cloud_ready
        if ready is not None and not ready.done():
            with contextlib.suppress(Exception):  # a real call will report it, with its step
                await asyncio.shield(ready)

    async def emit(self, record: Record) -> dict[str, Any]:
        """Journal an event; returns once it is durable."""
        return await self._emitter.emit(record)

    def stage(self, record: Record) -> None:
        """Journal an event in one commit with the next one (see `Emitter.stage`)."""
        self._emitter.stage(record)

    async def ask(self, question: Question) -> Answer:
        """Ask people (journaled), waiting for a valid answer."""
        return await self._questions.ask(question)

    def render(self, text: str) -> str:
        """A template rendered in the run's context."""
        return self._templates.render(text)

    def render_value(self, value: Any) -> Any:
        """Every string inside a value rendered."""
        return self._templates.render_value(value)

    def render_args(self, args: dict[str, Any] | None, call: Call) -> dict[str, Any]:
        """A step's `with`, rendered and converted to the call's argument types."""
        return self._templates.render_args(args, call)

    def evaluate(self, expr: str, result: Any = None) -> Any:
        """An expression evaluated in the run's context."""
        return self._templates.evaluate(expr, result)

    def status_of(self, step_id: str) -> str | None:
        """A step's status now; None for an unknown id."""
        return self._book.status.get(step_id)

    async def call_blocking(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking client call in the engine's own thread pool (not the loop's default
        one, which has only a few threads and is shared with the UI)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(CALL_THREADS, thread_name_prefix="drp-call")
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def shutdown(self) -> None:
        """Let go of the call threads (calls in flight are not waited for)."""
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
