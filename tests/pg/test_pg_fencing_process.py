"""Takeover fencing with real processes: a driver frozen with SIGSTOP loses its lease, another
person takes the run over and finishes it, and the old driver, continued with SIGCONT, cannot
write one more event (its fencing token is stale)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drp_console.journal.pg_store import PgStore

pytestmark = pytest.mark.slow

RUNBOOK = """\
format: drp/v1
id: fenced
title: A run taken over from a frozen driver
scenario: {scenario}
steps:
  - id: first
    title: A short command
    type: shell
    run: ["true"]
  - id: long
    title: A command the driver is frozen in
    type: shell
    run: ["sleep", "4"]
  - id: last
    title: The last command
    type: shell
    run: ["true"]
"""
ROOT = Path(__file__).resolve().parents[2]


def _events(url: str, run_id: str) -> list[dict]:
    with PgStore(url) as store:
        return [json.loads(line) for line in store.lines(run_id)]


def _wait_for(predicate, what: str, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_frozen_driver_cannot_write_after_a_takeover(journal_url: str, tmp_path: Path) -> None:
    book = tmp_path / "fenced.yaml"
    book.write_text(RUNBOOK.format(scenario=ROOT / "runbooks" / "scenarios" / "calm.yaml"))
    env = {**os.environ, "DRP_LEASE_SECONDS": "2"}
    env.pop("DRP_JOURNAL", None)
    driver = subprocess.Popen(
        [sys.executable, "-m", "drp_console", "run", str(book), "--headless", "--journal",
         journal_url, "--runs-dir", str(tmp_path / "a"), "--operator", "alice"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        run_ids: list[str] = []

        def long_started() -> bool:
            with PgStore(journal_url) as store:
                found = [s.run_id for s in store.summaries() if s.runbook_id == "fenced"]
            run_ids[:] = found
            return bool(found) and any(e["type"] == "call_intent" and e.get("step") == "long"
                                       for e in _events(journal_url, found[0]))

        _wait_for(long_started, "the driver to start the long command")
        run_id = run_ids[0]
        driver.send_signal(signal.SIGSTOP)  # alice's laptop freezes mid-command
        time.sleep(3)  # her lease (2 s) runs out: no heartbeat from a stopped process
        answers = tmp_path / "answers.yaml"
        answers.write_text("long: verified\n")
        bob = subprocess.run(
            [sys.executable, "-m", "drp_console", "resume", run_id, "--headless", "--journal",
             journal_url, "--runs-dir", str(tmp_path / "b"), "--operator", "bob",
             "--answers", str(answers)],
            env=env, capture_output=True, text=True, timeout=120)
        assert bob.returncode == 0, bob.stdout + bob.stderr
        taken = _events(journal_url, run_id)
        assert taken[-1]["type"] == "run_finished"
        driver.send_signal(signal.SIGCONT)  # alice's laptop wakes up
        out, err = driver.communicate(timeout=60)
    finally:
        if driver.poll() is None:
            driver.send_signal(signal.SIGCONT)
            driver.kill()
    after = _events(journal_url, run_id)
    assert after == taken, "the old driver wrote after the takeover"
    assert [e["seq"] for e in after] == list(range(1, len(after) + 1))
    resumed = next(e["seq"] for e in after if e["type"] == "run_resumed")
    assert all(e["operator"] == "bob" for e in after if e["seq"] >= resumed)
    assert driver.returncode != 0, out + err
    assert "Traceback" not in err, err
