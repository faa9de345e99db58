"""The console has no fold of its own: `RunState` (journal) is the one model of a run."""

from __future__ import annotations

import ast
from pathlib import Path

from drp_console.journal.event_types import EventType

UI = Path(__file__).resolve().parents[2] / "drp_console" / "ui"
EVENT_NAMES = {str(t) for t in EventType}


def _reads_type(node: ast.AST) -> bool:
    """`x.get("type")` or `x["type"]`: an event's type."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            node.func.attr == "get" and node.args and \
            isinstance(node.args[0], ast.Constant) and node.args[0].value == "type":
        return True
    return isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and \
        node.slice.value == "type"


def _literals(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant)
            and isinstance(n.value, str)}


def test_no_ui_module_folds_events_or_spells_event_types():
    problems = []
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                    node.name in ("apply", "fold") or node.name.removeprefix("_on_") in EVENT_NAMES):
                problems.append(f"{path.relative_to(UI)}:{node.lineno}: defines {node.name}(): "
                                "a fold")
            if isinstance(node, ast.Compare) and any(
                    _reads_type(side) for side in (node.left, *node.comparators)):
                spelled = set().union(*(_literals(c) for c in (node.left, *node.comparators)))
                if spelled & EVENT_NAMES:
                    problems.append(f"{path.relative_to(UI)}:{node.lineno}: compares an event's "
                                    f"type with {sorted(spelled & EVENT_NAMES)}: use EventType")
    assert not (UI / "view_model.py").exists(), "ui/view_model.py (a second fold) is back"
    assert problems == []


def test_the_run_screen_keeps_the_journal_s_run_state():
    from drp_console.journal.state import RunState
    from drp_console.ui.screens.run_screen import RunScreen

    assert isinstance(RunScreen().state, RunState)
