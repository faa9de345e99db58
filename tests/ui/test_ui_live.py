"""Live mode: nothing runs until the operator types the project id; LIVE is on the screen."""

from __future__ import annotations

from conftest import UI_RUNBOOKS
from ui_pilot import console_for, question, start_session, until

RUNBOOK = UI_RUNBOOKS / "ui-failover.yaml"


def _types(session) -> list[str]:
    from drp_console.journal import read_events
    from drp_console.journal.events import JOURNAL_NAME

    return [e["type"] for e in read_events(session.run_dir / JOURNAL_NAME)]


async def test_live_run_waits_for_the_project_id_typed(runs_dir):
    session = start_session(RUNBOOK, runs_dir, mode="live")
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#typed")), "the project confirmation")
        run = app.screen_stack[1]
        banner = str(run.query_one("#mode-banner").render())
        assert banner.startswith(" LIVE · acme-prod") and "REAL CHANGES" in banner
        assert run.query_one("#mode-banner").has_class("mode-live")
        await pilot.press(*"acme-stage", "enter")
        await pilot.pause(0.3)
        assert "step_started" not in _types(session), "nothing may start before the id is typed"
        app.screen.query_one("#typed").value = ""
        await pilot.press(*"acme-prod", "enter")
        await until(pilot, lambda: question(run, "declare"), "the first step to wait")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "exit")


async def test_live_run_cancelled_at_the_project_id_starts_nothing(runs_dir):
    session = start_session(RUNBOOK, runs_dir, mode="live")
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#typed")), "the project confirmation")
        await pilot.press("escape")
        await until(pilot, lambda: not app.is_running, "exit")
    assert _types(session) == ["run_started"]
