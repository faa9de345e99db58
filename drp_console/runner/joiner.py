"""`drp join`: the run screen for someone who joins a shared run that another console drives.

The screen is the same `RunScreen`: it folds the same events into the same `RunState`. What
differs is behind it. `JoinSession` stands in for a `RunSession` (no world, no lease: the run's
events come from the database), and `CommandEngine` for the engine: it follows every event as
it is committed (`pg_follow.follow`, LISTEN/NOTIFY) and hands each to the screen, registers each
open question with the screen's responder (so the usual keys and dialogs answer it), and turns
every answer and operator action into a command for the driver (`PgStore.submit_command`),
waiting for the driver to apply or reject it. The driver journals it under this person's name.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drp_console.journal.events import JournalError
from drp_console.journal.state import RunState
from drp_console.runner.takeover import driver_silence

ANNOUNCE_SECONDS = 10.0
"""How often a joiner says again that it is on the run (and reads who else is)."""
LEASE_CHECK_SECONDS = 2.0
"""How often a joiner reads the driver's lease (whether the driver has gone silent)."""
COMMAND_WAIT = 0.2
"""How often a joiner looks whether the driver has finished its command."""


class CommandRefused(JournalError):
    """The driver rejected a command; the message is its reason."""


class JoinerJournal:
    """What the run screen reads of `session.journal`: the events known so far, the operator."""

    def __init__(self, events: list[dict[str, Any]], operator: str) -> None:
        self._events = events
        self.operator = operator
        """Who this console is (commands are sent under this name)."""

    def events(self) -> list[dict[str, Any]]:
        """The events known so far (the history, then what `follow` brought)."""
        return list(self._events)


class JoinSession:
    """A shared run opened to follow and act through its driver (no lease, no world)."""

    def __init__(self, url: str, run_ref: str, *, operator: str, runs_dir: Path,
                 role: str = "joiner") -> None:
        from drp_console.engine.context import RunContext
        from drp_console.journal.pg_store import PgStore
        from drp_console.runbook.model import Runbook
        from drp_console.runner.shared import local_dir

        self.store = PgStore(url)
        """The database handle."""
        self.role = role
        """`joiner` (may act) or `watcher` (read only)."""
        try:
            self.store.check_schema()
            run_id = self.store.find_run(run_ref)
            events = self.store.events(run_id)
        except BaseException:
            self.store.close()
            raise
        started = RunState.fold(events).run_started
        if started is None:
            self.store.close()
            raise JournalError(f"run {run_id} has not started yet: join it again in a moment")
        self.runbook = Runbook.from_doc(started["runbook_doc"], started["runbook"].get("hash", ""))
        """The runbook, from the journaled document."""
        self.ctx = RunContext(run_id=run_id, mode=started.get("mode", "simulate"), params={},
                              operator=operator, project=started.get("project"))
        """Run id, mode and who this console is (as the run screen reads them)."""
        self.journal = JoinerJournal(events, operator)
        """The events known so far."""
        self.run_dir = local_dir(runs_dir, run_id, _safe(url))
        """This machine's directory for the run (its reports once finished)."""
        self.scenario = self.sim = self.cloud = None
        self.resumed = False
        self.people: str = ""
        """Who is on the run, for the header: `alice drives · bob, carol`."""
        self.silence: Any = None
        """`runner.takeover.DriverSilence` once the driver has gone silent (None while its
        lease is alive): the console then offers to take the run over."""
        self.taken_over = False
        """This console took the run over (it drives it now, in a `RunSession`)."""
        self.notify: Callable[[str], None] | None = None
        """Tells the person at this console what the driver refused (set by the app)."""
        self._closed = False

    shared = True

    def engine(self, responder: Any, clock: Any = None) -> CommandEngine:
        """The stand-in engine the run screen drives (see `CommandEngine`)."""
        return CommandEngine(self, responder)

    def close(self) -> None:
        """Leave the run (idempotent)."""
        if self._closed:
            return
        self._closed = True
        with contextlib.suppress(JournalError):
            self.store.leave(self.ctx.run_id, self.journal.operator)
        self.store.close()


def _safe(url: str) -> str:
    from drp_console.journal.backend import safe_url

    return safe_url(url)


