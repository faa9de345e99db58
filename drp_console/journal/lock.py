"""The run lock: one console writes a run at a time, and a refused one learns who holds it.

`fcntl.flock` on `<run_dir>/run.lock`; the kernel drops the lock when the holder's process ends,
however it ends, so a crashed console never leaves a stale lock behind. (flock is not reliable
on NFS; runs directories belong on a local disk.)
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drp_console.journal.events import LOCK_NAME, JournalError
from drp_console.journal.login import login_name


class RunLocked(Exception):
    """Another process holds the run; `holder` is its `{pid, host, user, since}` (maybe empty)."""

    def __init__(self, holder: dict[str, Any], run_dir: Path | str | None = None) -> None:
        self.holder = holder
        """What the holder wrote into the lock file: pid, host, user, since."""
        self.run_dir = run_dir
        """The locked run directory."""
        super().__init__(self._message())

    def _message(self) -> str:
        where = f"run {Path(self.run_dir).name} " if self.run_dir else "the run "
        h = self.holder
        if not h:
            who = "another drp-console process (it has not written its name yet)"
        else:
            who = (
                f"{h.get('user', 'someone')} (pid {h.get('pid', '?')} on {h.get('host', '?')}, "
                f"since {h.get('since', '?')})"
            )
        return (
            f"{where}is in use by {who}. Only one console can run it at a time: ask them to quit "
            "it, or wait; the lock is released as soon as their process ends."
        )


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 65536)
        holder = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _open_lock_file(path: Path) -> int:
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        raise JournalError(
            f"cannot open the run lock {path}: {exc.strerror or exc}. Check that the run "
            "directory exists and is writable."
        ) from exc
    return fd


class RunLock:
    """The lock on one run directory (`run.lock`); hold it for as long as the run is open."""

    def __init__(self, run_dir: Path | str) -> None:
        self.run_dir = Path(run_dir)
        """The run directory."""
        self.path = self.run_dir / LOCK_NAME
        """The lock file."""
        self.holder: dict[str, Any] | None = None
        """What this lock wrote once acquired."""
        self._fd: int | None = None

    def acquire(self, operator: str | None = None) -> dict[str, Any]:
        """Take the lock and write the holder; raises `RunLocked` naming the current holder."""
        if self._fd is not None:
            return self.holder or {}
        if not self.run_dir.exists():
            self.run_dir.mkdir(mode=0o700, parents=True)
        fd = _open_lock_file(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise RunLocked(holder, self.run_dir) from None
        except OSError as exc:
            os.close(fd)
            raise JournalError(f"cannot lock {self.path}: {exc.strerror or exc}") from exc
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": operator or login_name(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(holder).encode() + b"\n", 0)
            os.fsync(fd)
        except OSError:
            pass  # the lock itself is held; only the name for others is missing
        self._fd = fd
        self.holder = holder
        return holder

    def release(self) -> None:
        """Give the lock up (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
        self.holder = None

    def moved_to(self, run_dir: Path | str) -> None:
        """The run directory was renamed (the lock stays held: it is on the open file)."""
        self.run_dir = Path(run_dir)
        self.path = self.run_dir / LOCK_NAME

    @property
    def held(self) -> bool:
        """This object holds the lock."""
        return self._fd is not None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def lock_holder(run_dir: Path | str) -> dict[str, Any] | None:
    """Who holds the run's lock right now (`{}` when unnamed), or None when it is free."""
    path = Path(run_dir) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError:
        return {}
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)
