"""Taking a shared run over from a joiner's console (`drp join`, then T) once its driver has gone
silent: the header says who drove and for how long, T asks for a confirmation, and the joiner's
console becomes the driver's, under the usual resume rules."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from test_pg_session import expire_lease, shared_runbook
from ui_pilot import select, until  # tests/ui: pyproject's pythonpath

from drp_console.journal.pg_lease import LeaseHeld
from drp_console.journal.pg_store import PgStore
from drp_console.journal.state import RunState
from drp_console.runner import joiner
from drp_console.runner.joiner import JoinSession
from drp_console.runner.session import RunSession
from drp_console.runner.takeover import DriverSilence, driver_silence, secret_names, take_over
from drp_console.ui.factory import make_app
from drp_console.ui.responder import UIResponder


def banner(app) -> str:
    return str(app.screen.query_one("#mode-banner").render())


@pytest.mark.slow
def test_a_joiner_takes_a_silent_drivers_run_over_from_the_console_and_finishes_it(
        journal_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(joiner, "LEASE_CHECK_SECONDS", 0.1)
    asyncio.run(takeover(journal_url, tmp_path))


async def takeover(journal_url: str, tmp_path: Path) -> None:
    driver = RunSession.start(shared_runbook(tmp_path), operator="alice",
                              runs_dir=tmp_path / "alice", journal_url=journal_url)
    run_id = driver.ctx.run_id
    engine = driver.engine(UIResponder())
    driving = asyncio.ensure_future(engine.run())
    joined = JoinSession(journal_url, run_id, operator="bob", runs_dir=tmp_path / "bob")
    app = make_app(session=joined, still=True, ask_operator=False, confirmed_project=True,
                   runbooks_dir=tmp_path / "none")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            screen = app.screen
            await until(pilot, lambda: screen.responder is not None and
                        screen.responder.question("declare") is not None, "declare to wait")
            await until(pilot, lambda: "alice drives" in banner(app), "the driver in the header")
            await pilot.press("T")  # alice's console is alive: nothing to take over
            await pilot.pause(0.1)
            assert not app.screen.query("#take-over")
            await select(pilot, screen, "declare")
            await pilot.press("x")  # bob ticks through alice's engine
            await until(pilot, lambda: any(screen.state.step("declare").checklist_ticked),
                        "the tick")
            # alice's machine dies: her engine stops, her heartbeat with it, the lease runs out
            engine.stop()
            await asyncio.wait_for(driving, 30)
            driver.journal.close(release=False)
            driver.journal = None
            driver.close()
            expire_lease(journal_url)
            await until(pilot, lambda: "alice silent for" in banner(app)
                        and "T takes over" in banner(app), "the offer in the header")
            await pilot.press("T")
            await until(pilot, lambda: bool(app.screen.query("#take-over")), "the dialog")
            dialog_text = " ".join(str(label.render()) for label in app.screen.query("Label"))
            assert "alice silent for" in dialog_text and "requestIds" in dialog_text
            await pilot.click("#take-over")
            await until(pilot, lambda: getattr(app.screen, "session", None) is not None
                        and app.screen.session is not joined
                        and app.screen.engine is not None, "bob's console to drive")
            screen = app.screen
            assert joined.taken_over and screen.session.journal.lease.holder == "bob"
            carol = JoinSession(journal_url, run_id, operator="carol", runs_dir=tmp_path / "c")
            try:
                with pytest.raises(LeaseHeld, match="driven by bob"):  # never two drivers
                    await asyncio.to_thread(take_over, carol)
            finally:
                carol.close()
            await finish(pilot, screen)
    finally:
        if not driving.done():
            engine.stop()
        driver.close()
        joined.close()
        app.close_sessions()
    with PgStore(journal_url) as store:
        events = store.events(run_id)
        lease = store.lease(run_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    resumed = [e for e in events if e["type"] == "run_resumed"]
    assert [e["operator"] for e in resumed] == ["bob"]  # the takeover, under bob's name
    assert resumed[0]["took_over_from"] == "alice"
    assert events[-1]["type"] == "run_finished" and events[-1]["status"] == "succeeded"
    ticks = [(e["item"], e["by"]) for e in events if e["type"] == "checklist_ticked"]
    assert ticks == [(0, "bob"), (1, "bob")]
    assert lease is not None and lease["token"] == 2 and lease["holder"] is None  # released


async def finish(pilot, screen) -> None:
    """Drive the rest of the run from bob's console."""
    await until(pilot, lambda: screen.responder is not None
                and screen.responder.question("declare") is not None, "declare again")
    await select(pilot, screen, "declare")
    await pilot.press("x")
    await until(pilot, lambda: all(screen.state.step("declare").checklist_ticked[:2])
                and len(screen.state.step("declare").checklist_ticked) >= 2, "both ticks")
    await pilot.press("enter")
    await until(pilot, lambda: screen.responder.question("go") is not None, "the approval")
    await select(pilot, screen, "go")
    await pilot.press("a")
    await until(pilot, lambda: bool(pilot.app.screen.query("#approve")), "approval dialog")
    await pilot.click("#approve")
    await until(pilot, lambda: screen.state.finished or
                screen.responder.question("check") is not None, "the read")
    if not screen.state.finished:  # the faulty world refuses the first read: retry it
        await select(pilot, screen, "check")
        await pilot.press("r")
    await until(pilot, lambda: screen.state.finished, "the end of the run")


def test_the_driver_silence_comes_from_the_lease() -> None:
    state = RunState.fold([{"seq": 1, "type": "run_started", "operator": "alice",
                            "run_id": "r", "runbook": {}, "runbook_doc": {},
                            "params": {"token": "***", "region": "eu"},
                            "secret_params": ["token"], "ts": "2026-11-29T12:00:00Z"}])
    alive = {"holder": "alice", "live": True, "silent": 1.0}
    assert driver_silence(alive, state) is None
    expired = driver_silence({"holder": "alice", "live": False, "silent": 17.4}, state)
    assert expired == DriverSilence("alice", 17.4, False)
    assert expired.text() == "alice silent for 17 s (lease expired)"
    left = driver_silence({"holder": None, "live": False, "silent": 3.0}, state)
    assert left is not None and left.text() == "alice left 3 s ago, nobody drives"
    assert secret_names(state) == ["token"]
    assert joiner.people_text([{"who": "bob", "role": "joiner"}], expired, offer=True) == \
        "alice silent for 17 s (lease expired): T takes over with bob"
    assert joiner.people_text([], holder="alice") == "alice drives"
