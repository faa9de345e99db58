"""A child process for a shell step, watched by the event loop without a thread per child.

The process is started as asyncio starts one (`subprocess.Popen`, which uses vfork: the loop
waits only until the child has called exec, a fraction of a millisecond); its output pipes are
read by the loop, and its exit is seen through a pidfd (Linux) instead of asyncio's watcher,
which starts a thread for every child (elsewhere one of the engine's call threads waits).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Awaitable, Callable
from typing import IO, Any

Blocking = Callable[..., Awaitable[Any]]
"""How to run a blocking function off the loop (`StepHost.call_blocking`)."""


class Child:
    """A started command in its own session (process group): its output streams and its exit."""

    def __init__(self, proc: subprocess.Popen[bytes], stdout: asyncio.StreamReader,
                 stderr: asyncio.StreamReader) -> None:
        self.proc = proc
        self.stdout = stdout
        self.stderr = stderr

    @property
    def returncode(self) -> int | None:
        """The exit status once `wait` returned (negative: killed by that signal)."""
        return self.proc.returncode

    async def wait(self, blocking: Blocking) -> int:
        """Wait for the process to exit; its exit status."""
        if self.proc.returncode is not None:
            return self.proc.returncode
        loop = asyncio.get_running_loop()
        try:
            fd = os.pidfd_open(self.proc.pid)
        except (AttributeError, OSError):  # no pidfd here: a call thread waits
            return int(await blocking(self.proc.wait))
        exited: asyncio.Future[None] = loop.create_future()

        def readable() -> None:
            if not exited.done():
                exited.set_result(None)

        loop.add_reader(fd, readable)
        try:
            await exited
        finally:
            loop.remove_reader(fd)
            os.close(fd)
        return self.proc.wait()  # it has exited: reaps it at once

    def kill(self) -> None:
        """SIGKILL the whole process group (the command and what it started)."""
        _kill_group(self.proc)


async def start(argv: list[str], *, env: dict[str, str] | None, cwd: str | None) -> Child:
    """Start `argv` (no shell) in its own session with piped output and no input; OSError or
    ValueError when it cannot be started. `env` None: this process's environment."""
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=cwd, start_new_session=True)
    try:
        stdout, stderr = await asyncio.gather(_reader(proc.stdout), _reader(proc.stderr))
    except BaseException:
        _kill_group(proc)
        raise
    return Child(proc, stdout, stderr)


async def _reader(pipe: IO[bytes] | None) -> asyncio.StreamReader:
    """A stream reading the pipe on the loop."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(loop=loop)
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), pipe)
    return reader


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(proc.pid, signal.SIGKILL)
