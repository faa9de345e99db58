"""The engine's live table of steps: status, outputs, attempts, chosen targets; the rules of
when a step may run; and journaling a step's end."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from drp_console.engine.emitter import Emitter
from drp_console.engine.resume import ResumePlan
from drp_console.journal.event_types import MilestoneReached, StepFinished
from drp_console.runbook.model import Runbook

TERMINAL = frozenset({"succeeded", "failed", "skipped"})


class StepBook:
    """Where each step of one run stands, kept by the engine as it runs them."""

    def __init__(self, runbook: Runbook, emitter: Emitter, ended: Callable[[], None]) -> None:
        self.runbook = runbook
        self._emitter = emitter
        self._ended = ended
        self.status: dict[str, str] = {s.id: "pending" for s in runbook.steps}
        """Step id -> pending, running, waiting, succeeded, failed, skipped, unknown."""
        self.outputs: dict[str, dict[str, Any]] = {}
        self.attempts: dict[str, int] = {}
        self.chosen: set[str] = set()
        """Conditional targets picked by a decision or an on_failure."""
        self.aborting: str | None = None
        """Why the run aborts (a step with `on_failure: abort` failed), or None."""
        self.conditional = runbook.conditional_targets()
        self._needs = {s.id: runbook.needs(s.id) for s in runbook.steps}
        """Each step's needs, worked out once (readiness asks on every scheduling pass)."""
        self.choosers: dict[str, list[str]] = {}
        for step in runbook.steps:
            targets = list(getattr(step, "options", {}).values()) if step.type == "decision" else []
            if step.on_failure not in ("abort", "continue"):
                targets.append(step.on_failure)
            for target in targets:
                self.choosers.setdefault(target, []).append(step.id)
        self._order = {s.id: i for i, s in enumerate(runbook.steps)}
        self._dependents: dict[str, set[str]] = {}
        """Step id -> the steps whose readiness its end may change (its needers, its targets)."""
        for step_id, needs in self._needs.items():
            for need in needs:
                self._dependents.setdefault(need, set()).add(step_id)
        for target, choosers in self.choosers.items():
            for chooser in choosers:
                self._dependents.setdefault(chooser, set()).add(target)
        self._recheck: set[str] = set(self.status)
        """Steps whose readiness may have changed since the scheduler last asked."""

    def candidates(self) -> list[Any]:
        """The pending steps whose readiness may have changed since the last call, in file
        order (so a pass looks only at what a finished step could unblock)."""
        ids, self._recheck = self._recheck, set()
        return [self.runbook.steps[i] for i in
                sorted(self._order[s] for s in ids if self.status[s] == "pending")]

    def recheck(self, step_ids: Iterable[str]) -> None:
        """Ask about these steps again on the next pass (a pass stopped before them)."""
        self._recheck.update(step_ids)

    def pending(self) -> list[str]:
        """Steps that have not started, in file order."""
        return [s for s, st in self.status.items() if st == "pending"]

    def restore(self, plan: ResumePlan) -> None:
        """Take over what a journal says already happened (resume)."""
        self.attempts.update(plan.attempts)
        for step_id, status in plan.finished.items():
            if step_id not in self.status:
                continue
            self.status[step_id] = status
            self.outputs[step_id] = plan.outputs.get(step_id, {})
            self._after_finish(step_id, status)

    async def finish(self, step_id: str, status: str, reason: str | None,
                     outputs: dict[str, Any] | None = None, changed: bool = False) -> None:
        """Record the step's end here and journal it (with its milestone), then tell the
        scheduler (`ended`): the end shares the commit of what happens next, the starts of the
        steps it let run (no call is made before its intent is durable, and the journal writes
        in order, so never before this end is either)."""
        outputs = outputs or {}
        self._emitter.stage(StepFinished(step=step_id, status=status, reason=reason,
                            outputs=outputs, changed=changed,
                            attempts=self.attempts.get(step_id, 0)))
        self.status[step_id] = status
        self.outputs[step_id] = outputs
        self._after_finish(step_id, status)
        step = self.runbook.step(step_id)
        if status == "succeeded" and step.milestone:
            await self._emitter.emit(MilestoneReached(name=step.milestone, step=step_id,
                                     source="step"))
        self._ended()

    def _after_finish(self, step_id: str, status: str) -> None:
        self._recheck.update(self._dependents.get(step_id, ()))
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

    def readiness(self, step: Any) -> tuple[str, str]:
        """`run`, `skip` (with the reason) or `wait`, by needs and conditional targets."""
        needs = self._needs[step.id]
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

    def end_of_run(self) -> tuple[str, str]:
        """The run's final status and reason (`failed` after an abort, else `succeeded`)."""
        if self.aborting:
            return "failed", self.aborting
        counts: dict[str, int] = {}
        for st in self.status.values():
            counts[st] = counts.get(st, 0) + 1
        return "succeeded", ", ".join(f"{n} {st}" for st, n in sorted(counts.items()))
