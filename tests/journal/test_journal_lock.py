"""One console per run: a live holder is named, a killed holder frees the run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from drp_console.journal import RunLock, RunLocked, lock_holder

CHILD = Path(__file__).with_name("journal_child.py")


@pytest.fixture
def holder_process(tmp_path: Path):  # type: ignore[no-untyped-def]
    run_dir = tmp_path / "run"
    child = subprocess.Popen(
        [sys.executable, str(CHILD), "lock", str(run_dir), "carol"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == b"locked\n", child.stderr.read() if child.poll() is not None else line
    yield run_dir, child
    if child.poll() is None:
        child.kill()
    child.communicate(timeout=30)


def test_lock_held_by_a_live_process_names_it(holder_process) -> None:  # type: ignore[no-untyped-def]
    run_dir, child = holder_process
    with pytest.raises(RunLocked) as info:
        RunLock(run_dir).acquire("dave")
    holder = info.value.holder
    assert holder["pid"] == child.pid and holder["user"] == "carol"
    assert holder["host"] and holder["since"].endswith("+00:00")
    message = str(info.value)
    assert f"pid {child.pid}" in message and "carol" in message and "released" in message
    assert lock_holder(run_dir) == holder


def test_lock_is_free_once_the_holder_is_killed(holder_process) -> None:  # type: ignore[no-untyped-def]
    run_dir, child = holder_process
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert lock_holder(run_dir) is None
    lock = RunLock(run_dir)
    holder = lock.acquire("dave")
    assert holder["pid"] == os.getpid() and holder["user"] == "dave"
    assert lock_holder(run_dir) == holder  # seen from another open file, as another console would
    lock.release()
    assert lock_holder(run_dir) is None


def test_second_lock_in_the_same_process_is_refused(tmp_path: Path) -> None:
    first = RunLock(tmp_path / "run")
    first.acquire("erin")
    try:
        with pytest.raises(RunLocked, match="erin"):
            RunLock(tmp_path / "run").acquire("frank")
    finally:
        first.release()
    with RunLock(tmp_path / "run") as again:
        assert again.held
    assert (tmp_path / "run" / "run.lock").stat().st_mode & 0o777 == 0o600


def test_unnamed_holder_still_gives_a_message() -> None:
    assert "another drp-console process" in str(RunLocked({}))
