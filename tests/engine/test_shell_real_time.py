"""Shell steps run in real time: their timeout is not divided by the scenario's speed, and a
console killed under a running command resumes with UNKNOWN saying it may still run (issue 11)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from drp_console.cli import cli

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).resolve().parents[2]

RUNBOOK = """format: drp/v1
id: real-time
title: A shell command slower than the simulated world
scenario: {scenario}
steps:
  - id: slow
    title: Take two seconds
    type: shell
    timeout: 1m
    run: [python3, -c, "{script}", "{pidfile}"]
"""
SLEEP = "import time; time.sleep(2)"
HANG = ("import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); "
        "print('started', flush=True); time.sleep(120)")


def write(tmp_path: Path, script: str) -> Path:
    scenario = tmp_path / "world.yaml"
    scenario.write_text((DATA / "crash-world.yaml").read_text().replace("speed: 50", "speed: 60"))
    rb = tmp_path / "rb.yaml"
    rb.write_text(RUNBOOK.format(scenario=scenario, script=script, pidfile=tmp_path / "pid"))
    return rb


def test_a_shell_timeout_is_real_time_whatever_the_speed(tmp_path: Path) -> None:
    rb = write(tmp_path, SLEEP)  # at 60x the old engine killed it after 1 s of its 1 minute
    res = CliRunner().invoke(cli, ["run", str(rb), "--headless", "--runs-dir",
                                   str(tmp_path / "runs")])
    assert res.exit_code == 0, res.output
    assert "timed out" not in res.output


def test_a_killed_console_leaves_resume_saying_the_command_may_still_run(tmp_path: Path) -> None:
    rb = write(tmp_path, HANG)
    runs = tmp_path / "runs"
    env = dict(os.environ, PYTHONPATH=str(ROOT), DRP_TEST_CRASH_AT="output:1")
    crash = subprocess.run([sys.executable, "-m", "drp_console", "run", str(rb), "--headless",
                            "--runs-dir", str(runs)], env=env, capture_output=True, check=False, timeout=120)
    assert crash.returncode == -signal.SIGKILL, crash.stderr
    pid = int((tmp_path / "pid").read_text())
    try:
        os.kill(pid, 0)  # the command outlived the console, in its own process group
        assert os.getpgid(pid) == pid
        res = CliRunner().invoke(cli, ["resume", runs.iterdir().__next__().name, "--headless",
                                       "--runs-dir", str(runs)])
        assert res.exit_code == 5, res.output
        assert "may still be running" in res.output
        (run_dir,) = runs.iterdir()
        events = [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]
        unknown = [e for e in events if e["type"] == "step_unknown"]
        assert unknown and "may still be running" in unknown[0]["reason"]
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
