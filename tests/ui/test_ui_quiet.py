"""A run screen repaints only what changed: a ticking clock repaints its own row, and behind a
dialog only the header's clocks move, the rest catching up when the dialog closes."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from ui_recorded import mid_run


def screen_lines(app) -> list[str]:
    """The screen's text as the terminal shows it (cached lines included)."""
    svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    return text.splitlines()


def row_of(lines: list[str], step: str) -> str:
    return next(line for line in lines if f" {step} " in line and "│" in line)


def clock_of(row: str) -> int:
    """The Time column of a steps-table row, in seconds."""
    minutes, seconds = re.findall(r"(\d+):(\d\d)", row)[-1]
    return int(minutes) * 60 + int(seconds)


async def test_a_ticking_clock_repaints_its_row_and_leaves_the_others(replay_app):
    app = replay_app(mid_run())
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.3)
        before = screen_lines(app)
        app.clock.at += timedelta(seconds=5)
        await pilot.pause(0.6)
        after = screen_lines(app)
        assert clock_of(row_of(after, "promote")) == clock_of(row_of(before, "promote")) + 5
        assert clock_of(row_of(after, "notify-dpo")) == clock_of(row_of(before, "notify-dpo")) + 5
        assert row_of(after, "declare") == row_of(before, "declare")  # finished: its time stays


async def test_behind_a_dialog_the_header_ticks_and_the_rest_catches_up_when_it_closes(
        replay_app):
    recorder = mid_run()
    app = replay_app(recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.pause(0.3)
        clock_line = screen.query_one("ClockLine")
        await pilot.press("q")
        await pilot.pause(0.2)
        assert app.screen is not screen  # the quit dialog is open
        header = str(clock_line.render())
        screen.take_event(recorder.add("step_finished", step="promote", status="succeeded",
                                       reason=None, outputs={}, changed=True, attempts=2))
        screen.take_event(recorder.add("note", text="promotion confirmed by the DBA",
                                       tag="observation", step="promote"))
        app.clock.at += timedelta(seconds=2)
        await pilot.pause(0.8)
        assert str(clock_line.render()) != header  # the incident clock moves behind the dialog
        await pilot.press("escape")  # stay
        await pilot.pause(0.3)
        assert app.screen is screen
        lines = screen_lines(app)
        assert "succeeded" in row_of(lines, "promote") or "done" in row_of(lines, "promote")
        assert any("promotion confirmed by the DBA" in line for line in lines), "\n".join(lines)
        assert "Steps 4/" in "\n".join(lines)