class CommandEngine:
    """The engine's face for a joiner: events from the database, actions as commands."""

    def __init__(self, session: JoinSession, responder: Any) -> None:
        self.session = session
        self.responder = responder
        self.runbook = session.runbook
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._state = RunState.fold(session.journal._events)
        self._asking: dict[str, asyncio.Task[Any]] = {}
        self._task: asyncio.Task[Any] | None = None
        self.database_error: Exception | None = None
        """Why the database cannot be followed right now (None while it can)."""

    # -- following -------------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call `listener(event)` for every new event of the run."""
        self._listeners.append(listener)

    @property
    def paused(self) -> bool:
        return self._state.status == "paused"

    def state(self) -> RunState:
        return self._state

    async def run(self) -> RunState:
        """Follow the run until it finishes (or this console leaves)."""
        from drp_console.journal.pg_follow import follow

        self._task = asyncio.current_task()
        session = self.session
        for step_id, step in self._state.steps.items():
            if step.status in ("waiting", "unknown") and step.question:
                self._ask(step_id, step.question)
        beat = asyncio.ensure_future(self._announce())
        try:
            if not self._state.finished:
                async for event in follow(session.store.url, session.ctx.run_id,
                                          self._state.last_seq, on_error=self._on_error):
                    self._take(event)
                    if self._state.finished:
                        break
        finally:
            beat.cancel()
        if self._state.finished:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(_export, session)
        return self._state

    def _on_error(self, error: Exception | None) -> None:
        self.database_error = error
        if self.session.notify is not None:
            self.session.notify(str(error) if error is not None else
                                "The journal database is back: following the run again.")

    def _take(self, event: dict[str, Any]) -> None:
        self.session.journal._events.append(event)
        step = event.get("step")
        before = self._state.steps.get(step) if isinstance(step, str) else None
        asked_before = before.asked if before is not None else None
        self._state.apply(event)
        if isinstance(step, str) and step in self._state.steps:
            state = self._state.steps[step]
            if state.question is not None and state.asked is not asked_before:
                self._ask(step, state.question)  # a new question: the screen's keys answer it
            elif state.question is None:  # answered or finished: the question is withdrawn
                task = self._asking.pop(step, None)
                if task is not None:
                    task.cancel()
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):
                listener(event)

    async def _announce(self) -> None:
        """Say this console is on the run, read who else is, and watch the driver's lease."""
        session, run_id = self.session, self.session.ctx.run_id
        people: list[dict[str, Any]] = []
        announced: float | None = None
        loop = asyncio.get_running_loop()
        while True:
            with contextlib.suppress(JournalError):
                if announced is None or loop.time() - announced >= ANNOUNCE_SECONDS:
                    await asyncio.to_thread(session.store.announce, run_id,
                                            session.journal.operator, session.role)
                    people = await asyncio.to_thread(session.store.participants, run_id)
                    announced = loop.time()
                lease = await asyncio.to_thread(session.store.lease, run_id)
                self._silence(driver_silence(lease, self._state))
                holder = lease.get("holder") if lease and lease.get("live") else None
                session.people = people_text(people, session.silence, holder=holder,
                                             offer=session.role == "joiner")
            await asyncio.sleep(LEASE_CHECK_SECONDS)

    def _silence(self, silence: Any) -> None:
        """Note the driver's silence; say it once when it begins."""
        session = self.session
        began = silence is not None and session.silence is None
        session.silence = silence
        if began and session.notify is not None:
            offer = (" Press T to take the run over." if session.role == "joiner" else "")
            session.notify(f"The driver has stopped: {silence.text()}.{offer}")

    # -- questions -------------------------------------------------------------------------------

    def _ask(self, step: str, asked: dict[str, Any]) -> None:
        """Register a step's open question with the screen's responder; its answer is sent."""
        from drp_console.engine.responder import Question

        old = self._asking.pop(step, None)
        if old is not None:
            old.cancel()
        if self.session.role != "joiner":
            return
        question = Question(step=step, kind=asked.get("kind") or "manual",
                            prompt=asked.get("prompt") or "", role=asked.get("role"),
                            options=tuple(asked.get("options") or ()),
                            checklist=tuple(asked.get("checklist") or ()),
                            recommended=asked.get("recommended"))
        self._asking[step] = asyncio.ensure_future(self._answer_loop(question))

    async def _answer_loop(self, question: Any) -> None:
        while True:
            answer = await self.responder.ask(question)
            kind, payload = command_for(question, answer)
            try:
                if kind is None:
                    raise CommandRefused(payload["reason"])
                await self._send(kind, question.step, payload, by=answer.by)
                return
            except JournalError as exc:
                if self.session.notify is not None:
                    self.session.notify(f"Not sent: {exc}")

    def waiting_question(self, step: str) -> Any:
        return self.responder.question(step)

    # -- operator commands -----------------------------------------------------------------------

    async def _send(self, kind: str, step: str | None, payload: dict[str, Any],
                    by: str | None = None) -> dict[str, Any]:
        """Submit a command and wait for the driver; its result, or CommandRefused."""
        store, run_id = self.session.store, self.session.ctx.run_id
        who = by or self.session.journal.operator
        command_id = await asyncio.to_thread(store.submit_command, run_id, kind, by=who,
                                             step=step, payload=payload)
        while True:
            command = await asyncio.to_thread(store.command, command_id)
            if command.status == "done":
                return dict(command.result or {})
            if command.status == "rejected":
                raise CommandRefused((command.result or {}).get("reason") or "refused")
            await asyncio.sleep(COMMAND_WAIT)

    def _spawn(self, kind: str, step: str | None = None, **payload: Any) -> asyncio.Task[Any]:
        if self.session.role != "joiner":
            raise CommandRefused("this console only watches the run")
        return asyncio.ensure_future(self._send(kind, step, payload))

    def tick(self, step: str, item: int, checked: bool = True, by: str | None = None) -> Any:
        question = self.responder.question(step)
        if question is None or question.kind != "manual" or not 0 <= item < len(question.checklist):
            return False
        return self._spawn("tick", step, item=item, checked=checked)

    def note(self, text: str, tag: str | None = None, step: str | None = None) -> Any:
        return self._spawn("note", step, text=text, tag=tag)

    def milestone(self, name: str) -> Any:
        return self._spawn("milestone", name=name)

    def pause(self, reason: str | None = None) -> Any:
        return self._spawn("pause", reason=reason)

    def unpause(self, reason: str | None = None) -> Any:
        return self._spawn("unpause", reason=reason)

    def retry(self, step: str, by: str | None = None) -> Any:
        return self._spawn("retry", step)

    def skip(self, step: str, reason: str, by: str | None = None) -> Any:
        return self._spawn("skip", step, reason=reason)

    def stop(self) -> None:
        """Leave the run (it goes on with its driver)."""
        for task in self._asking.values():
            task.cancel()
        if self._task is not None and not self._task.done():
            self._task.cancel()


