"""Who did what: the console asks the operator's name once per run (prefilled, enter accepts),
shows it in the header and records every answer under it; headless runs honour --operator."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from ui_pilot import console_for, give_name, question, start_session, until
from ui_recorded import UI_RUNBOOKS

from drp_console.cli import cli
from drp_console.engine.operator import guess_operator
from drp_console.ui.factory import make_app

RUNBOOK = UI_RUNBOOKS / "ui-failover.yaml"
SCENARIO = UI_RUNBOOKS / "scenarios" / "ui-db-down.yaml"


def _events(run_dir) -> list[dict]:
    return [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]


async def test_the_console_asks_the_name_shows_it_and_records_answers_under_it(runs_dir):
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)  # --operator ana
    app = console_for(session, ask_operator=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#operator-name")), "the name dialog")
        assert app.screen.query_one("#operator-name").value == "ana"  # prefilled
        assert not [e for e in session.journal.events() if e["type"] == "step_started"]
        await give_name(pilot, "Maria Lopez")
        run = app.screen
        await until(pilot, lambda: question(run, "declare"), "declare to wait")
        assert "operator Maria Lopez" in str(run.query_one("#mode-banner").render())
        await pilot.press("x", "x", "enter")
        await until(pilot, lambda: run.state.steps["declare"].status == "succeeded", "declare")
    done = [e for e in session.journal.events() if e["type"] == "answered"]
    assert done and done[0]["by"] == "Maria Lopez" and done[0]["operator"] == "Maria Lopez"


async def test_typing_a_name_replaces_the_guessed_one(runs_dir):
    """The guessed name is selected: what the operator types replaces it, not appends to it."""
    session = start_session(RUNBOOK, runs_dir, scenario=SCENARIO)  # --operator ana
    app = console_for(session, ask_operator=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: bool(app.screen.query("#operator-name")), "the name dialog")
        await pilot.press(*"Dana", "enter")
        await until(pilot, lambda: not app.screen.query("#operator-name"), "the name taken")
        run = app.screen
        await until(pilot, lambda: "operator Dana" in str(run.query_one("#mode-banner").render()),
                    "the name in the header")
        assert "anaDana" not in str(run.query_one("#mode-banner").render())


async def test_the_launcher_asks_the_name_before_the_run_starts(runs_dir):
    app = make_app(runbooks_dir=UI_RUNBOOKS, runs_dir=runs_dir, operator="root", still=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.screen.entries, "the runbooks to load")
        await pilot.pause()
        await pilot.click("#start")
        await give_name(pilot, "Ana Silva")
        await until(pilot, lambda: type(app.screen).__name__ == "RunScreen", "the run screen")
        run = app.screen
        await until(pilot, lambda: question(run, "declare"), "declare to wait")
        assert not run.query("#operator-name")  # asked once, not again by the run screen
        started = next(e for e in run.session.journal.events() if e["type"] == "run_started")
        assert started["operator"] == "Ana Silva"
        await run.session.journal.write("note", text="x", tag=None, step=None)
        assert run.session.journal.events()[-1]["operator"] == "Ana Silva"


def test_the_name_comes_from_the_option_the_environment_git_then_the_login(
        tmp_path, monkeypatch):
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Grace Hopper\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("DRP_OPERATOR", "Ada")
    assert guess_operator("Linus") == "Linus"
    assert guess_operator() == "Ada"
    monkeypatch.delenv("DRP_OPERATOR")
    assert guess_operator() == "Grace Hopper"
    gitconfig.write_text("")
    from drp_console.journal.login import login_name

    assert guess_operator() == login_name()


@pytest.mark.parametrize("answer, reason", [
    ("reject: the backup is too old", "the backup is too old"),
    ("reject", ("rejected by the --answers file (ana); no reason was written there "
                "(write `reject: why`)")),
])
def test_a_headless_reject_is_by_the_operator_with_a_reason(runs_dir, tmp_path, answer, reason):
    answers = tmp_path / "answers.yaml"
    answers.write_text(json.dumps({"go-no-go": answer}))  # JSON is YAML: the colon is quoted
    res = CliRunner().invoke(cli, ["run", str(RUNBOOK), "--scenario", str(SCENARIO),
                                   "--headless", "--auto-approve", "--answers", str(answers),
                                   "--operator", "ana", "--runs-dir", str(runs_dir)])
    assert res.exit_code == 1, res.output
    (run_dir,) = [p for p in runs_dir.iterdir() if p.is_dir()]
    events = _events(run_dir)
    answered = {e["step"]: e for e in events if e["type"] == "answered" and e["kind"] != "failed"}
    assert answered["declare"]["by"] == "ana"  # --auto-approve, under --operator
    gate = answered["go-no-go"]
    assert (gate["answer"], gate["by"], gate["reason"]) == ("reject", "ana", reason)
    finished = next(e for e in events if e["type"] == "step_finished" and
                    e["step"] == "go-no-go")
    assert finished["status"] == "failed" and reason in finished["reason"]
