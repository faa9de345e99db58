"""Each dialog returns a typed reply, and refuses until what it needs is given."""

from __future__ import annotations

import pytest

from drp_console.ui.dialogs.modals import (
    ApprovalDialog,
    ConfirmDialog,
    DecisionDialog,
    MilestoneDialog,
    NoteDialog,
    QuitDialog,
    ReasonDialog,
    Reply,
    UnknownDialog,
)


async def _click(pilot, selector):
    """Click, then let the button's press effect pass (it ignores clicks while it lasts)."""
    await pilot.click(selector)
    await pilot.pause(0.25)


async def _open(app, pilot, dialog):
    results: list = []
    app.push_screen(dialog, results.append)
    await pilot.pause()
    return results


async def test_approval_needs_a_name_and_a_reason_to_reject(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, ApprovalDialog("go-no-go", "Promote?", "commander", ""))
        await _click(pilot, "#approve")
        assert results == [] and "name" in str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#approver").value = "ana"
        await _click(pilot, "#reject")
        assert results == []
        app.screen.query_one("#reason").value = "replica lag too high"
        await _click(pilot, "#reject")
        await pilot.pause()
    assert results == [Reply("reject", by="ana", role="commander", reason="replica lag too high")]


async def test_approval_approves_with_the_prefilled_name(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, ApprovalDialog("go-no-go", "Promote?", "commander",
                                                         "ana"))
        await _click(pilot, "#approve")
        await pilot.pause()
    assert results[0].value == "approve" and results[0].by == "ana"


async def test_decision_by_number_key(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, DecisionDialog("keep", "Keep?", ["keep", "fail back"],
                                                         "keep", True, "ana"))
        assert "recommended" in str(app.screen.query_one("#opt-0").label)
        await pilot.press("2")
        await pilot.pause()
    assert results == [Reply("fail back", by="ana")]


async def test_decision_hides_the_recommendation_outside_training(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await _open(app, pilot, DecisionDialog("keep", "Keep?", ["keep", "fail back"], "keep",
                                               False, "ana"))
        assert "recommended" not in str(app.screen.query_one("#opt-0").label)


async def test_confirm_needs_the_exact_name(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, ConfirmDialog("promote", "orders-db-replica-ew4", "ana"))
        await pilot.press(*"orders-db")
        await pilot.press("enter")
        assert results == []
        assert "not" in str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#typed").value = "orders-db-replica-ew4"
        await pilot.press("enter")
        await pilot.pause()
    assert results == [Reply("go", by="ana", typed="orders-db-replica-ew4")]


async def test_confirm_escape_cancels(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, ConfirmDialog("promote", "x", "ana"))
        await pilot.press("escape")
        await pilot.pause()
    assert results == [None]


async def test_skip_needs_a_reason(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, ReasonDialog("smoke-test", "ana"))
        await pilot.press("enter")
        assert results == []
        await pilot.press(*"endpoint is down anyway", "enter")
        await pilot.pause()
    assert results == [Reply("skip", by="ana", reason="endpoint is down anyway")]


async def test_note_with_a_tag(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, NoteDialog("promote", "ana"))
        app.screen.query_one("#tag").query("RadioButton")[2].value = True  # blocker
        app.screen.query_one("#note").focus()
        await pilot.press(*"waiting on network team", "enter")
        await pilot.pause()
    assert results == [Reply("blocker", by="ana", text="waiting on network team")]


async def test_an_action_note_asks_its_owner_and_due_date(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, NoteDialog("promote", "ana"))
        assert not app.screen.query_one("#action-fields").display
        app.screen.query_one("#tag").query("RadioButton")[3].value = True  # action
        await pilot.pause()
        assert app.screen.query_one("#action-fields").display
        app.screen.query_one("#note").focus()
        await pilot.press(*"alert on replica lag")
        app.screen.query_one("#owner").focus()
        await pilot.press(*"dana")
        app.screen.query_one("#due").focus()
        await pilot.press(*"next week", "enter")
        await pilot.pause()
        assert results == []
        assert "YYYY-MM-DD" in str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#due").value = ""
        await pilot.press(*"2026-12-15", "enter")
        await pilot.pause()
    assert results == [Reply("action", by="ana", text="alert on replica lag", owner="dana",
                             due="2026-12-15")]


async def test_a_breach_note_records_the_data_categories(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, NoteDialog("assess", "erin"))
        app.screen.query_one("#tag").query("RadioButton")[4].value = True  # data-categories
        await pilot.pause()
        assert not app.screen.query_one("#action-fields").display
        app.screen.query_one("#note").focus()
        await pilot.press(*"contact details", "enter")
        await pilot.pause()
    assert results == [Reply("data-categories", by="erin", text="contact details")]


@pytest.mark.parametrize("typed,ok", [("mitigated", True), ("Two words", False)])
async def test_milestone_is_one_word(replay_app, typed, ok):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, MilestoneDialog({"declared"}))
        await pilot.press(*typed, "enter")
        await pilot.pause()
    assert results == ([Reply("mitigated", text="mitigated")] if ok else [])


