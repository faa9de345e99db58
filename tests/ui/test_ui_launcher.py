"""The launcher: lists runbooks with their state, checks the form, starts and resumes runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from ui_pilot import question, until
from ui_recorded import UI_RUNBOOKS

from drp_console.cli.ui_cmds import console
from drp_console.ui.factory import make_app


def launcher(runs_dir: Path, *, ask_operator: bool = False):
    return make_app(runbooks_dir=UI_RUNBOOKS, runs_dir=runs_dir, operator="ana", still=True,
                    ask_operator=ask_operator)


async def _scanned(pilot) -> None:
    await until(pilot, lambda: pilot.app.screen.entries and pilot.app.screen.checked,
                "the runbooks to load")
    await pilot.pause()


async def test_lists_valid_and_invalid_runbooks(runs_dir):
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        entries = {e.path.name: e for e in app.screen.entries}
        assert entries["ui-failover.yaml"].runbook is not None
        assert entries["broken.yaml"].runbook is None
        assert "broken.yaml:7:11" in entries["broken.yaml"].errors[0]
        assert app.screen.current.path.name == "ui-failover.yaml"  # the first valid one
        assert app.screen.query_one("#scenario").value.endswith("ui-db-down.yaml")


async def test_form_errors_are_shown_beside_their_field(runs_dir):
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        screen = app.screen
        screen.query_one("#param-replica").value = "Bad_Name"
        await pilot.click("#start")
        await pilot.pause()
        shown = str(screen.query_one("#error-replica").render())
        assert "lowercase letters" in shown and "^[a-z][a-z0-9-]*$" in shown
        assert str(screen.query_one("#error-project").render()) == ""
        assert not list(runs_dir.glob("*")), "no run may start from an invalid form"


async def test_live_needs_the_project_typed(runs_dir):
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        screen = app.screen
        screen.query_one("#mode").query("RadioButton")[2].value = True
        await pilot.pause()
        assert screen.query_one("#live-project").display
        assert "LIVE" in str(screen.query_one("#start").label)
        screen.query_one("#live-project").value = "acme-staging"
        screen.action_start()
        await pilot.pause()
        assert "acme-prod" in str(screen.query_one("#form-error").render())
        assert not list(runs_dir.glob("*"))


@pytest.mark.slow
async def test_start_from_the_form_quit_then_resume_from_the_list(runs_dir):
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        await pilot.click("#start")
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the run screen")
        run = app.screen
        await until(pilot, lambda: question(run, "declare"), "declare to wait")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "exit")
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        await until(pilot, lambda: app.screen.runs, "the interrupted run to be listed")
        assert app.screen.entries[1].last_run is not None
        resume = app.screen.query_one("#resume-list")
        resume.focus()
        resume.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the resumed run")
        run = app.screen
        await until(pilot, lambda: question(run, "declare"), "declare to wait again")
        assert any("resumed" in e.text for e in run.feed.timeline)
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "exit")


def test_console_command_needs_a_runbook_directory(tmp_path):
    result = CliRunner().invoke(console, ["--runbooks", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no runbook directory" in result.output and "Traceback" not in result.output


def test_console_command_needs_a_terminal(tmp_path):
    result = CliRunner().invoke(console, ["--runbooks", str(UI_RUNBOOKS)])
    assert result.exit_code == 2 and "drp run RUNBOOK --headless" in result.output


async def test_moving_quickly_through_the_runbooks_rebuilds_the_form(runs_dir):
    app = launcher(runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        app.screen.query_one("#runbook-list").focus()
        await pilot.press("up", "down", "up", "down", "up", "down")
        await pilot.pause(0.3)
        assert app.screen.current.path.name == "ui-failover.yaml"
        assert len(app.screen.query("#param-fields Input")) == 2


async def test_an_internal_error_is_a_sentence_and_a_file_not_a_traceback(runs_dir, tmp_path):
    app = launcher(tmp_path / "state" / "runs")

    with pytest.raises(ZeroDivisionError):  # run_test re-raises it for the test framework
        async with app.run_test(size=(120, 40)) as pilot:
            await _scanned(pilot)
            app.call_later(lambda: 1 / 0)
            await pilot.pause(0.3)
    saved = list((tmp_path / "state").glob("console-error-*.txt"))
    assert saved and "ZeroDivisionError" in saved[0].read_text()
    assert (saved[0].stat().st_mode & 0o777) == 0o600
    assert app.return_code == 1


ODD_PARAMS = """format: drp/v1
id: odd-params
title: Every parameter shape
summary: |
  A summary written
  over several lines.
parameters:
  size: {description: Servers to start, default: 3, choices: [2, 3, 4, 6]}
  flag: {description: A switch, default: false}
  count: {default: 7}
  optional: {description: Not needed, required: false}
  token: {description: A secret, secret: true, pattern: "^[a-z]+$"}
  zone: {description: "Where\\nit goes", default: europe-west1-c, choices: [europe-west1-c, b]}
steps:
  - id: one
    title: One step
    type: manual
    instructions: Do it.
"""


async def test_every_parameter_shape_renders_and_checks(runs_dir, tmp_path):
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "odd.yaml").write_text(ODD_PARAMS)
    app = make_app(runbooks_dir=folder, runs_dir=runs_dir, operator="ana", still=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        screen = app.screen
        assert screen.current is not None and screen.current.runbook is not None
        helps = " ".join(str(w.render()) for w in screen.query(".form-help"))
        assert "one of 2, 3, 4, 6" in helps
        assert screen.query_one("#param-size").value == "3"
        assert screen.query_one("#param-flag").value == "false"
        assert "A summary written over several lines." in str(
            screen.query_one("#runbook-info").render())
        screen.query_one("#param-token").value = "Bad1"
        screen.query_one("#param-size").value = "5"
        screen.action_start()
        await pilot.pause()
        errors = {n: str(screen.query_one(f"#error-{n}").render())
                  for n in ("size", "token", "optional")}
        assert "choose one of 2, 3, 4, 6" in errors["size"]
        assert "lowercase letters" in errors["token"] and "^[a-z]+$" in errors["token"]
        assert "Bad1" not in errors["token"]  # a secret is never shown
        assert errors["optional"] == ""  # required: false needs no value
        labels = [str(w.render()) for w in screen.query("#param-fields .form-label")]
        assert "optional" in labels and "token (required) (secret)" in labels
