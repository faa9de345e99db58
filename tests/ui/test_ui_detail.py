"""The detail pane: training explanations once, a done step's checklist as it was ticked."""

from __future__ import annotations

from ui_recorded import Recorder

from drp_console.ui.detail_pane import DetailPane


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
