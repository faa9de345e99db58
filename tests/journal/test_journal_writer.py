"""The journal writes durable, redacted, contiguous events and refuses what it cannot do."""

from __future__ import annotations

import asyncio
import errno
import json
import os
import stat
import threading
from pathlib import Path

import pytest

from drp_console.journal import Journal, JournalError, Redactor, read_events
from drp_console.journal.events import SCHEMA_VERSION

RUN_ID = "20261127T221613Z-demo-0a1b"


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


def test_round_trip_keeps_every_field_and_header(runs_dir: Path) -> None:
    journal = Journal.create(runs_dir, RUN_ID, Redactor(), operator="alice")
    first = journal.write_sync("note", text="Primary is down", tag="observation", step=None)

    async def more() -> dict:
        return await journal.write("milestone", name="detected", step=None, source="operator")

    second = asyncio.run(more())
    journal.close()

    on_disk = _lines(runs_dir / RUN_ID / "journal.jsonl")
    assert on_disk == [first, second]
    assert [e["seq"] for e in on_disk] == [1, 2]
    assert first["v"] == SCHEMA_VERSION and first["operator"] == "alice"
    assert first["type"] == "note" and first["text"] == "Primary is down"
    assert first["ts"].endswith("+00:00") and "." in first["ts"]  # UTC offset, microseconds
    assert isinstance(first["mono"], float) and second["mono"] >= first["mono"]
    if Path("/proc/sys/kernel/random/boot_id").exists():
        assert first["boot"] == Path("/proc/sys/kernel/random/boot_id").read_text().strip()

    reopened = Journal.open(runs_dir / RUN_ID, Redactor())
    assert reopened.events() == on_disk
    assert reopened.write_sync("note", text="again", tag=None, step=None)["seq"] == 3
    reopened.close()


def test_directory_0700_and_journal_0600_whatever_the_umask(runs_dir: Path) -> None:
    old = os.umask(0)
    try:
        journal = Journal.create(runs_dir, RUN_ID, Redactor())
    finally:
        os.umask(old)
    journal.close()
    assert stat.S_IMODE(os.stat(runs_dir / RUN_ID).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(runs_dir / RUN_ID / "journal.jsonl").st_mode) == 0o600


def test_creating_a_run_twice_is_refused(runs_dir: Path) -> None:
    Journal.create(runs_dir, RUN_ID, Redactor()).close()
    with pytest.raises(JournalError, match="drp resume"):
        Journal.create(runs_dir, RUN_ID, Redactor())


def test_events_are_redacted_before_they_are_written(runs_dir: Path) -> None:
    canary = "canary-Zq83-secret"
    journal = Journal.create(runs_dir, RUN_ID, Redactor([canary]))
    fields = {"text": f"token is {canary}", "tag": None, "step": None, "nested": {"a": [canary]}}
    event = journal.write_sync("note", **fields)
    journal.close()
    assert canary not in (runs_dir / RUN_ID / "journal.jsonl").read_text()
    assert event["text"] == "token is ***" and event["nested"] == {"a": ["***"]}
    assert fields["nested"] == {"a": [canary]}  # the caller's data is untouched


