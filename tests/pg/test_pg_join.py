"""`drp join`: a second console on a shared run, acting through the driver's engine."""

from __future__ import annotations

import asyncio
from pathlib import Path

from test_pg_session import shared_runbook  # tests/pg is on sys.path
from ui_pilot import select, until  # tests/ui: pyproject's pythonpath

from drp_console.journal.pg_store import PgStore
from drp_console.runner.joiner import JoinSession
from drp_console.runner.session import RunSession
from drp_console.ui.factory import make_app
from drp_console.ui.responder import UIResponder


def test_a_joiner_ticks_and_approves_and_the_driver_journals_it_under_their_name(
        journal_url: str, tmp_path: Path) -> None:
    asyncio.run(joiner_and_driver(journal_url, tmp_path))


async def joiner_and_driver(journal_url: str, tmp_path: Path) -> None:
    driver = RunSession.start(shared_runbook(tmp_path), operator="alice",
                              runs_dir=tmp_path / "alice", journal_url=journal_url)
    run_id = driver.ctx.run_id
    engine = driver.engine(UIResponder())
    driving = asyncio.ensure_future(engine.run())
    joined = JoinSession(journal_url, run_id[:22], operator="bob", runs_dir=tmp_path / "bob")
    app = make_app(session=joined, still=True, ask_operator=False, confirmed_project=True,
                   runbooks_dir=tmp_path / "none")
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            await until(pilot, lambda: screen.responder is not None and
                        screen.responder.question("declare") is not None, "declare to wait")
            await select(pilot, screen, "declare")
            await pilot.press("x")
            await until(pilot, lambda: len(engine.state().step("declare").checklist_ticked) >= 1
                        and all(engine.state().step("declare").checklist_ticked[:1]),
                        "the driver to journal the first tick")
            await pilot.press("x")
            await until(pilot, lambda: sum(screen.state.step("declare").checklist_ticked) == 2,
                        "both ticks on the joiner's screen")
            await pilot.press("enter")
            await until(pilot, lambda: engine.waiting_question("go") is not None, "the approval")
            await until(pilot, lambda: screen.responder.question("go") is not None,
                        "the approval on the joiner's screen")
            await select(pilot, screen, "go")
            await pilot.press("a")
            await until(pilot, lambda: bool(app.screen.query("#approve")), "approval dialog")
            await pilot.click("#approve")
            await until(pilot, lambda: engine.waiting_question("check") is not None,
                        "the failed read")
            await until(pilot, lambda: screen.state.step("check").status == "waiting",
                        "the failure on the joiner's screen")
            await select(pilot, screen, "check")
            await pilot.press("r")
            state = await asyncio.wait_for(asyncio.shield(driving), 60)
            await until(pilot, lambda: screen.state.finished, "the end on the joiner's screen")
            assert "alice drives with bob" in str(screen.query_one("#mode-banner").render())
    finally:
        if not driving.done():
            engine.stop()
        driver.close()
        joined.close()
    assert state.status == "succeeded"
    with PgStore(journal_url) as store:
        events = store.events(run_id)
    ticks = [(e["item"], e["by"], e["operator"]) for e in events if e["type"] == "checklist_ticked"]
    assert ticks == [(0, "bob", "bob"), (1, "bob", "bob")]
    answers = {e["step"]: (e["answer"], e["by"]) for e in events if e["type"] == "answered"}
    assert answers == {"declare": ("done", "bob"), "go": ("approve", "bob"),
                       "check": ("retry", "bob")}
    assert screen.state.last_seq == events[-1]["seq"]  # the joiner saw every event


def test_join_says_what_is_wrong_in_one_sentence(journal_url: str, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from drp_console.cli import cli

    res = CliRunner().invoke(cli, ["join", "nope", "--journal", journal_url, "--runs-dir",
                                   str(tmp_path)])
    assert res.exit_code == 2 and "no run matches 'nope'" in res.output
    res = CliRunner().invoke(cli, ["join", "nope", "--runs-dir", str(tmp_path)],
                             env={"DRP_JOURNAL": ""})
    assert res.exit_code == 2 and "--journal URL or DRP_JOURNAL" in res.output
