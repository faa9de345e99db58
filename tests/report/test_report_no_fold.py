"""Contract (issue 9): the report and the console are views of `RunState`, the one fold of a
run's journal; neither derives state from events itself.

Each module of `drp_console/report/` and `drp_console/ui/` is parsed and fails the contract when
it imports `journal.fold`, compares an event's `type` with an event type, dispatches on it
(`getattr(self, "_on_" + event["type"])`, `match event["type"]`, `_on_<event type>` methods), or
keys a table by event types. Event names live in `journal.event_types` only.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from drp_console.journal.event_types import EventType

ROOT = Path(__file__).resolve().parents[2] / "drp_console"
EVENT_NAMES = frozenset(t.value for t in EventType)
MEMBER_NAMES = frozenset(EventType.__members__)
ALLOWED: set[tuple[str, str]] = set()
"""(module, event type) pairs allowed: none (where a run's journal begins is the journal's
`events.from_run_start`)."""


def _type_read(node: ast.AST, aliases: frozenset[str] = frozenset()) -> bool:
    """`x.get("type", ...)`, `x["type"]`, or a name one of them was assigned to (`aliases`)."""
    if isinstance(node, ast.Name):
        return node.id in aliases
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return (node.func.attr == "get" and bool(node.args)
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == "type")
    return (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
            and node.slice.value == "type")


def _event_names(node: ast.AST) -> set[str]:
    """Event types a node names: a string literal equal to one, or `EventType.X` / `E.X`."""
    names: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and sub.value in EVENT_NAMES:
            names.add(sub.value)
        elif isinstance(sub, ast.Attribute) and sub.attr in MEMBER_NAMES:
            names.add(EventType[sub.attr].value)
    return names


def _aliases(tree: ast.AST) -> frozenset[str]:
    """Names assigned an event's type anywhere in the module (`kind = event.get("type")`,
    `kind, step = event.get("type"), ...`)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                pairs = ([(target, node.value)] if not isinstance(target, ast.Tuple)
                         else list(zip(target.elts, node.value.elts, strict=False))
                         if isinstance(node.value, ast.Tuple) else [])
                names.update(t.id for t, v in pairs if isinstance(t, ast.Name) and _type_read(v))
    return frozenset(names)


def _imports_fold(node: ast.AST) -> bool:
    """`import ...journal.fold`, `from ...journal.fold import ...`, `from ...journal import
    fold`, or an import of `HANDLERS`."""
    if isinstance(node, ast.Import):
        return any(a.name.endswith("journal.fold") for a in node.names)
    if not isinstance(node, ast.ImportFrom) or not node.module:
        return False
    names = {a.name for a in node.names}
    return (node.module.endswith("journal.fold") or "HANDLERS" in names
            or (node.module.endswith("journal") and "fold" in names))


def _findings_in(tree: ast.AST) -> list[tuple[int, str, str]]:
    """(line, what, event type or "") for each way the source folds events itself."""
    out: list[tuple[int, str, str]] = []
    aliases = _aliases(tree)
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if _imports_fold(node):
            out.append((line, "imports the journal's fold handlers", ""))
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_type_read(o, aliases) for o in operands):
                others = [o for o in operands if not _type_read(o, aliases)]
                for name in set().union(*(_event_names(o) for o in others)):
                    out.append((line, "compares an event's type", name))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
              and node.func.id in ("getattr", "hasattr") and any(
                _type_read(sub) for arg in node.args for sub in ast.walk(arg))):
            out.append((line, "builds a name from an event's type (dispatch)", ""))
        elif isinstance(node, ast.Match) and _type_read(node.subject, aliases):
            out.append((line, "matches on an event's type", ""))
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                node.name == f"_on_{name}" for name in EVENT_NAMES):
            out.append((line, "has a handler per event type", node.name[4:]))
        elif isinstance(node, ast.Dict):
            keys = [k for k in node.keys if k is not None]
            named = set().union(*(_event_names(k) for k in keys)) if keys else set()
            by_member = any(isinstance(k, ast.Attribute) and k.attr in MEMBER_NAMES for k in keys)
            if by_member or len(named) >= 3:
                out.append((line, "keys a table by event types", ", ".join(sorted(named))))
    return out


def _violations(package: str) -> list[str]:
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        module = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, what, name in _findings_in(tree):
            if (module, name) not in ALLOWED:
                found.append(f"drp_console/{module}:{line}: {what}" + (f" ({name})" if name else ""))
    return found


def test_the_report_is_a_view_of_run_state() -> None:
    assert _violations("report") == []


def test_the_console_is_a_view_of_run_state() -> None:
    assert _violations("ui") == []


@pytest.mark.parametrize("source, what", [
    ('if event.get("type") == "step_finished": pass', "compares an event's type"),
    ('if e["type"] in ("note", "warning"): pass', "compares an event's type"),
    ("if e.get('type') == EventType.MILESTONE: pass", "compares an event's type"),
    ('kind = event.get("type")\nif kind == "attempt_failed": pass', "compares an event's type"),
    ('kind, step = e.get("type"), e["step"]\nok = kind in ("note",)', "compares an event's type"),
    ('getattr(self, "_on_" + str(event.get("type")))', "builds a name"),
    ('getattr(self, f"_on_{e[\'type\']}")', "builds a name"),
    ("match event['type']:\n    case 'x': pass", "matches on an event's type"),
    ("def _on_run_paused(self, e): pass", "has a handler per event type"),
    ("H = {E.NOTE: f, E.WARNING: g}", "keys a table by event types"),
    ("from drp_console.journal.fold import HANDLERS", "imports the journal's fold"),
    ("from drp_console.journal import fold", "imports the journal's fold"),
])
def test_the_check_finds_a_fold(source: str, what: str) -> None:
    findings = _findings_in(ast.parse(source))
    assert any(w.startswith(what) for _, w, _ in findings), findings


@pytest.mark.parametrize("source", [
    'if step.get("type") == "decision": pass',  # a runbook step's type, not an event's
    'if row.status == "waiting": pass',
    "state = RunState.fold(events)",
    'STATUSES = {"waiting": 1, "running": 2}',
    'raise ValueError(f"event {e.get(\'seq\')} ({e.get(\'type\')}) is damaged")',
])
def test_the_check_leaves_views_alone(source: str) -> None:
    assert _findings_in(ast.parse(source)) == []