def test_group_commit_under_concurrency(runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many async writers and threads: every acknowledged event is on disk, seq contiguous, and
    the writer fsyncs once per batch (the first fsync is held until all are queued)."""
    journal = Journal.create(runs_dir, RUN_ID, Redactor())
    real_fsync = os.fsync
    release = threading.Event()
    fsyncs = []

    def held_fsync(fd: int) -> None:
        if not fsyncs:
            release.wait(10)
        fsyncs.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", held_fsync)
    acked: list[dict] = []
    lock = threading.Lock()

    def thread_writer(n: int) -> None:
        for i in range(25):
            event = journal.write_sync("output", step=f"t{n}", stream="stdout", text=str(i))
            with lock:
                acked.append(event)

    async def async_writers() -> list[dict]:
        tasks = [
            asyncio.ensure_future(journal.write("note", text=str(i), tag=None, step=None)) for i in range(300)
        ]
        await asyncio.sleep(0)  # every task has queued its event (seq assigned) by now
        release.set()
        return await asyncio.gather(*tasks)

    threads = [threading.Thread(target=thread_writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    acked.extend(asyncio.run(async_writers()))
    for t in threads:
        t.join()
    journal.close()
    monkeypatch.setattr(os, "fsync", real_fsync)

    on_disk = read_events(runs_dir / RUN_ID / "journal.jsonl")
    assert [e["seq"] for e in on_disk] == list(range(1, 401))
    by_seq = {e["seq"]: e for e in on_disk}
    assert all(by_seq[e["seq"]] == e for e in acked) and len(acked) == 400
    # Worst case: the 300 async events in at most 3 commits, the threads' 100 one per commit.
    assert len(fsyncs) <= 103
    assert journal.commits == len(fsyncs)


def test_write_failure_is_never_acknowledged(runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal.create(runs_dir, RUN_ID, Redactor())
    journal.write_sync("note", text="before", tag=None, step=None)
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        real_write(fd, bytes(data)[:7])  # a partial line reaches the file, then the disk is full
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full_disk)
    with pytest.raises(JournalError) as info:
        journal.write_sync("note", text="lost", tag=None, step=None)
    message = str(info.value)
    assert "No space left on device" in message and "Free disk space" in message
    with pytest.raises(JournalError):
        asyncio.run(journal.write("note", text="lost too", tag=None, step=None))

    monkeypatch.setattr(os, "write", real_write)  # space freed: the journal carries on
    after = journal.write_sync("note", text="after", tag=None, step=None)
    journal.close()
    texts = [e["text"] for e in read_events(runs_dir / RUN_ID / "journal.jsonl")]
    assert texts == ["before", "after"] and after["seq"] == 2
    assert [e["text"] for e in journal.events()] == ["before", "after"]


def test_events_submitted_together_are_one_commit_or_none(
        runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal.create(runs_dir, RUN_ID, Redactor())
    group = [("note", {"text": t, "tag": None, "step": None}) for t in ("a", "b", "c")]

    async def submit() -> list[dict]:
        return list(await asyncio.gather(*journal.submit(group)))

    written = asyncio.run(submit())
    assert [e["seq"] for e in written] == [1, 2, 3] and journal.commits == 1
    real_write = os.write

    def full_disk(fd: int, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    async def submit_failing() -> list[object]:
        return list(await asyncio.gather(*journal.submit(group), return_exceptions=True))

    monkeypatch.setattr(os, "write", full_disk)
    failed = asyncio.run(submit_failing())
    monkeypatch.setattr(os, "write", real_write)
    assert all(isinstance(f, JournalError) for f in failed)
    journal.close()
    assert [e["text"] for e in read_events(runs_dir / RUN_ID / "journal.jsonl")] == ["a", "b", "c"]


def test_fsync_failure_stops_the_journal(runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    journal = Journal.create(runs_dir, RUN_ID, Redactor())

    def broken(fd: int) -> None:
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(JournalError, match="Input/output error"):
        journal.write_sync("note", text="x", tag=None, step=None)
    monkeypatch.undo()
    with pytest.raises(JournalError, match="resume the run"):
        journal.write_sync("note", text="y", tag=None, step=None)
    journal.close()
    assert journal.events() == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_read_only_directory_gives_an_actionable_error(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    runs.mkdir()
    runs.chmod(0o500)
    try:
        with pytest.raises(JournalError, match="--runs-dir"):
            Journal.create(runs, RUN_ID, Redactor())
    finally:
        runs.chmod(0o700)


def test_unwritable_runs_dir_gives_an_actionable_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(JournalError, match="cannot create the journal"):
        Journal.create(blocker / "runs", RUN_ID, Redactor())


def test_closed_journal_refuses_writes_and_bad_fields_are_rejected(runs_dir: Path) -> None:
    journal = Journal.create(runs_dir, RUN_ID, Redactor())
    with pytest.raises(ValueError, match="seq"):
        journal.write_sync("note", seq=5)
    with pytest.raises(TypeError):
        journal.write_sync("note", text=object())
    journal.close()
    journal.close()
    with pytest.raises(JournalError, match="closed"):
        journal.write_sync("note", text="late", tag=None, step=None)
    assert journal.events() == []


def test_missing_journal_names_the_path(runs_dir: Path) -> None:
    with pytest.raises(JournalError, match="drp runs"):
        Journal.open(runs_dir / "nope", Redactor())


def test_read_only_filesystem_gives_an_actionable_error(
    runs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(path).endswith("journal.jsonl"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(JournalError) as info:
        Journal.create(runs_dir, RUN_ID, Redactor())
    assert "Read-only file system" in str(info.value) and "--runs-dir" in str(info.value)
