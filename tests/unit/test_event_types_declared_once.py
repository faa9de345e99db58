"""Contract (issue 9): event-type names are spelled in one module, `journal/event_types.py`.

Every other module names an event type through `EventType` (or writes a typed record). The check
parses each module of `drp_console/` and fails on a string literal equal to an event type where
an event type is meant: compared with something, passed as the first argument of a journal
`write`/`write_sync`/engine `emit`, given as `type=`, or used as a key of a table that lists
event types. (The same words used as field names, e.g. a step's `status == "waiting"` or the
`restore_point` field of an operation's pending effects, are not event types; multi-word names
are checked everywhere, one-word names that double as statuses or kinds only where they meet
an event's `type`.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from drp_console.journal.event_types import EventType

ROOT = Path(__file__).resolve().parents[2] / "drp_console"
HOME = ROOT / "journal" / "event_types.py"
NAMES = frozenset(t.value for t in EventType)
# one-word names that are also step statuses, question kinds or stream names
AMBIGUOUS = frozenset({"waiting", "answered", "output", "milestone", "note", "warning"})
WRITERS = frozenset({"write", "write_sync", "emit"})


def _literal(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in NAMES:
        return node.value
    return None


def _reads_type(node: ast.AST) -> bool:
    return any(
        (isinstance(n, ast.Constant) and n.value == "type")
        or (isinstance(n, ast.Attribute) and n.attr == "TYPE")
        for n in ast.walk(node))


def findings(source: str) -> list[str]:
    """Where a module spells an event type (line: how)."""
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            typed = any(_reads_type(o) for o in operands)
            for o in operands:
                for sub in ast.walk(o):
                    name = _literal(sub)
                    if name and (typed or name not in AMBIGUOUS):
                        out.append(f"{line}: compares with {name!r}")
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in WRITERS and node.args:
                name = _literal(node.args[0])
                if name:
                    out.append(f"{line}: writes {name!r} as a bare string")
            for kw in node.keywords:
                name = _literal(kw.value)
                if kw.arg == "type" and name:
                    out.append(f"{line}: type={name!r}")
        elif isinstance(node, ast.Dict):
            named = [_literal(k) for k in node.keys if k is not None]
            if sum(1 for n in named if n and n not in AMBIGUOUS) >= 2:
                out.append(f"{line}: a table keyed by event types")
    return out


def test_event_type_names_are_spelled_only_in_event_types() -> None:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        if path == HOME:
            continue
        rel = path.relative_to(ROOT.parent).as_posix()
        found += [f"{rel}:{f}" for f in findings(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("source", [
    'if event.get("type") == "step_finished": pass',
    'if e["type"] in ("note", "warning"): pass',
    'journal.write_sync("run_resumed", host="h", pid=1)',
    'await self.emit("attempt_failed", step="a")',
    'handlers = {"step_started": a, "step_finished": b}',
    'if kind == "call_intent": pass',
])
def test_the_check_finds_a_bare_event_type(source: str) -> None:
    assert findings(source)


@pytest.mark.parametrize("source", [
    'if event.get("type") == EventType.STEP_FINISHED: pass',
    'if step.status == "waiting": pass',
    'if question.kind == "note": pass',
    'point = pending.get("restore_point")',
    'await self.emit(StepStarted(step="a", attempt=1))',
])
def test_the_check_leaves_other_uses_alone(source: str) -> None:
    assert findings(source) == []