def command_for(question: Any, answer: Any) -> tuple[str | None, dict[str, Any]]:
    """The command an answer to a question becomes: (kind, payload); (None, {reason}) when a
    joiner cannot give that answer."""
    kind, value = question.kind, answer.value
    extra = {k: v for k, v in (("reason", answer.reason), ("role", answer.role)) if v}
    if kind == "manual":
        return "done", {}
    if kind == "approval":
        return value, extra
    if kind == "decision":
        return "decide", {"option": value, **extra}
    if kind == "unknown":
        return "resolve", {"answer": value, **extra}
    if kind == "failed" and value in ("retry", "skip"):
        return value, extra
    return None, {"reason": f"only the driver can answer {value!r} to a {kind} question"}


def people_text(people: list[dict[str, Any]], silence: Any = None, *, holder: str | None = None,
                offer: bool = False) -> str:
    """`alice drives with bob, carol (watching)` for the header (`holder`: who holds the live
    lease, else the participants' driver); once the driver has gone silent, `alice silent for
    17 s (lease expired): T takes over with bob` (`offer`: this console may take over)."""
    drivers = [holder] if holder else [p["who"] for p in people if p["role"] == "driver"]
    others = [p["who"] + (" (watching)" if p["role"] == "watcher" else "")
              for p in people if p["role"] != "driver"]
    parts = [f"{', '.join(dict.fromkeys(drivers))} drives" if drivers else "nobody drives"]
    if silence is not None:
        parts = [silence.text() + (": T takes over" if offer else "")]
    if others:
        parts.append("with " + ", ".join(dict.fromkeys(others)))
    return " ".join(parts)


def _export(session: JoinSession) -> None:
    """A finished run's journal beside this machine's reports (as the driver writes it)."""
    import os

    path = Path(session.run_dir) / "journal.jsonl"
    if path.exists():
        return
    lines = session.store.lines(session.ctx.run_id)
    tmp = path.with_name(f".journal.jsonl.{os.getpid()}.tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    os.replace(tmp, path)


__all__ = ["CommandEngine", "CommandRefused", "JoinSession", "command_for", "people_text"]
