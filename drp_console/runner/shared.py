"""A run driven on the shared journal (PostgreSQL): the driver's engine, its joiners' commands,
its local directory and its simulated world.

Where things live on a shared run:
- the events, the lease, the commands and the participants: in the database;
- the simulated world: `world.json` in the driver's local run directory (the embedded simulator
  saves it there as it changes) and a copy in the database's run files, written through by the
  simulator on every change before it answers the call that made it (fenced by the driver's
  lease token; `carry_world`) and downloaded by whoever takes over, so a simulated run keeps
  its world across a takeover on another machine: whatever the killed driver's engine saw
  the world do is in the database's copy (a call it made whose answer it never journaled is
  re-sent with its requestId, or resolved by a person as UNKNOWN, as on any resume);
- reports: in a local run directory per machine (`<runs dir>/<run id>`, holding `shared.json`
  that names the database); once the run has finished, the driver writes the journal there as
  `journal.jsonl` (the lines `drp journal export` writes), so `drp report` reads it like a local
  run's and the reports are the same from either backend.

`SharedEngine` is the Engine plus, while it runs, a task that takes joiners' commands as soon as
they are submitted (LISTEN/NOTIFY, a slow poll as fallback), applies each (`joiner_commands`)
and finishes it, keeps this console announced as the driver, and uploads the world.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path
from typing import Any

from drp_console.engine.scheduler import Engine
from drp_console.journal.state import RunState
from drp_console.runner.joiner_commands import apply_command, rejected

WORLD_FILE = "world.json"
"""The simulated world's file, locally and among the run's files in the database."""
MARKER_FILE = "shared.json"
"""In a shared run's local directory: which database holds the run."""
ANNOUNCE_SECONDS = 10.0
"""How often the driver says again that it is on the run."""
POLL_SECONDS = 2.0
"""The fallback poll for commands when no notification arrives."""


class NoLock:
    """A shared run's stand-in for the local RunLock: the database lease is the lock."""

    def acquire(self, operator: str) -> None:
        """Nothing to take: the lease was taken when the journal was opened."""

    def release(self) -> None:
        """Nothing to give up: closing the journal releases the lease."""


def local_dir(runs_dir: Path, run_id: str, where: str) -> Path:
    """This machine's directory for a shared run (reports, world), made if missing."""
    run_dir = runs_dir / run_id
    run_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = run_dir / MARKER_FILE
    if not marker.exists():
        marker.write_text(json.dumps({"run_id": run_id, "journal": where}) + "\n",
                          encoding="utf-8")
    return run_dir


