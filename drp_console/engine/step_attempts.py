"""One step's life in the engine: attempts, retries with backoff, failed and UNKNOWN questions."""

from __future__ import annotations

import asyncio
from typing import Any

from drp_console.engine.executors import executor_for
from drp_console.engine.executors.base import OperatorSkip, StepFailure, StepResult, StepRun
from drp_console.engine.flow import RunFlow
from drp_console.engine.responder import VALID_ANSWERS, NeedsOperator, Question
from drp_console.engine.resume import ResumeHint
from drp_console.engine.services import StepServices
from drp_console.engine.step_book import StepBook
from drp_console.journal.event_types import AttemptFailed, RunWarning, StepStarted, StepUnknown
from drp_console.journal.events import JournalError
from drp_console.runbook.durations import format_duration

PEOPLE = ("manual", "approval", "decision")
"""Step types done by people: no timeout, no budget warning."""


class StepAttempts:
    """Runs a step's attempts until it succeeds, fails, or is skipped: through its executor,
    retrying transient failures with backoff, asking people when it fails for good or may
    have acted."""

    def __init__(self, host: StepServices, book: StepBook, flow: RunFlow) -> None:
        self.host = host
        self.book = book
        self.flow = flow
        self.ctx = host.ctx
        self.clock = host.clock
        self.emit = host.emit
        self.ask = host.ask
        self._finish = book.finish
        self.attempts = book.attempts

    async def run_step(self, step_id: str, hint: ResumeHint | None) -> None:
        """Run one step to its end (the task the scheduler starts for it)."""
        step = self.host.runbook.step(step_id)
        try:
            await self._attempts(step, hint)
        except NeedsOperator as exc:
            self.flow.stop_for(exc)
        except OperatorSkip as exc:
            await self._finish(step_id, "skipped", exc.reason, {"skipped_by": self.ctx.operator})
        except (asyncio.CancelledError, JournalError):
            raise  # a journal that refuses writes cannot record the failure either
        except Exception as exc:  # an engine bug must not lose the run: fail the step, say why
            await self._finish(step_id, "failed", f"internal error: {exc!r}")

    async def _attempts(self, step: Any, hint: ResumeHint | None) -> None:
        tries = 0
        if hint is not None and hint.kind == "unknown":
            attempt = await self._ask_unknown(step, hint)
            if attempt is None:
                return
            hint = None
            failure = None
        else:
            attempt, failure = self._first_attempt(step, hint)
        while True:
            if failure is None:
                tries += 1
                failure = await self._try(step, attempt, hint)
                if failure is None:
                    return
                hint = None
                retry_in = None
                if failure.maybe_applied:
                    await self.emit(AttemptFailed(step=step.id, attempt=attempt,
                                    error=failure.to_dict(), retry_in=None))
                    nxt = await self._ask_unknown(step, ResumeHint(
                        "unknown", attempt, reason=f"{failure.message}; the call may have been "
                        "applied"))
                    if nxt is None:
                        return
                    attempt, failure, tries = nxt, None, 0
                    continue
                if failure.transient and tries < step.retry.attempts:
                    retry_in = step.retry.delay * step.retry.backoff ** (tries - 1)
                await self.emit(AttemptFailed(step=step.id, attempt=attempt,
                                error=failure.to_dict(), retry_in=retry_in))
                if retry_in is not None:
                    await self.clock.sleep(retry_in / self.ctx.speed)
                    attempt, failure = attempt + 1, None
                    continue
            answer = await self.ask(Question(
                step=step.id, kind="failed", role=step.role,
                prompt=f"{step.id} failed: {failure.message}"
                       + (f" ({failure.hint})" if failure.hint else ""),
                options=VALID_ANSWERS["failed"]))
            if answer.value == "retry":
                attempt, failure, tries, hint = self.attempts.get(step.id, attempt) + 1, None, 0, None
                continue
            if answer.value == "skip":
                await self._finish(step.id, "skipped", answer.reason or f"skipped by {answer.by} "
                                   f"after failing: {failure.message}", {"skipped_by": answer.by})
                return
            await self._finish(step.id, "failed", failure.message)
            return

    async def _try(self, step: Any, attempt: int, hint: ResumeHint | None) -> StepFailure | None:
        """Run one attempt through the step's executor: None when the step is done, else why
        the attempt failed."""
        self.attempts[step.id] = attempt
        # A resumed attempt that may have acted is continued, never restarted: writing
        # step_started again would make a second crash forget the call in flight.
        if getattr(step, "call", None):
            await self.host.wait_for_cloud()  # before step_started: not the step's own time
        if hint is None or hint.kind in ("restart", "next_attempt"):
            # in one commit with what follows: a call's intent is journaled at once after it
            self.host.stage(StepStarted(step=step.id, attempt=attempt))
        t0 = self.clock.monotonic()
        # A shell command runs in real time, so its timeout is real time too.
        scale = 1.0 if step.type == "shell" else self.ctx.speed
        deadline = t0 + step.timeout / scale if step.timeout else None
        if step.type in PEOPLE:
            deadline = None
        try:
            result = await executor_for(step.type)(StepRun(self.host, step, attempt, deadline,
                                                           hint))
        except StepFailure as exc:
            return exc
        await self._succeed(step, result, self.clock.monotonic() - t0)
        return None

    async def _ask_unknown(self, step: Any, hint: ResumeHint) -> int | None:
        """The step may have acted (found on resume, or a call without a clear answer): the
        operator says what happened.

        Returns the attempt to run next (rerun), or None when the step is settled."""
        await self.emit(StepUnknown(step=step.id, attempt=hint.attempt, reason=hint.reason))
        self.book.status[step.id] = "unknown"
        answer = await self.ask(Question(
            step=step.id, kind="unknown", role=step.role,
            prompt=f"It is not known whether {step.id} acted: {hint.reason}. Check the "
                   "resource, then answer verified (it is done), rerun, or skip.",
            options=VALID_ANSWERS["unknown"]))
        if answer.value == "verified":
            await self._finish(step.id, "succeeded", f"verified by {answer.by}", {}, True)
            return None
        if answer.value == "skip":
            await self._finish(step.id, "skipped", answer.reason or f"skipped by {answer.by} "
                               "while UNKNOWN", {"skipped_by": answer.by})
            return None
        return self.attempts.get(step.id, hint.attempt) + 1

    def _first_attempt(self, step: Any, hint: ResumeHint | None) -> tuple[int, StepFailure | None]:
        """The attempt a step starts with, and a failure to ask about first (on resume)."""
        last = self.attempts.get(step.id, 0)
        if hint is None:
            return last + 1, None
        if hint.kind == "next_attempt":
            return last + 1, None
        if hint.kind == "ask_failed":
            err = hint.error or {}
            return hint.attempt, StepFailure(err.get("message") or "failed", code=err.get("code"),
                                             hint=err.get("hint"))
        return hint.attempt, None

    async def _succeed(self, step: Any, result: StepResult, took: float) -> None:
        # budgets compare only at real speed: a sped-up run multiplies fixed costs (imports,
        # round trips) by its speed
        if step.budget and self.ctx.speed == 1 and took > step.budget \
                and step.type not in PEOPLE:
            await self.emit(RunWarning(step=step.id,
                            message=f"{step.id} took {format_duration(took)}, "
                                    f"over its budget of {format_duration(step.budget)}"))
        await self._finish(step.id, result.status, result.reason, result.outputs, result.changed)

