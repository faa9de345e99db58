"""The pause key says what it will do (pause / unpause); the training header is never cut."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_pilot import console_for, question, start_session, until
from ui_recorded import UI_RUNBOOKS, Recorder, mid_run

from drp_console.runbook.loader import load_runbook

BREACH = Path(__file__).resolve().parents[2] / "runbooks" / "personal-data-breach.yaml"


def _keys(screen) -> str:
    return str(screen.query_one("#keys").render()).replace("\u00a0", " ")


async def test_the_pause_key_reads_unpause_while_paused(runs_dir):
    session = start_session(UI_RUNBOOKS / "ui-failover.yaml", runs_dir,
                            scenario=UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml")
    app = console_for(session)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await until(pilot, lambda: question(screen, "declare"), "declare")
        assert "p pause" in _keys(screen) and "unpause" not in _keys(screen)
        await pilot.press("p")
        await until(pilot, lambda: screen.state.status == "paused", "pause")
        await pilot.pause(0.3)
        assert "p unpause" in _keys(screen)
        await pilot.press("p")
        await until(pilot, lambda: screen.state.status != "paused", "unpause")
        await pilot.pause(0.3)
        assert "p pause" in _keys(screen) and "unpause" not in _keys(screen)


async def test_a_replayed_paused_run_shows_unpause(replay_app):
    recorder = mid_run()
    recorder.add("run_paused")
    app = replay_app(recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "p unpause" in _keys(app.screen)


def _line(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_training_header_is_not_cut(replay_app, size):
    doc = load_runbook(BREACH).to_doc()
    recorder = Recorder("training", doc=doc).start()
    recorder.add("step_started", step="intake", attempt=1)
    app = replay_app(recorder)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        banner, clocks = _line(app, "#mode-banner"), _line(app, "#clock-line")
        assert banner.startswith(f" TRAINING · {doc['title']} (v{doc['version']})")
        assert banner.rstrip().endswith("operator ana")
        assert "steps 0/13" in clocks
        for selector in ("#mode-banner", "#clock-line"):
            widget = app.screen.query_one(selector)
            lines = app.screen.query_one(selector).render_lines(widget.region.reset_offset)
            shown = "".join(segment.text for line in lines for segment in line)
            assert "…" not in shown, f"{selector} is cut: {shown!r}"
            for word in str(widget.render()).split():
                assert word in shown, f"{selector} lost {word!r}"
