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


def _breach_doc() -> dict:
    return {"format": "drp/v1", "id": "breach", "title": "Personal data breach",
            "breach_clock": True,
            "steps": [{"id": "triage", "title": "Triage", "type": "manual", "milestone": "aware"},
                      {"id": "notify-authority", "title": "Notify the authority",
                       "type": "manual", "milestone": "authority-notified"}]}


async def test_the_breach_clock_stops_when_the_authority_is_notified(replay_app):
    """Issue 9, point 1: it stops and says when, with what margin, also after the run closed."""
    r = Recorder(doc=_breach_doc()).start()
    r.add("milestone", name="aware", step="triage", source="step")
    r.add("milestone", after=2 * 3600, name="authority-notified", step="notify-authority",
          source="step")
    for after in (3600, 80 * 3600):  # an hour later, and long after the deadline
        app = replay_app(r, after=after)
        async with app.run_test(size=(160, 40)):
            line = _line(app, "#clock-line")
            assert "72h: authority notified 16:00:01, 70:00:00 before the deadline" in line, line
            assert "PASSED" not in line and "notify in" not in line
            assert not app.screen.query_one("#clock-line").has_class("overrun")
    r.add("run_finished", after=600, status="succeeded", reason=None)
    app = replay_app(r, after=100 * 3600)
    async with app.run_test(size=(160, 40)):
        assert "70:00:00 before the deadline" in _line(app, "#clock-line")


async def test_a_late_notification_says_how_late(replay_app):
    r = Recorder(doc=_breach_doc()).start()
    r.add("milestone", name="aware", step="triage", source="step")
    r.add("milestone", after=75 * 3600, name="authority-notified", step="notify-authority",
          source="step")
    app = replay_app(r, after=10)
    async with app.run_test(size=(160, 40)):
        assert "3:00:00 late" in _line(app, "#clock-line")
        assert app.screen.query_one("#clock-line").has_class("overrun")


def _before_declared() -> Recorder:
    r = Recorder().start()
    r.add("step_started", step="declare", attempt=1)
    return r


async def test_no_rto_countdown_before_the_milestone_it_counts_from(replay_app):
    """Issue 9, point 8: no countdown before `declared`, so no jump back when it is recorded."""
    app = replay_app(_before_declared(), after=600)
    async with app.run_test(size=(160, 40)):
        line = _line(app, "#clock-line")
        assert "RTO 30m: starts at milestone declared" in line
        assert "left" not in line


async def test_a_met_rto_shows_the_time_achieved_and_the_bar_fills(replay_app):
    r = mid_run()
    declared_to_restored = 10 * 60
    r.add("milestone", after=declared_to_restored - (r.at - _declared_at(r)).total_seconds(),
          name="restored", step="wait-runnable", source="step")
    app = replay_app(r, after=5 * 3600)
    async with app.run_test(size=(160, 40)):
        line = _line(app, "#clock-line")
        assert "met in 10:00" in line and "left" not in line
        assert "▕█████▎" in line  # a third of 16 cells


async def test_the_rto_bar_moves_as_soon_as_the_clock_does(replay_app):
    r = mid_run()
    after = 30 - (r.at - _declared_at(r)).total_seconds()  # 30 s of a 30 min objective
    app = replay_app(r, after=after)
    async with app.run_test(size=(160, 40)):
        assert "▕░" not in _line(app, "#clock-line")


def _declared_at(r: Recorder):
    from drp_console.journal.timing import parse_ts

    return next(parse_ts(e["ts"]) for e in r.events if e.get("name") == "declared")


async def test_an_rpo_this_runbook_cannot_measure_says_so(replay_app):
    """Issue 9, point 8: no step restores data here, so not "measured at restore" forever."""
    app = replay_app(mid_run())
    async with app.run_test(size=(160, 40)):
        line = _line(app, "#clock-line")
        assert "RPO 5m: not measured here (no step restores data)" in line
        assert "measured at restore" not in line


async def test_the_rpo_is_data_time_at_any_speed(replay_app):
    import copy

    from ui_recorded import RUNBOOK_DOC

    doc = copy.deepcopy(RUNBOOK_DOC)
    doc["objectives"]["rpo"] = "24h"
    doc["steps"][3].update(call="sql.instances.restoreBackup",
                           **{"with": {"project": "p", "instance": "i", "backupRunId": "7"}})
    r = Recorder(doc=doc).start()
    r.events[0]["scenario"]["speed"] = 60
    r.events[0]["incident_start"] = "2026-11-27T13:00:00+00:00"
    app = replay_app(r)
    async with app.run_test(size=(160, 40)):
        assert "measured at restore" in _line(app, "#clock-line")
    r.add("restore_point", step="promote", kind="backup", at="2026-11-26T21:14:00+00:00",
          backup_run_id="7")
    app = replay_app(r)
    async with app.run_test(size=(160, 40)):
        line = _line(app, "#clock-line")
        assert "15h46m of data lost (met)" in line
        assert "comparable" not in line
