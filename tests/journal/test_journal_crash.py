"""SIGKILL a process writing the journal at random moments: no acknowledged event is ever lost."""

from __future__ import annotations

import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drp_console.journal import Journal, Redactor, read_events

CHILD = Path(__file__).with_name("journal_child.py")
RUN_ID = "20261127T221613Z-crash-0a1b"
ROUNDS = 30


def _run_child_until_killed(runs_dir: Path, delay: float) -> list[int]:
    """Start a writer, kill it after `delay` seconds of writing; the seqs it saw acknowledged."""
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "write", str(runs_dir), RUN_ID],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    ready = child.stdout.readline()
    assert ready == b"ready\n", (ready, child.stderr.read() if child.poll() is not None else b"")
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, err.decode()
    # Only complete lines: a seq cut off mid-print was acknowledged but is not claimed here.
    return [int(line) for line in out.split(b"\n")[:-1]]


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_event(runs_dir: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    journal_path = runs_dir / RUN_ID / "journal.jsonl"
    acknowledged: set[int] = set()
    torn_appended = 0
    for round_no in range(ROUNDS):
        acked = _run_child_until_killed(runs_dir, rng.uniform(0.0, 0.15))
        acknowledged.update(acked)
        if round_no % 3 == 2:  # also a torn record, as a kill in the middle of write() leaves
            with journal_path.open("ab") as fh:
                fh.write(b'{"v":1,"seq":999999,"ts":"2026-11-27T2'[: rng.randrange(1, 36)])
            torn_appended += 1

        journal = Journal.open(runs_dir / RUN_ID, Redactor())
        events = journal.events()
        journal.close()
        seqs = [e["seq"] for e in events]
        context = f"seed {seed}, round {round_no}"
        assert seqs == list(range(1, len(seqs) + 1)), context
        missing = acknowledged - set(seqs)
        assert not missing, f"{context}: acknowledged but lost: {sorted(missing)[:10]}"
        for seq in acked:
            assert events[seq - 1]["type"] in ("output", "note"), context

    events = read_events(journal_path)
    assert len(acknowledged) > ROUNDS  # the children really wrote between the kills
    repairs = [e for e in events if e["type"] == "warning" and "incomplete" in e["message"]]
    assert len(repairs) >= torn_appended
    assert "hunter2-canary" not in journal_path.read_text()
