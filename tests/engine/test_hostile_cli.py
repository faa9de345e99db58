"""Bad input on the command line: a usage error (exit 2) in one sentence, checked before anything
is journaled, and never a secret or a traceback on stderr (issue 11)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data"
CRASH_RUNBOOK = DATA / "crash-runbook.yaml"
CANARY = "canary-5b1e-SECRET"


def drp(*args: str):
    return CliRunner().invoke(cli, list(args))


def no_runs(runs: Path) -> bool:
    listed = drp("runs", "--runs-dir", str(runs))
    return listed.exit_code == 0 and listed.output.strip() == "no runs yet" and (
        not runs.exists() or not any(runs.iterdir()))


def one_sentence(stderr: str) -> str:
    """The one message line (click's own `Usage:`/`Try` lines around a usage error aside)."""
    lines = [x for x in stderr.strip().splitlines()
             if x.strip() and not x.startswith(("Usage: ", "Try '"))]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr and "unexpected error" not in stderr
    return lines[0]


def bad_answers(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / "answers.yaml"
    if kind == "missing":
        return path
    if kind == "not-utf8":
        path.write_bytes(b"declare: d\xffone\n")
    elif kind == "deep":
        path.write_text("declare: " + "[" * 10_000 + "]" * 10_000 + "\n")
    elif kind == "broken-yaml":
        path.write_text("declare: [done\n")
    elif kind == "fifo":
        os.mkfifo(path)
    return path


@pytest.mark.parametrize("kind", ["missing", "not-utf8", "deep", "broken-yaml", "fifo"])
@pytest.mark.parametrize("command", ["run", "resume"])
def test_a_bad_answers_file_is_a_usage_error_before_anything_is_journaled(tmp_path, kind,
                                                                           command) -> None:
    runs = tmp_path / "runs"
    answers = bad_answers(tmp_path, kind)
    if command == "resume":
        first = drp("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs),
                    "-p", f"token={CANARY}")
        assert first.exit_code == 5, first.output
        (run_dir,) = runs.iterdir()
        journal = (run_dir / "journal.jsonl").read_bytes()
        args = ["resume", run_dir.name]
    else:
        args = ["run", str(CRASH_RUNBOOK)]
    res = drp(*args, "--headless", "--answers", str(answers), "--runs-dir", str(runs),
              "-p", f"token={CANARY}")
    assert res.exit_code == 2, res.output
    line = one_sentence(res.stderr)
    assert str(answers) in line and CANARY not in res.output
    if command == "run":
        assert no_runs(runs)
    else:
        assert (run_dir / "journal.jsonl").read_bytes() == journal


def run_cli(*args: bytes | str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "drp_console", *args], cwd=cwd, env=env,
                          capture_output=True, check=False, timeout=60)


def test_a_non_utf8_parameter_value_is_a_usage_error_that_journals_nothing(tmp_path) -> None:
    runs = tmp_path / "runs"
    res = run_cli("run", str(CRASH_RUNBOOK), "--headless", "--auto-approve", "--runs-dir",
                  str(runs), b"-p", b"token=" + CANARY.encode() + b"\xff\xfe", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    line = one_sentence(res.stderr.decode("utf-8", "replace"))
    assert "-p token" in line and "UTF-8" in line
    assert CANARY.encode() not in res.stderr + res.stdout
    assert no_runs(runs)


@pytest.mark.parametrize("command", ["plan", "run"])
def test_parameter_errors_never_show_a_secret(tmp_path, command) -> None:
    rb = tmp_path / "rb.yaml"
    rb.write_text(CRASH_RUNBOOK.read_text().replace(
        "token: {secret: true}", "token: {secret: true, choices: [a, b]}").replace(
        "scenario: crash-world.yaml", f"scenario: {DATA / 'crash-world.yaml'}"))
    extra = ["--headless", "--runs-dir", str(tmp_path / "runs")] if command == "run" else []
    res = drp(command, str(rb), "-p", f"token={CANARY}", *extra)
    assert res.exit_code == 2, res.output
    assert CANARY not in res.output
    assert "parameter 'token' is ***" in one_sentence(res.stderr)


@pytest.mark.parametrize("command", ["validate", "plan"])
def test_a_fifo_is_refused_with_a_sentence_not_waited_on(tmp_path, command) -> None:
    fifo = tmp_path / "runbook.yaml"
    os.mkfifo(fifo)
    try:
        res = run_cli(command, str(fifo), cwd=tmp_path)  # the old code waited here for ever
    except subprocess.TimeoutExpired:
        pytest.fail(f"drp {command} on a FIFO did not return")
    out = (res.stdout + res.stderr).decode()
    assert res.returncode == 3, out
    assert f"{fifo}:0:0: file: is a FIFO (named pipe): give a YAML file" in out
    assert "Traceback" not in out


RUN_FIELDS_RUNBOOK = """format: drp/v1
id: run-fields
title: Who and where
scenario: {scenario}
parameters:
  project: {{default: acme-prod}}
steps:
  - id: say
    title: Say who runs it and where
    type: shell
    run: [python3, -c, "import sys; print('|'.join(sys.argv[1:]))", "{{{{ run.operator }}}}",
          "{{{{ run.project }}}}", "{{{{ run.mode }}}}"]
"""


def test_run_operator_and_project_exist_when_templates_render(tmp_path) -> None:
    rb = tmp_path / "rb.yaml"
    rb.write_text(RUN_FIELDS_RUNBOOK.format(scenario=DATA / "crash-world.yaml"))
    runs = tmp_path / "runs"
    res = drp("run", str(rb), "--headless", "--operator", "alice", "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    assert "| alice|acme-prod|simulate" in res.output


def test_an_unknown_run_name_is_a_validation_error(tmp_path) -> None:
    rb = tmp_path / "rb.yaml"
    rb.write_text(RUN_FIELDS_RUNBOOK.format(scenario=DATA / "crash-world.yaml").replace(
        "run.project", "run.projet"))
    res = drp("validate", str(rb))
    assert res.exit_code == 3
    assert "run has no 'projet'" in res.output


def test_a_non_utf8_operator_is_a_usage_error_that_journals_nothing(tmp_path) -> None:
    runs = tmp_path / "runs"
    res = run_cli("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs),
                  b"--operator", b"al\xffice", "-p", f"token={CANARY}", cwd=tmp_path)
    assert res.returncode == 2, res.stderr
    assert "--operator is not UTF-8 text" in one_sentence(res.stderr.decode())
    assert no_runs(runs)
