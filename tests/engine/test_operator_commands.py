"""Operator commands on a running engine: pause/unpause, skip, retry, stop, note, milestone,
checklist ticks."""

from __future__ import annotations

import asyncio
import sys

from engine_helpers import ScriptedResponder, engine_for, finished, runbook, types


def manual(id: str, **kw):
    return {"id": id, "title": id, "type": "manual", **kw}


class Hold(ScriptedResponder):
    """Never answers the steps in `hold`; calls `on_ask(question)` for every question."""

    def __init__(self, hold=(), on_ask=None, script=None):
        super().__init__(script)
        self.hold = set(hold)
        self.on_ask = on_ask

    async def ask(self, q):
        if self.on_ask is not None:
            self.on_ask(q)
        if q.step in self.hold:
            await asyncio.Event().wait()
        return await super().ask(q)


def drive(eng, *actions):
    """Run the engine while `actions` (coroutine functions taking the engine) run beside it."""
    async def main():
        side = [asyncio.ensure_future(a(eng)) for a in actions]
        state = await eng.run()
        await asyncio.gather(*side)
        return state
    return asyncio.run(main())


def test_pause_holds_new_steps_until_unpause(tmp_path):
    rb = runbook(manual("a"), manual("b"))
    eng = None

    def on_ask(q):
        if q.step == "a":
            eng.pause("coffee")

    eng = engine_for(rb, tmp_path, Hold(on_ask=on_ask))

    async def later(e):
        while not e.paused:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        assert "step_started" not in types(e, "b")  # a finished meanwhile, b waits
        await e.unpause()

    state = drive(eng, later)
    order = [(e["type"], e.get("step")) for e in eng.journal.events()]
    assert order.index(("run_unpaused", None)) < order.index(("step_started", "b"))
    assert order.index(("step_finished", "a")) < order.index(("run_unpaused", None))
    assert state.status == "succeeded"


def test_skip_a_pending_step_lets_its_dependents_run(tmp_path):
    rb = runbook(manual("a"), manual("b"), manual("c"))
    eng = None

    def on_ask(q):
        if q.step == "a":
            assert eng.skip("b", "done by hand earlier")

    eng = engine_for(rb, tmp_path, Hold(on_ask=on_ask))
    drive(eng)
    done = finished(eng)
    assert done["b"][0] == "skipped" and "done by hand earlier" in done["b"][1]
    assert done["c"][0] == "succeeded"


def test_skip_a_step_waiting_for_people(tmp_path):
    eng = engine_for(runbook(manual("a"), manual("b")), tmp_path, Hold(hold={"a"}))

    async def skip_it(e):
        while e.waiting_question("a") is None:
            await asyncio.sleep(0.01)
        assert e.skip("a", "nobody around")

    state = drive(eng, skip_it)
    assert finished(eng)["a"][0] == "skipped"
    assert finished(eng)["b"][0] == "succeeded"
    assert state.status == "succeeded"


def test_tick_journals_one_checklist_item_at_a_time(tmp_path):
    from drp_console.journal.state import RunState

    eng = engine_for(runbook(manual("a", checklist=["one", "two"])), tmp_path, Hold(hold={"a"}))
    seen = []

    async def tick_then_skip(e):
        assert e.tick("a", 0) is False  # nothing asked yet
        while e.waiting_question("a") is None:
            await asyncio.sleep(0.01)
        assert e.tick("a", 2) is False  # no such item
        await e.tick("a", 1)
        seen.append(RunState.fold(e.journal.events()).steps["a"].checklist_ticked)
        await e.tick("a", 1, False, by="bo")
        seen.append(RunState.fold(e.journal.events()).steps["a"].checklist_ticked)
        e.skip("a", "done by hand")

    drive(eng, tick_then_skip)
    ticks = [(t["item"], t["text"], t["checked"], t["by"]) for t in eng.journal.events()
             if t["type"] == "checklist_ticked"]
    assert ticks == [(1, "two", True, "tester"), (1, "two", False, "bo")]
    assert seen == [[False, True], [False, False]]


def test_retry_answers_the_failed_question(tmp_path):
    marker = tmp_path / "second-time"
    code = (f"import os, sys; p={str(marker)!r}; ok=os.path.exists(p); open(p,'w').close(); "
            "sys.exit(0 if ok else 4)")
    rb = runbook({"id": "flaky", "title": "f", "type": "shell", "run": [sys.executable, "-c", code]})
    eng = engine_for(rb, tmp_path, Hold(hold={"flaky"}))

    async def retry_it(e):
        while (q := e.waiting_question("flaky")) is None or q.kind != "failed":
            await asyncio.sleep(0.01)
        assert e.retry("flaky")

    drive(eng, retry_it)
    assert finished(eng)["flaky"][0] == "succeeded"
    assert [e["attempt"] for e in eng.journal.events() if e["type"] == "step_started"] == [1, 2]


def test_stop_leaves_the_run_resumable(tmp_path):
    eng = engine_for(runbook(manual("a")), tmp_path, Hold(hold={"a"}))

    async def stop_it(e):
        while e.waiting_question("a") is None:
            await asyncio.sleep(0.01)
        await e.note("leaving for the war room", "action", step="a")
        await e.milestone("detected")
        e.stop()

    state = drive(eng, stop_it)
    assert "run_finished" not in types(eng)
    assert state.status == "running"
    assert "detected" in state.milestones
    assert state.notes and state.notes[0]["text"] == "leaving for the war room"


def test_an_action_note_journals_its_owner_and_due_date_and_a_plain_note_does_not(tmp_path):
    eng = engine_for(runbook(manual("a")), tmp_path, Hold(hold={"a"}))

    async def notes(e):
        while e.waiting_question("a") is None:
            await asyncio.sleep(0.01)
        await e.note("alert on replica lag", "action", step="a", owner="dana", due="2026-12-15")
        await e.note("lag was 3 s", "observation")
        e.stop()

    state = drive(eng, notes)
    written = [e for e in eng.journal.events() if e["type"] == "note"]
    assert (written[0]["owner"], written[0]["due"]) == ("dana", "2026-12-15")
    assert "owner" not in written[1] and "due" not in written[1]
    assert (state.notes[0]["owner"], state.notes[1]["owner"]) == ("dana", None)
