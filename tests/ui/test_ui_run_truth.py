"""The console shows what the journal holds, through real runs driven with the keys (issue 9:
rendered prompts after an answer, checklist ticks kept over quit and resume, decision options
in the pane before `d`)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_pilot import (
    answer_everything,
    click_button,
    console_for,
    question,
    resume_session,
    select,
    start_session,
    until,
)
from ui_recorded import UI_RUNBOOKS

RUNBOOKS = Path(__file__).resolve().parents[2] / "runbooks"
RESTORE = RUNBOOKS / "cloudsql-restore-backup.yaml"
FAILOVER = UI_RUNBOOKS / "ui-failover.yaml"
SCENARIO = UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml"


def pane_text(app) -> str:
    """The detail pane's words as shown: header, next action, body and facts."""
    pane = app.screen.query_one("#detail")
    parts = [str(pane.border_title)]
    parts += [str(pane.query_one(part).render()) for part in ("#detail-head", "#detail-next",
                                                              "#detail-facts")]
    parts.append(pane.query_one("#detail-instructions").source)
    return "\n".join(parts)


async def test_decision_options_are_in_the_pane_before_d_and_not_offered_is_in_words(runs_dir,
                                                                                     sped_up):
    """Issue 9, point 10."""
    session = start_session(RESTORE, runs_dir, scenario=sped_up(RESTORE))
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await answer_everything(pilot, screen, stop_at="choose")
        await select(pilot, screen, "choose")
        await until(pilot, lambda: "choose ·" in pane_text(app) and "Options" in pane_text(app),
                    "the decision in the pane")
        text = pane_text(app)
        assert "restore the last good backup → `approve-restore`" in text
        assert "clone to a point in time → `clone-pitr`: not offered" in text
        assert "recover_to is not set" in text  # why, in words
        assert "*" not in text.replace("**Options**", "")
        assert "!=" not in text and "params." not in text


@pytest.mark.slow  # the whole runbook through the keys
async def test_an_approved_step_shows_its_prompt_rendered_not_the_template(runs_dir, sped_up):
    """Issue 9, point 2: after `approve-restore` is approved, the pane shows the values."""
    session = start_session(RESTORE, runs_dir, scenario=sped_up(RESTORE))
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await answer_everything(pilot, screen)  # to the end: the run closed, the pane stays true
        backup = str(screen.state.steps["list-backups"].outputs["backup_id"])
        assert screen.state.steps["approve-restore"].status == "succeeded"
        await select(pilot, screen, "approve-restore")
        await until(pilot, lambda: "approve-restore ·" in pane_text(app), "approve-restore")
        await pilot.pause(0.3)
        text = pane_text(app)
        assert f"with backup {backup}" in " ".join(text.split())
        assert "{{" not in text and "steps[" not in text


async def test_checklist_ticks_are_journaled_one_by_one_and_kept_over_quit_and_resume(runs_dir):
    """Issue 9, point 3: tick, quit, resume: the tick is still there."""
    session = start_session(FAILOVER, runs_dir, scenario=SCENARIO)
    run_dir = session.run_dir
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await select(pilot, screen, "declare")
        await pilot.press("x")
        await until(pilot, lambda: screen.state.steps["declare"].checklist_ticked == [True, False],
                    "the tick journaled")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "the app to exit", timeout=15)
    ticks = [e for e in session.journal.events() if e["type"] == "checklist_ticked"]
    assert [(e["step"], e["item"], e["text"], e["checked"], e["by"]) for e in ticks] == \
        [("declare", 0, "Incident channel open", True, "ana")]

    resumed = resume_session(run_dir, runs_dir)
    app = console_for(resumed)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare asked again")
        await select(pilot, screen, "declare")
        checklist = screen.query_one("#detail-checklist")
        await until(pilot, lambda: checklist.border_title == "Checklist 1/2", "the kept tick")
        assert checklist.selected == [0]
        await pilot.press("x", "enter")
        await until(pilot, lambda: screen.state.steps["declare"].status == "succeeded", "declare")
    answers = [e for e in resumed.journal.events()
               if e["type"] == "answered" and e["step"] == "declare"]
    assert answers[-1]["checklist"] == ["Incident channel open", "DBA paged"]


async def test_a_click_unticks_an_item_and_the_journal_says_so(runs_dir):
    session = start_session(FAILOVER, runs_dir, scenario=SCENARIO)
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        await select(pilot, screen, "declare")
        await pilot.press("x", "x")
        await until(pilot, lambda: screen.state.steps["declare"].checklist_ticked == [True, True],
                    "both ticked")
        await until(pilot, lambda: len(screen.query(".checklist-item")) == 2, "the items")
        await click_button(pilot, ".checklist-item")
        await until(pilot, lambda: screen.state.steps["declare"].checklist_ticked == [False, True],
                    "the first unticked")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert question(screen, "declare") is not None  # not all ticked: not done
    ticks = [(e["item"], e["checked"]) for e in session.journal.events()
             if e["type"] == "checklist_ticked"]
    assert ticks == [(0, True), (1, True), (0, False)]
