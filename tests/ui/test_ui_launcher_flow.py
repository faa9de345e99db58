"""The launcher's flow: enter never skips the mode, the chosen mode is a glyph, the form fits
80x24, a finished run goes back to the launcher, a resumed run asks its secrets again."""

from __future__ import annotations

import shutil

from ui_pilot import question, until
from ui_recorded import UI_RUNBOOKS

from drp_console.journal import lock_holder
from drp_console.ui.factory import make_app

ONE_STEP = """format: drp/v1
id: one-step
title: One step with a secret
scenario: scenarios/ui-db-down.yaml
parameters:
  token: {description: A secret, secret: true}
steps:
  - id: one
    title: One step
    type: manual
    instructions: Do it.
"""


def _launcher(runbooks, runs_dir):
    return make_app(runbooks_dir=runbooks, runs_dir=runs_dir, operator="ana", still=True,
                    ask_operator=False)


def _one_step_folder(tmp_path):
    folder = tmp_path / "books"
    (folder / "scenarios").mkdir(parents=True)
    shutil.copy(UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml", folder / "scenarios")
    (folder / "one-step.yaml").write_text(ONE_STEP)
    return folder


async def _scanned(pilot) -> None:
    await until(pilot, lambda: pilot.app.screen.entries and pilot.app.screen.checked,
                "the runbooks to load")
    await pilot.pause()


def _on_screen(app, widget) -> bool:
    form = app.screen.query_one("#launcher-form")
    return bool(widget.region.height) and form.content_region.contains_region(widget.region)


async def test_enter_goes_through_mode_and_fields_and_only_start_starts(runs_dir):
    app = _launcher(UI_RUNBOOKS, runs_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await _scanned(pilot)
        app.screen.query_one("#runbook-list").focus()
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert app.focused is app.screen.query_one("#mode")
        assert _on_screen(app, app.focused), "the mode is on screen at 80x24"
        await pilot.press("down", "enter")  # training
        assert app.screen.values().mode == "training"
        fields = list(app.screen.query("#param-fields Input"))
        assert len(fields) == 2
        fields[0].focus()
        for following in (fields[1], app.screen.query_one("#start")):
            await pilot.press("enter")
            await pilot.pause(0.2)
            assert app.focused is following
            assert _on_screen(app, following), f"{following.id} is on screen at 80x24"
        assert type(app.screen).__name__ == "LauncherScreen" and not runs_dir.exists()
        await pilot.press("enter")  # on Start: now it starts
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the run screen")
        assert app.screen.state.mode == "training"


async def test_the_chosen_mode_is_shown_by_a_glyph(runs_dir):
    app = _launcher(UI_RUNBOOKS, runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await _scanned(pilot)
        buttons = list(app.screen.query("#mode RadioButton"))

        def glyphs() -> list[str]:
            return [str(b.render()).strip()[:3] for b in buttons]

        assert glyphs() == ["▐●▌", "▐○▌", "▐○▌"]
        await pilot.click(buttons[1])
        await pilot.pause()
        assert glyphs() == ["▐○▌", "▐●▌", "▐○▌"]


async def test_a_finished_run_offers_the_launcher_and_resuming_asks_the_secrets(
        runs_dir, tmp_path):
    folder = _one_step_folder(tmp_path)
    app = _launcher(folder, runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:  # start, then quit mid-run
        await _scanned(pilot)
        app.screen.query_one("#param-token").value = "s3cret"
        await pilot.click("#start")
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the run screen")
        await until(pilot, lambda: question(app.screen, "one"), "one to wait")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#quit")), "quit dialog")
        assert not app.screen.query("#launcher")  # not finished: quitting keeps it resumable
        await pilot.press("y")
        await until(pilot, lambda: not app.is_running, "exit")
    app = _launcher(folder, runs_dir)
    async with app.run_test(size=(120, 40)) as pilot:  # resume: the secret is asked again
        await _scanned(pilot)
        await until(pilot, lambda: app.screen.runs, "the interrupted run to be listed")
        resume = app.screen.query_one("#resume-list")
        resume.focus()
        resume.highlighted = 0
        await pilot.press("enter")
        await until(pilot, lambda: bool(app.screen.query("#secret-token")), "the secret asked")
        await pilot.press("enter")  # empty: refused
        assert app.screen.query("#secret-token")
        await pilot.press(*"s3cret", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the resumed run")
        run = app.screen
        assert run.session.ctx.params["token"] == "s3cret"
        run_dir = run.session.run_dir
        await until(pilot, lambda: question(run, "one"), "one to wait again")
        await pilot.press("enter")
        await until(pilot, lambda: run.state.finished, "the run to end")
        await pilot.press("q")
        await until(pilot, lambda: bool(app.screen.query("#launcher")), "back to the launcher")
        await pilot.press("l")
        await until(pilot, lambda: type(app.screen).__name__ == "LauncherScreen", "launcher")
        assert lock_holder(run_dir) is None  # the finished run's session is closed
        await until(pilot, lambda: str(app.screen.query_one("#resume-list")
                                       .get_option_at_index(0).prompt) == "none",
                    "the finished run no longer listed as interrupted")
