"""The composition root's hook: `after_event` sees every durable event, before the listeners."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine_helpers import ScriptedResponder, run, runbook
from engine_helpers import engine_for as _engine_for

from drp_console.engine.scheduler import Engine
from drp_console.runner.crash import crash_hook


def test_after_event_sees_each_durable_event_before_the_listeners(tmp_path: Path) -> None:
    rb = runbook({"id": "a", "title": "A", "type": "manual"},
                 {"id": "b", "title": "B", "type": "approval"})
    plain = _engine_for(rb, tmp_path, ScriptedResponder())
    seen: list[tuple[str, Any]] = []
    eng = Engine(plain.runbook, plain.ctx, plain.journal, None, plain.responder,
                 after_event=lambda e: seen.append(("hook", e["seq"])))
    eng.subscribe(lambda e: seen.append(("listener", e["seq"])))
    state = run(eng)
    assert state.status == "succeeded"
    written = [e["seq"] for e in eng.journal.events() if e["type"] != "run_started"]
    assert seen == [(who, seq) for seq in written for who in ("hook", "listener")]


def test_the_crash_hook_is_off_unless_asked_for() -> None:
    assert crash_hook(None) is None
    hook = crash_hook(("call_intent", 2))
    assert hook is not None
    hook({"type": "step_started"})  # other types are not counted; the first intent is not the 2nd
    hook({"type": "call_intent"})
