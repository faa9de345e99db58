"""The run's critical path: the chain of steps that set its end, through the runbook's own
dependency rules (`Runbook.needs`, the choosers of conditional targets, as `graph.Ancestry`
holds them)."""

from __future__ import annotations

from pydantic import ValidationError

from drp_console.journal.state import RunState
from drp_console.report.coerce import as_dict
from drp_console.runbook.graph import Ancestry
from drp_console.runbook.model import Runbook

SLACK = 0.5
"""Seconds a finishing step may start its dependents before its own end is journaled."""


def runbook_of(state: RunState) -> Runbook | None:
    """The runbook rebuilt from the journaled document, None when the document is not a valid
    runbook (a damaged or hand-edited journal: the report then goes without its rules)."""
    try:
        return Runbook.from_doc(state.runbook_doc, str(as_dict(state.runbook).get("hash") or ""))
    except (ValidationError, ValueError, TypeError, AttributeError):
        return None


def predecessors(runbook: Runbook | None) -> dict[str, tuple[str, ...]]:
    """Each step's predecessors: its needs (absent: the previous step), then the decision or
    failing steps that can choose it, in runbook order. Empty without a runbook."""
    if runbook is None:
        return {}
    ancestry = Ancestry(runbook)
    out: dict[str, tuple[str, ...]] = {}
    for sid, deps in ancestry.deps.items():
        needs = [n for n in runbook.needs(sid) if n in deps]
        choosers = sorted(deps.difference(needs), key=runbook.position)
        out[sid] = tuple(dict.fromkeys(needs + choosers))
    return out


def recovery_sources(runbook: Runbook | None) -> dict[str, str]:
    """Recovery step -> the step whose failure leads to it (`on_failure: <step>`)."""
    if runbook is None:
        return {}
    return {s.on_failure: s.id for s in runbook.steps
            if s.on_failure not in ("abort", "continue")}


def critical_path(
    preds: dict[str, tuple[str, ...]], spans: dict[str, tuple[float, float]]
) -> list[str]:
    """The chain of steps that set the run's end: from the step that ended last, back through
    the predecessor that finished last before it started. `spans`: step -> (start, end) on the
    run's clock."""
    if not spans:
        return []
    current = max(spans, key=lambda s: (spans[s][1], -spans[s][0]))
    path = [current]
    seen = {current}
    while True:
        start = spans[current][0]
        candidates = [
            p for p in preds.get(current, ()) if p in spans and p not in seen
            and spans[p][1] <= start + SLACK
        ]
        if not candidates:
            break
        current = max(candidates, key=lambda s: spans[s][1])
        path.append(current)
        seen.add(current)
    path.reverse()
    return path
