"""A run directory appears whole or not at all: staged, then renamed into place (issue 11)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.journal import Journal, Redactor, RunLock, find_run, list_runs
from drp_console.journal.rundir import STALE_STAGING_SECONDS, clean_staging

ROOT = Path(__file__).resolve().parents[2]
RUN_ID = "20261129T120000Z-failover-abcd"
STARTED = {"run_id": RUN_ID, "runbook": {"id": "failover", "title": "Fail over"},
           "runbook_doc": {"id": "failover", "title": "Fail over", "steps": []}, "params": {},
           "secret_params": [], "mode": "simulate", "scenario": None, "project": "acme-prod",
           "regions": [], "incident_start": None, "tool_version": "0", "host": "h", "pid": 1}


def test_a_staged_run_is_invisible_until_published_then_whole(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    journal = Journal.create(runs, RUN_ID, Redactor(), operator="alice", staged=True)
    lock = RunLock(journal.run_dir)
    lock.acquire("alice")
    assert journal.run_dir.name.startswith(".")
    assert list_runs(runs) == [] and not (runs / RUN_ID).exists()
    journal.write_sync("run_started", **STARTED)
    assert list_runs(runs) == []  # durable, but not yet in place
    final = journal.publish()
    assert final == runs / RUN_ID and journal.path == final / "journal.jsonl"
    assert [p.name for p in runs.iterdir()] == [RUN_ID]
    journal.write_sync("note", text="after the rename", tag=None, step=None)  # same open file
    lock.moved_to(final)
    (summary,) = list_runs(runs)
    assert summary.run_id == RUN_ID and summary.holder is not None  # the lock moved along
    journal.close()
    lock.release()
    assert [e["type"] for e in Journal.open(final, Redactor()).events()] == ["run_started", "note"]


def test_a_zero_byte_journal_is_not_a_run(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    (runs / RUN_ID).mkdir(parents=True)
    (runs / RUN_ID / "journal.jsonl").write_bytes(b"")
    assert list_runs(runs) == []
    res = CliRunner().invoke(cli, ["runs", "--runs-dir", str(runs)])
    assert res.exit_code == 0 and res.output.strip() == "no runs yet"


def test_stale_staged_directories_are_cleaned_fresh_or_locked_ones_kept(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    old = runs / ".new-20261129T100000Z-failover-0001"
    fresh = runs / ".new-20261129T100000Z-failover-0002"
    held = runs / ".new-20261129T100000Z-failover-0003"
    for path in (old, fresh, held):
        path.mkdir(parents=True)
        (path / "journal.jsonl").write_bytes(b"")
    past = time.time() - STALE_STAGING_SECONDS - 60
    os.utime(old, (past, past))
    os.utime(held, (past, past))
    with RunLock(held):
        os.utime(held, (past, past))
        assert clean_staging(runs) == [old]
    assert sorted(p.name for p in runs.iterdir()) == [fresh.name, held.name]


CHILD = textwrap.dedent("""
    import os, signal, sys
    from drp_console.journal import Journal, Redactor
    sys.path.insert(0, {tests!r})
    from test_journal_staged import STARTED
    journal = Journal.create(sys.argv[1], sys.argv[2], Redactor(), staged=True)
    if sys.argv[3] == "after-run-started":
        journal.write_sync("run_started", **STARTED)
    os.kill(os.getpid(), signal.SIGKILL)
""")


@pytest.mark.parametrize("moment", ["before-run-started", "after-run-started"])
def test_sigkill_before_the_rename_leaves_no_run(tmp_path: Path, moment: str) -> None:
    runs = tmp_path / "runs"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    child = subprocess.run([sys.executable, "-c", CHILD.format(tests=str(Path(__file__).parent)),
                            str(runs), RUN_ID, moment], env=env, check=False, timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert list_runs(runs) == []
    with pytest.raises(Exception, match="no run matches"):
        find_run(runs, RUN_ID[:8])


def test_drp_run_leaves_the_run_in_place_and_nothing_staged(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    rb = ROOT / "tests" / "engine" / "data" / "crash-runbook.yaml"
    res = CliRunner().invoke(cli, ["run", str(rb), "--headless", "--runs-dir", str(runs),
                                   "-p", "token=x1234"])
    assert res.exit_code == 5, res.output
    (run_dir,) = runs.iterdir()
    assert not run_dir.name.startswith(".")
    assert {"journal.jsonl", "world.json", "run.lock"} <= {p.name for p in run_dir.iterdir()}
