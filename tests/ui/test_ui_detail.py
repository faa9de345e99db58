"""The detail pane: training explanations once, a done step's checklist as it was ticked."""

from __future__ import annotations

from ui_recorded import Recorder

from drp_console.ui.widgets.detail_pane import DetailPane


def _declare_waiting(mode: str) -> Recorder:
    r = Recorder(mode).start()
    r.add("step_started", step="declare", attempt=1)
    r.add("waiting", step="declare", kind="manual", role="commander",
          prompt="Open the incident channel.\n\nDeclaring starts the RTO clock.",
          options=[], checklist=["Incident channel open", "DBA paged"], recommended=None)
    return r


def _pane_text(app) -> str:
    pane = app.screen.query_one(DetailPane)
    return pane.query_one("#detail-instructions")._markdown + str(
        pane.query_one("#detail-next").render())


async def test_training_shows_the_explanation_once(replay_app):
    app = replay_app(_declare_waiting("training"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _pane_text(app)
        assert text.count("Declaring starts the RTO clock.") == 1
        assert "Open the incident channel." in text and "Why (training)" in text


async def test_a_done_step_shows_its_checklist_ticked(replay_app):
    r = _declare_waiting("simulate")
    r.add("answered", after=40, step="declare", kind="manual", answer="done", by="ana",
          role=None, reason=None, checklist=["Incident channel open", "DBA paged"])
    r.add("step_finished", step="declare", status="succeeded", reason=None, outputs={},
          changed=False, attempts=1)
    app = replay_app(r)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        checklist = app.screen.query_one("#detail-checklist")
        assert app.screen.query_one("StepTable").selected_step == "declare"
        assert sorted(checklist.selected) == [0, 1]
        assert checklist.border_title == "Checklist 2/2"


def _visible_text(app) -> str:
    """The screen as plain text (from the SVG screenshot)."""
    import html
    import re

    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\u00a0", " ")


async def test_at_80x24_the_next_action_and_the_checklist_are_on_screen(replay_app):
    from ui_recorded import mid_run

    app = replay_app(mid_run())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen.query_one("StepTable").select("notify-dpo")
        await pilot.pause(0.3)
        pane = screen.query_one(DetailPane)
        for part in ("#detail-next", "#detail-checklist"):
            region = screen.query_one(part).region
            assert region.height and pane.region.contains_region(region), part
        assert "DPO informed" in _visible_text(app)


async def test_long_code_and_checklist_lines_wrap_and_titles_get_the_width(replay_app):
    import copy

    from ui_recorded import RUNBOOK_DOC

    doc = copy.deepcopy(RUNBOOK_DOC)
    doc["steps"][0]["instructions"] = ("Restart the API:\n\n```\nkubectl -n orders rollout "
                                       "restart deploy/orders-api --context prod-europe\n```\n")
    doc["steps"][0]["checklist"] = ["Lag compared with the 5-minute objective and written in "
                                    "the incident channel", "DBA paged"]
    r = Recorder("simulate", doc).start()
    r.add("step_started", step="declare", attempt=1)
    app = replay_app(r)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        text = " ".join(_visible_text(app).split())
        assert "deploy/orders-api" in text
        assert "Lag compared with the 5-minute" in text and "incident channel" in text
        assert "Declare the incident" in text  # the title column is wide enough


def test_a_skipped_step_keeps_its_title_and_shows_the_reason_in_the_detail():
    from drp_console.journal.state import RunState
    from drp_console.ui.widgets.step_table import row_cells

    r = Recorder("simulate").start()
    r.add("step_finished", step="declare", status="skipped", reason="not needed: declared by phone",
          outputs={}, changed=False, attempts=0)
    state = RunState.fold(r.events)
    cells = row_cells(state.steps["declare"], state.at_wall(r.at))
    assert str(cells[2]) == "Declare the incident"


async def test_a_burst_of_cursor_moves_redraws_the_detail_once_it_settles(replay_app):
    from ui_recorded import mid_run

    app = replay_app(mid_run())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        table = screen.query_one("StepTable")
        table.focus()
        await pilot.press("home")
        await pilot.pause(0.3)
        pane = screen.query_one(DetailPane)
        shown: list[str] = []
        real_show = pane.show
        pane.show = lambda content: (shown.append(content.step_id or ""), real_show(content))
        for _ in range(6):  # as fast as a held key or paging: no pause between the moves
            table.action_cursor_down()
        await pilot.pause(0.4)
        assert table.selected_step == "keep-or-fail-back"
        assert pane.border_title.startswith("keep-or-fail-back ·")
        assert len(shown) < 6 and shown[-1] == "keep-or-fail-back"


async def test_the_pane_never_shows_one_step_s_header_over_another_s_body(replay_app):
    """Issue 9, point 4: header and body come from the same state, at once (training mode,
    where the body is longest)."""
    from ui_recorded import mid_run

    app = replay_app(mid_run("training"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        table = screen.query_one("StepTable")
        table.select("declare")
        await pilot.pause(0.3)

        def consistent() -> bool:
            text = " ".join(_visible_text(app).split())
            return ("Declaring" in text) == ("declare · Declare the incident" in text)

        assert consistent() and "Declaring" in _visible_text(app)  # declare's training note
        for target in ("notify-dpo", "declare", "notify-dpo"):
            table.select(target)
            screen.show_detail()
            assert consistent(), f"right after selecting {target}"
            await pilot.pause(0.3)
            assert consistent(), f"once {target} is drawn"
        assert "notify-dpo · Tell the DPO" in " ".join(_visible_text(app).split())
