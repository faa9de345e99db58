"""Live mode: nothing runs until the operator types the project id; LIVE is on the screen."""

from __future__ import annotations

import json

import pytest
from ui_pilot import console_for, question, select, start_session, until
from ui_recorded import UI_RUNBOOKS

RUNBOOK = UI_RUNBOOKS / "ui-failover.yaml"


@pytest.fixture(autouse=True)
def credentials(monkeypatch, tmp_path):
    """Application Default Credentials that load (a live session checks them before it opens)."""
    key = tmp_path / "adc.json"
    key.write_text(json.dumps({"type": "authorized_user", "client_id": "id.example",
                               "client_secret": "not-a-secret", "refresh_token": "none"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))


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
        assert banner.startswith(" LIVE · Promote the replica")
        assert "acme-prod" in banner and "REAL CHANGES" in banner
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


async def test_a_confirm_question_is_answered_only_with_the_name_typed(replay_app):
    import asyncio

    from ui_recorded import mid_run

    from drp_console.engine.responder import Question
    from drp_console.ui.responder import UIResponder

    recorder = mid_run("live")
    recorder.add("waiting", step="promote", kind="confirm", role="dba",
                 prompt="Promote orders-db-replica-ew4", options=["go", "cancel"], checklist=[],
                 recommended=None)
    app = replay_app(recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        screen.responder = UIResponder()
        asked = asyncio.ensure_future(screen.responder.ask(Question(
            step="promote", kind="confirm", prompt="Promote orders-db-replica-ew4", role="dba",
            options=("go", "cancel"), expected="orders-db-replica-ew4")))
        await pilot.pause()
        await select(pilot, screen, "promote")
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query("#typed")), "the confirm dialog")
        await pilot.press(*"orders-db", "enter")
        await pilot.pause(0.2)
        assert not asked.done(), "a wrong name must not let the step act"
        app.screen.query_one("#typed").value = ""
        await pilot.press(*"orders-db-replica-ew4", "enter")
        await until(pilot, asked.done, "the answer")
    answer = asked.result()
    assert (answer.value, answer.typed, answer.by) == ("go", "orders-db-replica-ew4", "ana")
