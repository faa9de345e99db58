"""The header: mode in words, the RTO countdown turning to overrun, the 72-hour breach clock."""

from __future__ import annotations

from ui_recorded import Recorder, mid_run


def _line(app, wid: str) -> str:
    return str(app.screen.query_one(wid).render())


async def test_rto_countdown_then_overrun(replay_app):
    app = replay_app(after=3)
    async with app.run_test(size=(140, 40)):
        assert "left" in _line(app, "#clock-line")
        assert not app.screen.query_one("#clock-line").has_class("overrun")
    app = replay_app(after=40 * 60)
    async with app.run_test(size=(140, 40)):
        line = _line(app, "#clock-line")
        assert "OVERRUN by" in line
        assert app.screen.query_one("#clock-line").has_class("overrun")


async def test_restored_freezes_the_rto_as_met(replay_app):
    r = mid_run()
    r.add("milestone", after=60, name="restored", step="wait-runnable", source="step")
    app = replay_app(r, after=5 * 3600)
    async with app.run_test(size=(140, 40)):
        assert "met" in _line(app, "#clock-line")


async def test_breach_clock_counts_72_hours_from_aware(replay_app):
    doc = {"id": "breach", "title": "Personal data breach", "breach_clock": True,
           "steps": [{"id": "assess", "title": "Assess", "type": "manual"}]}
    r = Recorder(doc=doc).start()
    app = replay_app(r)
    async with app.run_test(size=(140, 40)):
        assert "starts at milestone aware" in _line(app, "#clock-line")
    r.add("milestone", name="aware", step=None, source="operator")
    app = replay_app(r, after=3600)
    async with app.run_test(size=(140, 40)):
        assert "72h notify in 71:00:00" in _line(app, "#clock-line")
    app = replay_app(r, after=73 * 3600)
    async with app.run_test(size=(140, 40)):
        assert "72h deadline PASSED 1:00:00 ago" in _line(app, "#clock-line")


async def test_each_mode_says_what_it_is_in_words(replay_app):
    for mode, words, css in (("live", "· acme-prod · REAL CHANGES", "mode-live"),
                             ("simulate", "SIMULATION", "mode-simulate"),
                             ("training", "TRAINING", "mode-training")):
        app = replay_app(mid_run(mode))
        async with app.run_test(size=(140, 40)):
            banner = app.screen.query_one("#mode-banner")
            assert words in str(banner.render()) and banner.has_class(css)


async def test_the_banner_keeps_mode_and_title_when_the_line_is_cut(replay_app):
    app = replay_app(mid_run("simulate"))
    async with app.run_test(size=(80, 24)):
        banner = str(app.screen.query_one("#mode-banner").render())
        assert banner.startswith(" SIMULATION · Promote the cross-region Cloud SQL replica")
