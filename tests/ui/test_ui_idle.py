"""An idle run screen does no work: its timer redraws only after a change (new events, or a
new second on a running clock), never four times a second for nothing."""

from __future__ import annotations

from datetime import timedelta

from ui_recorded import mid_run


async def test_an_idle_run_screen_redraws_nothing_until_its_clock_moves(replay_app):
    app = replay_app(mid_run())
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        await pilot.pause(0.3)
        table = screen.query_one("StepTable")
        fills: list[int] = []
        real_fill = table.fill
        table.fill = lambda *a, **kw: (fills.append(1), real_fill(*a, **kw))
        await pilot.pause(1.0)  # four timer ticks, nothing changed (the clock stands still)
        assert fills == []
        clock_line = screen.query_one("ClockLine")
        before = str(clock_line.render())
        app.clock.at += timedelta(seconds=1)  # the incident clock moves: one redraw
        await pilot.pause(0.6)
        assert fills == [1]
        assert str(clock_line.render()) != before  # the incident clock shows the new second