async def test_unknown_offers_three_answers(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, UnknownDialog("promote", "may have acted", "ana"))
        await _click(pilot, "#verified")
        await pilot.pause()
    assert results[0].value == "verified" and results[0].by == "ana"


async def test_quit_dialog_names_the_resume_command(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, QuitDialog("20261127-140000-cloudsql", False))
        labels = " ".join(str(w.render()) for w in app.screen.query("Label"))
        assert "drp resume 20261127-140000-cloudsql" in labels
        await pilot.press("y")
        await pilot.pause()
    assert results == [True]


async def test_every_key_is_on_screen_even_at_80_columns(replay_app):
    app = replay_app()
    async with app.run_test(size=(80, 24)):
        bar = app.screen.query_one("#keys")
        text = bar.render().plain.replace("\u00a0", " ")
        for words in ("⏎ done", "x tick", "a approve", "d decide", "r retry", "s skip",
                      "u resolve", "n note", "m milestone", "p pause", "R report", "q quit"):
            assert words in text, words
        assert bar.region.height == 2 and bar.region.bottom == 24  # wrapped, nothing cut


async def test_keys_are_clickable(replay_app):
    app = replay_app()
    async with app.run_test(size=(160, 40)) as pilot:
        text = app.screen.query_one("#keys").render().plain.replace("\u00a0", " ")
        await pilot.click("#keys", offset=(1 + text.index("q quit"), 0))
        await pilot.pause()
        assert type(app.screen).__name__ == "QuitDialog"


async def test_q_works_at_once_after_closing_the_report_with_escape(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        run = app.screen
        await pilot.press("R")
        await pilot.pause(0.3)
        assert type(app.screen).__name__ == "ReportScreen"
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.screen is run and app.focused is run.query_one("StepTable")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert app.screen.query("#quit"), "the first q after the report opens the quit dialog"
        await pilot.press("escape")
        await pilot.pause(0.1)
        assert app.focused is run.query_one("StepTable")


async def test_the_focus_comes_back_to_the_steps_after_a_dialog_even_if_it_was_lost(replay_app):
    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        run = app.screen
        run.set_focus(None)
        await pilot.press("n")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is run and app.focused is run.query_one("StepTable")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert app.screen.query("#quit")


async def test_the_report_in_the_console_reads_at_120_columns(replay_app):
    import html
    import re

    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("R")
        await pilot.pause(0.5)
        md = app.screen.query_one("Markdown")._markdown
        assert "|---" not in md and "| ---" not in md, "tables are lists, which wrap"
        text = html.unescape(re.sub(r"<[^>]+>", "", app.export_screenshot())).replace("\xa0", " ")
        assert "Roles: commander" in text and "Started" in text


async def test_taking_a_live_run_over_needs_the_project_typed(replay_app):
    from drp_console.ui.dialogs.takeover_dialog import TakeoverDialog

    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        results = await _open(app, pilot, TakeoverDialog(
            "r1", "alice silent for 20 s (lease expired)", "bob", project="acme-prod"))
        await _click(pilot, "#take-over")
        assert results == [] and "acme-prod" in str(app.screen.query_one(".dialog-error").render())
        app.screen.query_one("#typed").value = "acme-prod"
        await pilot.press("enter")
        await pilot.pause()
    assert results == [Reply("take-over", by="bob", typed="acme-prod")]


async def test_taking_a_simulated_run_over_is_a_button_and_stay_cancels(replay_app):
    from drp_console.ui.dialogs.takeover_dialog import TakeoverDialog

    app = replay_app()
    async with app.run_test(size=(120, 40)) as pilot:
        stayed = await _open(app, pilot, TakeoverDialog("r1", "alice left 3 s ago", "bob"))
        assert not app.screen.query("#typed")
        await _click(pilot, "#stay")
        taken = await _open(app, pilot, TakeoverDialog("r1", "alice left 3 s ago", "bob"))
        await _click(pilot, "#take-over")
        await pilot.pause()
    assert stayed == [None] and taken == [Reply("take-over", by="bob")]
