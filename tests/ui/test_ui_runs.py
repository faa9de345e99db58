"""Whole simulated runs driven through the console's keys: the real engine, journal and simulator."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_pilot import (
    answer_everything,
    click_button,
    console_for,
    give_name,
    question,
    resume_session,
    run_in_a_terminal,
    select,
    start_session,
    until,
)
from ui_recorded import UI_RUNBOOKS

from drp_console.journal.events import JOURNAL_NAME
from drp_console.ui.step_view import status_word

RUNBOOK = UI_RUNBOOKS / "ui-failover.yaml"
SCENARIO = UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml"
EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "runbooks").glob("*.yaml"))


def journal_types(session) -> list[str]:
    return [e["type"] for e in session.journal.events()]


@pytest.mark.slow
async def test_full_run_with_checklist_approval_retry_skip_note_and_decision(runs_dir):
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare to wait")
        # enter refuses until every checklist item is ticked
        await select(pilot, screen, "declare")
        await pilot.press("x", "enter")
        await pilot.pause(0.2)
        assert question(screen, "declare") is not None
        await pilot.press("x", "enter")
        await until(pilot, lambda: screen.state.steps["declare"].status == "succeeded", "declare")
        assert "declared" in screen.state.milestones

        await until(pilot, lambda: question(screen, "go-no-go"), "approval")
        await select(pilot, screen, "go-no-go")
        await pilot.press("a")
        await until(pilot, lambda: bool(app.screen.query("#approve")), "approval dialog")
        await click_button(pilot, "#approve")

        # the injected 503 fails promote (one attempt allowed): the operator retries it
        await until(pilot, lambda: question(screen, "promote", "failed"), "promote to fail")
        await select(pilot, screen, "promote")
        await until(pilot, lambda: (screen.state.steps["promote"].error or {}).get("http_status")
                    == 503, "the 503 in the detail")
        await pilot.press("r")

        # skip the parallel manual step, with a reason
        await until(pilot, lambda: question(screen, "tell-dpo"), "tell-dpo to wait")
        await select(pilot, screen, "tell-dpo")
        await pilot.press("s")
        await until(pilot, lambda: bool(app.screen.query("#reason")), "skip dialog")
        await pilot.press(*"DPO already on the call", "enter")

        # a note, tagged
        await pilot.press("n")
        await until(pilot, lambda: bool(app.screen.query("#note")), "note dialog")
        app.screen.query_one("#tag").query("RadioButton")[1].value = True  # decision
        app.screen.query_one("#note").focus()
        await pilot.press(*"promoting despite lag", "enter")

        await until(pilot, lambda: question(screen, "keep"), "decision", timeout=60)
        await select(pilot, screen, "keep")
        await pilot.press("d")
        await until(pilot, lambda: bool(app.screen.query("#opt-0")), "decision dialog")
        await pilot.press("1")
        await until(pilot, lambda: screen.state.finished, "the end", timeout=60)
        steps = screen.state.steps
        assert screen.state.status == "succeeded"
        assert steps["promote"].attempts == 2 and steps["promote"].status == "succeeded"
        assert steps["tell-dpo"].status == "skipped"
        assert "DPO already on the call" in steps["tell-dpo"].reason
        assert steps["fail-back"].status == "skipped" and steps["verify"].status == "succeeded"
        await until(pilot, lambda: (session.run_dir / "report.md").exists(), "the reports")
        assert "Post-incident report" in (session.run_dir / "report.md").read_text()
    events = session.journal.events()
    from drp_console.journal.state import RunState

    state = RunState.fold(events)
    assert {sid: s.status for sid, s in steps.items()} == \
        {sid: state.step(sid).status for sid in steps}
    approvals = [e for e in events if e["type"] == "answered" and e["kind"] == "approval"]
    assert approvals[0]["answer"] == "approve" and approvals[0]["by"] == "ana"
    assert approvals[0]["role"] == "commander"
    notes = [e for e in events if e["type"] == "note"]
    assert notes[0]["text"] == "promoting despite lag" and notes[0]["tag"] == "decision"
    manual = [e for e in events if e["type"] == "answered" and e["step"] == "declare"]
    assert manual[0]["checklist"] == ["Incident channel open", "DBA paged"]
    assert journal_types(session)[-1] == "run_finished"


@pytest.mark.slow
async def test_quit_mid_run_then_resume_to_the_end(runs_dir):
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    run_dir = session.run_dir
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await pilot.press("x", "x", "enter")
        await until(pilot, lambda: question(screen, "go-no-go"), "approval")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "the app to exit", timeout=15)
    assert app.return_code == 0
    assert app.resume_hint.endswith(f"drp resume {session.ctx.run_id}")
    from drp_console.journal import read_events

    types = [e["type"] for e in read_events(Path(run_dir) / JOURNAL_NAME)]
    assert "run_finished" not in types and types.count("step_finished") == 2

    resumed = resume_session(run_dir, runs_dir)
    app = console_for(resumed)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: screen.state.steps["declare"].status == "succeeded",
                    "history from the journal")
        done = await answer_everything(pilot, screen)
        assert screen.state.status == "succeeded"
    assert "approval:go-no-go" in done and "manual:declare" not in done
    types = [e["type"] for e in read_events(Path(run_dir) / JOURNAL_NAME)]
    assert "run_resumed" in types and types[-1] == "run_finished"


async def test_training_run_ends_on_the_score_card(runs_dir):
    from drp_console.ui.screens.score_card import ScoreCardScreen

    session = start_session(RUNBOOK, runs_dir, mode="training", scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        assert "Why (training)" in screen.query_one("#detail")._shown_md
        await answer_everything(pilot, screen)
        await until(pilot, lambda: isinstance(app.screen, ScoreCardScreen), "the score card")
        card = app.screen.score
        assert card.decisions == [("keep", "keep", "keep", True)]
        assert card.points == 100


@pytest.mark.slow
@pytest.mark.parametrize("runbook", EXAMPLES, ids=[p.stem for p in EXAMPLES])
async def test_each_example_runbook_runs_to_the_end_through_the_keys(runbook, runs_dir, sped_up):
    session = start_session(runbook, runs_dir, scenario=sped_up(runbook))
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        await answer_everything(pilot, app.screen)
        assert app.screen.state.status == "succeeded", app.screen.state.reason


async def test_milestone_pause_and_unpause_from_the_keys(runs_dir):
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await pilot.press("m")
        await until(pilot, lambda: bool(app.screen.query("#milestone")), "milestone dialog")
        await pilot.press(*"detected", "enter")
        await until(pilot, lambda: "detected" in screen.state.milestones, "the milestone")
        await pilot.press("p")
        await until(pilot, lambda: screen.state.status == "paused", "pause")
        # the banner is redrawn by the 4 Hz refresh, not on the event itself
        await until(pilot, lambda: "PAUSED" in str(screen.query_one("#mode-banner").render()),
                    "the PAUSED banner")
        await pilot.press("x", "x", "enter")
        await until(pilot, lambda: screen.state.steps["declare"].status == "succeeded", "declare")
        await pilot.pause(0.5)
        assert screen.state.steps["check-primary"].status == "pending", "paused: nothing new starts"
        await pilot.press("p")
        await until(pilot, lambda: screen.state.steps["check-primary"].status == "succeeded",
                    "the run to go on after unpause")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "exit")
    from drp_console.journal import read_events
    from drp_console.journal.events import JOURNAL_NAME

    events = read_events(session.run_dir / JOURNAL_NAME)
    types = [e["type"] for e in events]
    assert "run_paused" in types and "run_unpaused" in types
    assert any(e["type"] == "milestone" and e["name"] == "detected" and e["source"] == "operator"
               for e in events)



@pytest.mark.slow
async def test_unknown_step_after_a_crash_is_reconciled_in_the_console(runs_dir):
    import os

    import warm_drp  # a `drp` process of its own, started warm

    env = dict(os.environ, DRP_TEST_CRASH_AT="call_intent:1", DRP_RUNS_DIR=str(runs_dir))
    crashed = warm_drp.run(["run", str(RUNBOOK), "--scenario", str(SCENARIO), "--headless",
                            "--auto-approve", "--operator", "ana"], env, 120)
    assert crashed.returncode == -9, crashed.stdout  # killed right after journaling the intent
    [run_dir] = list(runs_dir.iterdir())

    session = resume_session(run_dir, runs_dir)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "promote", "unknown"), "promote UNKNOWN")
        await until(pilot, lambda: status_word(screen.state.steps["promote"]) == "UNKNOWN",
                    "the table to show UNKNOWN")
        await select(pilot, screen, "promote")
        await pilot.press("u")
        await until(pilot, lambda: bool(app.screen.query("#verified")), "the UNKNOWN dialog")
        await click_button(pilot, "#verified")
        await answer_everything(pilot, screen)
        assert screen.state.status == "succeeded"
    answers = [e for e in session.journal.events()
               if e["type"] == "answered" and e["kind"] == "unknown"]
    assert answers and answers[0]["answer"] == "verified" and answers[0]["by"] == "ana"


async def test_enter_and_space_work_with_the_focus_in_the_detail_pane(runs_dir):
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare to wait")
        await select(pilot, screen, "declare")
        await pilot.pause(0.3)
        await pilot.press("tab", "tab")  # as the QA did: the focus leaves the steps table
        assert app.focused is not screen.query_one("StepTable")
        await pilot.press("x", "x", "space")
        await until(pilot, lambda: screen.state.steps["declare"].status == "succeeded",
                    "declare done with the focus in the detail pane")
        assert screen.state.steps["declare"].status == "succeeded"


def test_quitting_an_unfinished_run_prints_how_to_resume(runs_dir, monkeypatch, capsys):
    async def operator(pilot) -> None:  # the keys a person presses in the terminal
        await give_name(pilot)
        screen = pilot.app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await pilot.press("q")
        await until(pilot, lambda: bool(pilot.app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")

    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    code = run_in_a_terminal(monkeypatch, session, operator)
    assert code == 0
    assert f"drp resume {session.ctx.run_id}" in capsys.readouterr().out


async def test_an_action_note_keeps_its_owner_and_due_date_in_the_journal(runs_dir):
    """Issue 14: the note dialog's owner and due date reach the journal (and so the report)."""
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await pilot.press("n")
        await until(pilot, lambda: bool(app.screen.query("#note")), "note dialog")
        app.screen.query_one("#tag").query("RadioButton")[3].value = True  # action
        await pilot.pause()
        app.screen.query_one("#note").focus()
        await pilot.press(*"alert on replica lag")
        app.screen.query_one("#owner").focus()
        await pilot.press(*"dana")
        app.screen.query_one("#due").focus()
        await pilot.press(*"2026-12-15", "enter")
        await until(pilot, lambda: any(e["type"] == "note" for e in session.journal.events()),
                    "the note journaled")
    note = next(e for e in session.journal.events() if e["type"] == "note")
    assert (note["tag"], note["text"], note.get("owner"), note.get("due")) == (
        "action", "alert on replica lag", "dana", "2026-12-15")