def fetch_world(journal: Any, run_dir: Path) -> bool:
    """Put the database's copy of the simulated world in the local directory (a takeover);
    False when the run has none yet."""
    data = journal.store.get_file(journal.run_id, WORLD_FILE)
    if data is None:
        return False
    path = run_dir / WORLD_FILE
    tmp = path.with_name(f".{WORLD_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return True


def carry_world(session: Any) -> None:
    """Make the embedded simulator store every change of its world in the database before it
    answers the call that made it, and store the world as it is now."""
    sim = session.sim
    if sim is None or getattr(sim, "state_file", None) is None:
        return
    journal = session.journal

    def store(data: bytes) -> None:
        journal.store.put_file(journal.run_id, WORLD_FILE, data, token=journal.lease.token)

    sim.on_save = store
    WorldSync(session).upload()


class WorldSync:
    """Uploads the simulator's world file to the run's files when it changed."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self._sent: tuple[float, int] | None = None

    def upload(self) -> bool:
        """Send the world if it changed since the last upload; True when sent."""
        sim = self.session.sim
        path = getattr(sim, "state_file", None)
        if sim is None or path is None:
            return False
        with sim.world.lock:
            try:
                stat = path.stat()
                mark = (stat.st_mtime, stat.st_size)
                if mark == self._sent:
                    return False
                data = path.read_bytes()
            except FileNotFoundError:
                return False
        journal = self.session.journal
        journal.store.put_file(journal.run_id, WORLD_FILE, data, token=journal.lease.token)
        self._sent = mark
        return True


def export_finished(session: Any) -> Path | None:
    """A finished shared run: its journal lines as `journal.jsonl` in the local directory."""
    journal = session.journal
    lines = journal.store.lines(journal.run_id)
    path = Path(session.run_dir) / "journal.jsonl"
    tmp = path.with_name(f".journal.jsonl.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write("".join(lines))
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
    return path


class SharedEngine(Engine):
    """The engine of a shared run: it also serves the joiners' commands while it runs."""

    session: Any = None
    """The RunSession (set by `RunSession.engine`)."""

    async def run(self) -> RunState:
        """Run (or resume) to the end, taking joiners' commands meanwhile; a finished run's
        journal is copied into the local directory for its reports."""
        await asyncio.to_thread(carry_world, self.session)
        world = WorldSync(self.session)
        self._outcomes: list[tuple[int, str, dict[str, Any]]] = []
        self._taking = asyncio.Lock()  # the pump and the run's end take commands in turn
        self._finishing = False
        pump = asyncio.ensure_future(self._serve(world))
        try:
            state = await super().run()
        finally:
            pump.cancel()
            with contextlib.suppress(BaseException):
                await pump
        with contextlib.suppress(Exception):
            await asyncio.to_thread(world.upload)
        if state.finished:
            await asyncio.to_thread(export_finished, self.session)
        return state

    async def _serve(self, world: WorldSync) -> None:
        """Take and apply commands whenever a joiner submits one; announce; upload the world."""
        from drp_console.journal.events import JournalError
        from drp_console.journal.pg_follow import command_wakeups

        journal = self.session.journal
        loop = asyncio.get_running_loop()
        announced = 0.0
        async for _ in command_wakeups(journal.store.url, journal.run_id, poll=POLL_SECONDS):
            try:
                await self._record_outcomes()
                if loop.time() - announced > ANNOUNCE_SECONDS:
                    await asyncio.to_thread(journal.store.announce, journal.run_id,
                                            self.ctx.operator, "driver")
                    announced = loop.time()
                await self._take_and_apply()
                await asyncio.to_thread(world.upload)
            except JournalError:
                continue  # unreachable or taken over: the journal's writes say so

    async def _take_and_apply(self) -> bool:
        """Take the pending commands and apply them; True when one was done. None is taken once
        the run's end has begun (its last commands are applied before `run_finished`)."""
        async with self._taking:
            if self._finishing:
                return False
            done = False
            for command in await asyncio.to_thread(self.session.journal.take_commands):
                done = await self._apply(command) or done
            return done

    async def before_finish(self) -> bool:
        """Every step has ended: apply what joiners sent meanwhile (an earlier driver's taken
        but unjournaled commands too) before `run_finished`, then take no more."""
        from drp_console.journal.events import JournalError

        try:
            if await self._take_and_apply():
                return True
        except JournalError:
            pass  # unreachable or taken over: the run's own writes say so
        async with self._taking:
            self._finishing = True
        return False

    async def _apply(self, command: Any) -> bool:
        try:
            status, result = await apply_command(self, command)
        except Exception as exc:  # noqa: BLE001 - a bad command must not stop the run
            status, result = rejected(f"the driver could not apply it: {exc}")
        self._outcomes.append((command.id, status, result))
        await self._record_outcomes()
        return status == "done"

    async def _record_outcomes(self) -> None:
        """Tell the joiners what became of their commands (kept to try again while the
        database is unreachable; a command's `done` itself is journaled with its effect)."""
        journal = self.session.journal
        while self._outcomes:
            command_id, status, result = self._outcomes[0]
            await asyncio.to_thread(journal.store.record_outcome, command_id, status, result,
                                    token=journal.lease.token)
            self._outcomes.pop(0)
