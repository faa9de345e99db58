"""The run journal: an append-only JSONL file fsynced in groups by a writer thread.

Callers get a sequence number at once and an acknowledgement only after their line is on disk:
the thread takes every queued line, writes them, fsyncs once, and then resolves the waiting
futures (asyncio futures through `call_soon_threadsafe`, or a blocking wait for `write_sync`).
The event loop never fsyncs. A failed write or fsync is never acknowledged: the batch and every
event queued behind it fail with a `JournalError`. After a failed write the file is cut back to
its last durable length and the sequence continues from there; after a failed fsync the page
cache can no longer be trusted, so the journal refuses further writes until it is reopened.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from pathlib import Path
from typing import Any

from drp_console.journal.event_types import EventType
from drp_console.journal.events import JOURNAL_NAME, STAGING_PREFIX, JournalError, parse_journal
from drp_console.journal.login import login_name
from drp_console.journal.queued import (  # noqa: F401  (boot_id: still importable from here)
    JournalClock,
    Pending,
    QueuedWriter,
    SystemTime,
    acting_operator,
    boot_id,
    encode_event,
    new_event,
    redacted_body,
    settle_all,
)
from drp_console.journal.redact import Redactor


def _os_message(action: str, path: Path, exc: OSError) -> str:
    """An error message a person can act on."""
    reason = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        hint = "Free disk space (or move the runs directory with --runs-dir), then resume the run."
    elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        hint = (
            "Use a writable runs directory (--runs-dir or DRP_RUNS_DIR), or fix the directory's "
            "permissions, then resume the run."
        )
    else:
        hint = "Check the disk and the directory, then resume the run."
    return f"cannot {action} the journal {path}: {reason}. {hint}"


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:
            raise OSError(errno.EIO, "short write")
        view = view[written:]


class Journal(QueuedWriter):
    """One run's durable event journal (`<run_dir>/journal.jsonl`), written by a group-commit thread."""

    def __init__(
        self,
        path: Path,
        fd: int,
        redactor: Redactor,
        events: list[dict[str, Any]],
        size: int,
        *,
        operator: str | None = None,
        clock: JournalClock | None = None,
    ) -> None:
        self.path = path
        """The journal file."""
        self.operator = operator or login_name()
        """The name written into every event's `operator` field; may be changed between events."""
        self.redactor = redactor
        """Applied to every event's fields before it is written."""
        self._fd = fd
        self._clock: JournalClock = clock or SystemTime()
        self._events = events
        self._size = size
        self._next_seq = len(events) + 1
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._queue: list[Pending] = []
        self._closing = False
        self._closed = False
        self._failure: str | None = None
        self._commits = 0
        self._thread = threading.Thread(target=self._run, name=f"journal:{path.parent.name}", daemon=True)
        self._thread.start()

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        runs_dir: Path | str,
        run_id: str,
        redactor: Redactor,
        *,
        operator: str | None = None,
        clock: JournalClock | None = None,
        staged: bool = False,
    ) -> Journal:
        """A new, empty journal in `<runs_dir>/<run_id>/` (directory 0700, file 0600, both fsynced).

        `staged`: in `<runs_dir>/.new-<run_id>/` instead, which no listing shows; `publish()`
        renames it into place once its first events are durable."""
        runs_dir = Path(runs_dir).expanduser()
        run_dir = runs_dir / (STAGING_PREFIX + run_id if staged else run_id)
        path = run_dir / JOURNAL_NAME
        if staged and (runs_dir / run_id).exists():
            raise JournalError(f"{runs_dir / run_id} already exists: run {run_id} was started "
                               f"before. Resume it with `drp resume {run_id}` or start a new run.")
        try:
            if not runs_dir.is_dir():
                runs_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
                _fsync_dir(runs_dir.parent)
            with contextlib.suppress(FileExistsError):
                run_dir.mkdir(mode=0o700)
            os.chmod(run_dir, 0o700)
            _fsync_dir(runs_dir)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | os.O_CLOEXEC, 0o600)
        except FileExistsError as exc:
            raise JournalError(
                f"{path} already exists: run {run_id} was started before. Resume it with "
                f"`drp resume {run_id}` or start a new run."
            ) from exc
        except OSError as exc:
            raise JournalError(_os_message("create", path, exc)) from exc
        try:
            os.fchmod(fd, 0o600)
            os.fsync(fd)
            _fsync_dir(run_dir)
        except OSError as exc:
            os.close(fd)
            raise JournalError(_os_message("create", path, exc)) from exc
        return cls(path, fd, redactor, [], 0, operator=operator, clock=clock)

    @classmethod
    def open(
        cls,
        run_dir: Path | str,
        redactor: Redactor,
        *,
        operator: str | None = None,
        clock: JournalClock | None = None,
    ) -> Journal:
        """An existing journal, its torn tail repaired (with a `warning` event), ready to append."""
        path = Path(run_dir).expanduser() / JOURNAL_NAME
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CLOEXEC)
        except FileNotFoundError as exc:
            raise JournalError(
                f"there is no journal at {path}: check the run id or directory (`drp runs` lists "
                "the runs)."
            ) from exc
        except OSError as exc:
            raise JournalError(_os_message("open", path, exc)) from exc
        try:
            chunks = []
            while chunk := os.read(fd, 1 << 20):
                chunks.append(chunk)
            data = b"".join(chunks)
            parsed = parse_journal(data, path)
            if parsed.dropped:
                os.ftruncate(fd, parsed.good_length)
                os.fsync(fd)
        except JournalError:
            os.close(fd)
            raise
        except OSError as exc:
            os.close(fd)
            raise JournalError(_os_message("repair", path, exc)) from exc
        journal = cls(path, fd, redactor, parsed.events, parsed.good_length, operator=operator, clock=clock)
        if parsed.dropped:
            journal.write_sync(
                EventType.WARNING,
                message=(
                    f"the journal's last line was incomplete (the console stopped while writing "
                    f"it); repaired by dropping {parsed.dropped} bytes after event "
                    f"{len(parsed.events)}"
                ),
                step=None,
                dropped_bytes=parsed.dropped,
            )
        return journal

    def publish(self) -> Path:
        """Rename a staged run directory into place (after its events are durable); its path.

        The directory moves whole, open files and locks included; the runs directory is fsynced
        so the rename survives a crash."""
        run_dir = self.path.parent
        if not run_dir.name.startswith(STAGING_PREFIX):
            return run_dir
        final = run_dir.with_name(run_dir.name[len(STAGING_PREFIX):])
        with self._lock:
            if self._queue or not self._events:
                raise JournalError(f"{self.path}: publish only a journal whose events are on disk")
        try:
            if final.exists():
                raise FileExistsError(final)
            os.rename(run_dir, final)
            _fsync_dir(final.parent)
        except OSError as exc:
            raise JournalError(_os_message("publish", final / JOURNAL_NAME, exc)) from exc
        self.path = final / JOURNAL_NAME
        return final

    # -- writing -------------------------------------------------------------------------------

    def _enqueue(self, type: str, fields: dict[str, Any], pending: Pending) -> None:
        body = redacted_body(self.redactor, fields)
        with self._lock:
            if self._closing or self._closed:
                raise JournalError(f"the journal {self.path} is closed; reopen the run to write to it")
            if self._failure is not None:
                raise JournalError(self._failure)
            event = new_event(self._next_seq, type, acting_operator(self.operator), self._clock, body)
            pending.event = event
            pending.line = encode_event(event)
            self._next_seq += 1
            self._queue.append(pending)
            self._wake.notify()

    def _run(self) -> None:
        while (batch := self._next_batch()) is not None:
            data = b"".join(p.line for p in batch)
            try:
                _write_all(self._fd, data)
            except OSError as exc:
                self._fail(batch, _os_message("write", self.path, exc), cut_back=True)
                continue
            try:
                os.fsync(self._fd)
            except OSError as exc:
                self._fail(batch, _os_message("write", self.path, exc), cut_back=False)
                continue
            with self._lock:
                self._size += len(data)
            self._committed(batch)

    def _fail(self, batch: list[Pending], message: str, *, cut_back: bool) -> None:
        """Fail a batch and everything queued behind it; keep the journal usable if possible."""
        with self._lock:
            failed, self._queue = batch + self._queue, []
            broken = not cut_back
            if cut_back:
                try:
                    os.ftruncate(self._fd, self._size)
                    os.fsync(self._fd)
                except OSError:
                    broken = True
            if broken:
                self._failure = (
                    f"{message} (the journal stopped accepting events after this error; "
                    "resume the run to continue)"
                )
            else:
                self._next_seq = failed[0].event["seq"]
        error = JournalError(message)
        settle_all(failed, error)

    # -- reading and closing --------------------------------------------------------------------

    @property
    def run_dir(self) -> Path:
        """The run directory holding this journal."""
        return self.path.parent

    @property
    def run_id(self) -> str:
        """The run id (the run directory's name)."""
        return self.path.parent.name

    def close(self) -> None:
        """Write what is queued, stop the writer thread and close the file (idempotent)."""
        with self._lock:
            if self._closed:
                return
            self._closing = True
            self._wake.notify()
        if threading.current_thread() is not self._thread:
            self._thread.join()
        with self._lock:
            self._closed = True
            with contextlib.suppress(OSError):
                os.close(self._fd)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
