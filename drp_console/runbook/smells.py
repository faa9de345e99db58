"""Validation warnings about DR smells: what a runbook does that works but will hurt in a drill or
an outage. Called by the validator with its checker (`checker.warn`, `checker.rb`, ...)."""

from __future__ import annotations

from typing import Any

from drp_console.runbook.catalog import CATALOG, Call
from drp_console.runbook.durations import duration_text
from drp_console.runbook.model import MODES, DecisionStep, GcpStep, ManualStep, WaitStep
from drp_console.runbook.references import analyse


def check_smells(checker: Any) -> None:
    """Warn about DR smells: unverified or ownerless changes, manual steps without a timeout,
    drills that leave what they create, steps skipped in a mode, `when` on decision branches."""
    assert checker.ancestors is not None
    descendants = checker.ancestors.descendants_mask()
    verifying = 0
    for step in checker.rb.steps:
        if _verifies(step):
            verifying |= checker.ancestors.bit[step.id]
    rto = checker.rb.objectives.rto
    milestones = {s.milestone for s in checker.rb.steps}
    if checker.rb.breach_clock and "aware" not in milestones:
        checker.warn(("breach_clock",), "the 72-hour clock runs from milestone 'aware', which "
                  "no step records: add milestone: aware to the step where you become aware")
    _check_decision_chains(checker, descendants)
    conditional = checker.rb.conditional_targets()
    for i, step in enumerate(checker.rb.steps):
        loc = ("steps", i)
        needs = checker.rb.needs(step.id)
        if needs and step.id not in conditional:
            for mode in step.modes or MODES:
                if all((modes := checker.rb.step(n).modes) is not None and mode not in modes
                       for n in needs):
                    checker.warn(loc, f"in {mode} mode every step this one needs is skipped, so "
                              f"it is skipped too: give it needs that run in {mode}")
                    break
        if isinstance(step, ManualStep) and rto and step.timeout is None:
            checker.warn(loc, f"manual step without a timeout in a runbook with an RTO "
                      f"({duration_text(rto)}): add a timeout so an overrun is seen")
        if not isinstance(step, GcpStep):
            continue
        call = CATALOG.get(step.call)
        if call is None or not call.mutating:
            continue
        if step.role is None:
            checker.warn(loc, f"step changes things ({call.name}) but has no role: say who "
                      "answers for it")
        if call.destructive and step.confirm is None:
            checker.warn(loc, f"{call.name} destroys data and the step has no confirm: add "
                      "confirm: with the resource name the operator must type")
        if step.check is None and not descendants[step.id] & verifying:
            checker.warn(loc, f"nothing verifies what {call.name} did: add a check, a later "
                      "wait step, or a later step with milestone verified")
        if call.creates and step.modes is not None and "live" not in step.modes:
            made = step.with_.get(call.creates)
            later = [checker.rb.step(d) for d in checker.ancestors.ids_in(descendants[step.id])]
            if not any(_deletes(s, made) for s in later):
                checker.warn(loc, f"the drill creates {made!r} and no later step deletes it: "
                          "add a teardown step")


def _check_decision_chains(checker: Any, descendants: dict[str, int]) -> None:
    """Warn about a `when` on a decision's branch: false, it silently skips the branch."""
    assert checker.ancestors is not None
    warned: set[str] = set()
    for decision in checker.rb.steps:
        if not isinstance(decision, DecisionStep):
            continue
        for label, target in decision.options.items():
            if target not in checker.known or target == decision.id:
                continue
            chain = [target] + checker.ancestors.ids_in(descendants[target])
            for sid in chain:
                step = checker.rb.step(sid)
                if not step.when or sid in warned:
                    continue
                if sid == target and _settled_before(checker, step.when, decision.id):
                    continue  # known when the decision is asked: the option is not offered
                warned.add(sid)
                first = "it is" if sid == target else f"it follows option '{label}' and is"
                checker.warn(("steps", checker.ids.index(sid), "when"), (
                    f"{first} on a branch of decision '{decision.id}': when this `when` is "
                    "false the step and every step after it are skipped, and the run can end "
                    "succeeded without doing the branch. Drop the `when` (let a step fail "
                    "loudly), or put it on the option's target reading only what is known "
                    "when the decision is asked (the option is then not offered)"))

def _settled_before(checker: Any, expr: str, decision_id: str) -> bool:
    """Whether an expression reads only what is known when `decision_id` asks."""
    found = analyse(expr, "expression")
    if found.error is not None:
        return False
    steps_read = [path[1] for path in found.paths if path[0] == "steps" and len(path) >= 2]
    ancestry = checker.ancestors
    return ancestry is not None and ("steps" not in found.names or bool(steps_read)) and \
        all(s in ancestry[decision_id] for s in steps_read)


def _verifies(step: Any) -> bool:
    if step.milestone == "verified" or isinstance(step, WaitStep):
        return True
    if isinstance(step, GcpStep) and step.check is not None:
        call = CATALOG.get(step.call)
        return call is not None and not call.mutating
    return False


def _deletes(step: Any, name: Any) -> bool:
    call: Call | None = CATALOG.get(step.call) if isinstance(step, GcpStep) else None
    return bool(call and call.deletes and step.with_.get(call.deletes) == name)
