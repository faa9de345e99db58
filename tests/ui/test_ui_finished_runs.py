"""A finished run is not reopened: `drp resume` says it finished and where its report is, and
quitting a finished run in the console leaves the same sentence in the terminal."""

from __future__ import annotations

from click.testing import CliRunner
from ui_pilot import (
    answer_everything,
    give_name,
    run_in_a_terminal,
    start_session,
    until,
)
from ui_recorded import UI_RUNBOOKS

from drp_console.cli import cli
from drp_console.journal.events import JOURNAL_NAME

RUNBOOK = UI_RUNBOOKS / "ui-failover.yaml"
SCENARIO = UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml"


def _finished_run(runs_dir) -> tuple[str, str]:
    """A run finished headless (the scenario's outage makes it fail): its id and status."""
    res = CliRunner().invoke(cli, ["run", str(RUNBOOK), "--scenario", str(SCENARIO),
                                   "--headless", "--auto-approve", "--runs-dir", str(runs_dir)])
    assert res.exit_code in (0, 1), res.output
    (run_dir,) = [p for p in runs_dir.iterdir() if p.is_dir()]
    return run_dir.name, "succeeded" if res.exit_code == 0 else "failed"


def test_resuming_a_finished_run_says_so_and_names_the_report(runs_dir, monkeypatch):
    import drp_console.ui.launch

    def no_console(*args, **kwargs):
        raise AssertionError("a finished run was reopened in the console")

    monkeypatch.setattr(drp_console.ui.launch, "run_console", no_console)
    run_id, status = _finished_run(runs_dir)
    run_dir = runs_dir / run_id
    journal = (run_dir / JOURNAL_NAME).read_bytes()
    report = (run_dir / "report.md").read_bytes()
    stamp = (run_dir / "report.md").stat().st_mtime_ns
    for extra in ([], ["--headless"]):
        res = CliRunner().invoke(cli, ["resume", run_id, "--runs-dir", str(runs_dir), *extra])
        assert res.exit_code == 0, res.output
        assert f"Run {run_id} already finished ({status})" in res.output
        assert f"drp report {run_id}" in res.output
        assert str(run_dir / "report.md") in res.output
    assert (run_dir / JOURNAL_NAME).read_bytes() == journal  # not reopened: nothing journaled
    assert (run_dir / "report.md").read_bytes() == report
    assert (run_dir / "report.md").stat().st_mtime_ns == stamp  # and not rewritten


def test_quitting_a_finished_run_prints_where_its_report_is(runs_dir, monkeypatch, capsys):
    async def operator(pilot) -> None:
        await give_name(pilot)
        screen = pilot.app.screen
        await answer_everything(pilot, screen)
        await until(pilot, lambda: (screen.session.run_dir / "report.md").exists(), "report")
        while pilot.app.screen is not screen:  # the score card, a notification: back to the run
            await pilot.press("escape")
        await pilot.press("q")
        await until(pilot, lambda: bool(pilot.app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")

    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)
    code = run_in_a_terminal(monkeypatch, session, operator)
    out = capsys.readouterr().out
    assert code == 0
    run_id = session.ctx.run_id
    assert f"Run {run_id} finished (succeeded)" in out
    assert str(session.run_dir / "report.md") in out and f"drp report {run_id}" in out
    assert "drp resume" not in out
