"""A step's path through the engine: the end of a step, the start of the next and its call
intent in one commit; nothing run when that commit fails; a held-back event written even when
nothing follows it; shell processes watched with or without a pidfd."""

from __future__ import annotations

import asyncio
import errno
import os
import sys
from pathlib import Path

import pytest
from engine_helpers import ScriptedResponder, engine_for, finished, run, runbook

from drp_console.engine.emitter import Emitter
from drp_console.journal import Journal, Redactor
from drp_console.journal.event_types import StepFinished, StepStarted
from drp_console.journal.events import JournalError


def sh(id: str, code: str, *args: str, **kw):
    return {"id": id, "title": id, "type": "shell", "run": [sys.executable, "-c", code, *args],
            **kw}


def test_a_steps_start_its_call_intent_and_the_end_before_it_are_one_commit(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    batches: list[list[tuple[str, str | None]]] = []
    committed = Journal._committed

    def record(self, batch):  # type: ignore[no-untyped-def]
        batches.append([(p.event["type"], p.event.get("step")) for p in batch])
        committed(self, batch)

    monkeypatch.setattr(Journal, "_committed", record)
    rb = runbook(sh("a", "pass"), sh("b", "pass"), sh("c", "pass"))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    assert run(eng).status == "succeeded"
    for before, step in zip(" ab", "abc", strict=True):
        (batch,) = [b for b in batches if ("step_started", step) in b]
        assert ("call_intent", step) in batch, batches
        if before.strip():  # the end of the step before it: one fsync per step
            assert ("step_finished", before) in batch, batches
    assert sum(len(b) for b in batches) == len(eng.journal.events())


def test_nothing_runs_when_the_start_and_intent_cannot_be_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "ran"
    rb = runbook(sh("touch", "import pathlib, sys; pathlib.Path(sys.argv[1]).touch()",
                    str(marker)))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    real_write = os.write

    def full_disk(fd: int, data) -> int:  # type: ignore[no-untyped-def]
        if b'"step_started"' in bytes(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(JournalError, match="No space left"):
        run(eng)
    assert not marker.exists()  # the write-ahead rule: no durable intent, no command
    assert [e["type"] for e in eng.journal.events()] == ["run_started"]


def test_shell_steps_without_a_pidfd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "pidfd_open", raising=False)  # as on macOS: a thread waits
    rb = runbook(sh("ok", "print('fine')"),
                 sh("bad", "import sys; print('broken', file=sys.stderr); sys.exit(3)"))
    eng = engine_for(rb, tmp_path, ScriptedResponder())
    run(eng)
    done = finished(eng)
    assert done["ok"][0] == "succeeded"
    assert done["bad"] == ("failed", f"{sys.executable} exited with status 3: broken")


def test_shell_env_cwd_and_a_command_that_cannot_start(tmp_path: Path) -> None:
    code = "import os; print(os.environ['STEP_T'], os.getcwd(), os.environ.get('HOME') is not None)"
    rb = runbook(sh("env", code, env={"STEP_T": "{{ params.name }}"}, cwd=str(tmp_path)),
                 {"id": "missing", "title": "missing", "type": "shell",
                  "run": [str(tmp_path / "no-such-command")]})
    eng = engine_for(rb, tmp_path, ScriptedResponder(), params={"name": "seen"})
    run(eng)
    outputs = [e["text"] for e in eng.journal.events() if e["type"] == "output"]
    assert outputs == [f"seen {tmp_path} True"]
    done = finished(eng)
    assert done["env"][0] == "succeeded"
    assert done["missing"][0] == "failed" and "cannot start" in done["missing"][1]


def test_a_staged_event_with_nothing_after_it_is_written_by_itself(tmp_path: Path) -> None:
    journal = Journal.create(tmp_path / "runs", "run-1", Redactor(), operator="tester")
    seen: list[tuple[str, str]] = []
    emitter = Emitter(journal, after_event=lambda e: seen.append(("hook", e["type"])))
    emitter.subscribe(lambda e: seen.append(("listener", e["type"])))

    async def main() -> None:
        emitter.stage(StepStarted(step="a", attempt=1))
        for _ in range(1000):  # nothing else is emitted: it is written on its own
            if seen:
                break
            await asyncio.sleep(0.01)
        await emitter.emit(StepFinished(step="a", status="succeeded", reason=None, outputs={},
                                        changed=False, attempts=1))

    try:
        asyncio.run(main())
    finally:
        journal.close()
    assert seen == [("hook", "step_started"), ("listener", "step_started"),
                    ("hook", "step_finished"), ("listener", "step_finished")]
    assert journal.commits == 2
