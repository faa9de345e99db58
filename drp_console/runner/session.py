"""One run's resources, opened in one place: runbook, parameters, simulator, cloud, journal, lock."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drp_console.engine.clock import Clock
from drp_console.engine.context import RunContext
from drp_console.engine.responder import Responder
from drp_console.engine.scheduler import Engine
from drp_console.exit_codes import ExitCode
from drp_console.journal.event_types import MilestoneReached, RunResumed, RunStarted
from drp_console.runner.crash import crash_hook
from drp_console.runner.preflight import (
    EXIT_NO_CREDENTIALS,
    SessionError,
    check_live_credentials,
    parse_incident_start,
    sim_health,
)

__all__ = ["EXIT_NO_CREDENTIALS", "RunSession", "SessionError", "check_live_credentials",
           "parse_incident_start", "sim_health"]
from drp_console.settings import settings


@dataclass
class RunSession:
    """Everything one run needs; `close()` releases it all (simulator, lock, journal)."""

    runbook: Any
    """The runbook model (from the file on start, from the journal on resume)."""
    ctx: RunContext
    """Run id, mode, parameters, operator, speed, project, run directory."""
    journal: Any
    """The run's open Journal."""
    lock: Any
    """The RunLock this process holds."""
    cloud: Any
    """The Cloud clients' factory (simulator endpoint or live)."""
    sim: Any = None
    """The embedded SimServer, or None (live, or an external simulator)."""
    run_dir: Path = field(default_factory=Path)
    """The run directory."""
    scenario: Any = None
    """The Scenario of a simulated run, when known."""
    resumed: bool = False
    """True when opened by `resume`."""

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def start(cls, runbook_path: str | Path, *, mode: str = "simulate",
              params: dict[str, str] | None = None, scenario_path: str | Path | None = None,
              sim_endpoint: str | None = None, operator: str | None = None,
              runs_dir: str | Path | None = None, project: str | None = None,
              incident_start: str | None = None, alert: Any = None,
              journal_url: str | None = None) -> RunSession:
        """Start a new run: validate, resolve parameters, open the world, journal run_started.

        `alert` (an `alerts.incident.Incident`) fills `from_alert` parameters, sets the incident
        start to its `started_at`, is kept in `run_started.alert` and records milestone
        `detected` at that time (AlertError, exit 2, when it cannot start this runbook).

        `journal_url` (a `postgresql://` URL) keeps the run in that shared journal instead of
        the local files (see `runner.shared`).

        Raises InvalidDocument (exit 3), ParameterError (2), RunLocked (4), SessionError."""
        from drp_console import __version__
        from drp_console.engine.operator import guess_operator
        from drp_console.journal import Journal, Redactor, RunLock, default_runs_dir, new_run_id
        from drp_console.runbook.loader import load_runbook
        from drp_console.runbook.params import masked, resolve_params, secret_values

        if mode not in ("simulate", "training", "live"):
            raise SessionError(f"unknown mode {mode!r}: use simulate, training or live")
        operator = guess_operator(operator)
        runbook = load_runbook(runbook_path)
        rules = _residency_rules(runbook)
        alert_doc = None
        if alert is not None:
            from drp_console.alerts.matching import alert_params, check_trigger, journal_view

            check_trigger(runbook, alert)
            params = alert_params(runbook, alert, params or {})
            incident_start, alert_doc = alert.started_at.isoformat(), journal_view(alert)
        values = resolve_params(runbook, params or {})
        scenario, scenario_file = None, None
        if mode != "live":
            scenario_file = Path(scenario_path) if scenario_path else runbook.scenario_path()
            if scenario_file is None and sim_endpoint is None:
                raise SessionError(
                    f"runbook {runbook.id!r} names no scenario: pass --scenario FILE, or "
                    "--sim-endpoint URL of a running `drp sim serve`, or run it --live")
            if scenario_file is not None:
                from drp_console.sim.scenario import load_scenario

                scenario = load_scenario(scenario_file)
        from_params = str(values["project"]) if values.get("project") else None
        if mode == "live" and project and from_params and project != from_params:
            raise SessionError(f"the runbook's project is {from_params}, not {project}: type the "
                               "project the run will act on (or pass -p project=ID)")
        project = from_params or project or (scenario.project if scenario is not None else None)
        if mode == "live" and not project:
            raise SessionError("live mode needs the project: pass -p project=ID "
                               "(and --confirm-project ID)")
        if mode == "live":
            check_live_credentials()
        runs_dir = Path(runs_dir).expanduser() if runs_dir else default_runs_dir()
        run_id = new_run_id(runbook.id)
        redactor = Redactor(secret_values(runbook, values))
        lock: Any
        if journal_url:
            from drp_console.journal.pg import PgJournal
            from drp_console.runner.shared import NoLock, local_dir

            journal: Any = PgJournal.create(journal_url, run_id, redactor, operator=operator,
                                            patient=True, provisional=True)
            run_dir, lock = local_dir(runs_dir, run_id, journal.where), NoLock()
        else:
            journal = Journal.create(runs_dir, run_id, redactor, operator=operator, staged=True)
            run_dir = journal.path.parent  # staged (hidden) until run_started is on disk
            lock = RunLock(run_dir)
        session = cls(runbook=runbook, ctx=None, journal=journal, lock=lock,  # type: ignore[arg-type]
                      cloud=None, run_dir=run_dir, scenario=scenario)
        try:
            session.lock.acquire(operator)
            endpoint = session._open_world(mode, scenario, sim_endpoint, project)
            speed = 1.0
            if mode != "live":
                speed = scenario.speed if scenario is not None else \
                    float(sim_health(endpoint or "").get("speed") or 1.0)
            session.ctx = RunContext(run_id=run_id, mode=mode, params=values, operator=operator,  # type: ignore[arg-type]
                                     speed=float(speed), project=project,
                                     run_dir=runs_dir / run_id, extra={"residency": rules})
            journal.write_sync(RunStarted(run_id=run_id,
                runbook={"id": runbook.id, "title": runbook.title, "version": runbook.version,
                         "hash": runbook.source_hash, "path": str(Path(runbook_path).resolve())},
                runbook_doc=runbook.to_doc(), params=masked(runbook, values),
                secret_params=[n for n, p in runbook.parameters.items() if p.secret],
                mode=mode,
                scenario=_scenario_info(scenario, scenario_file, endpoint, speed),
                sim_endpoint=sim_endpoint, project=project, regions=_regions(scenario),
                incident_start=incident_start, tool_version=__version__,
                host=socket.gethostname(), pid=os.getpid(),
                residency=[r.to_dict() for r in rules], alert=alert_doc))
            if alert_doc is not None:
                journal.write_sync(MilestoneReached(name="detected", step=None, source="alert",
                                                    occurred_at=incident_start))
            if not session.shared:
                session._publish()
        except BaseException:
            session.close()
            if session.shared or session.run_dir != runs_dir / run_id:  # leave nothing behind
                shutil.rmtree(session.run_dir, ignore_errors=True)
            raise
        return session

    def _publish(self) -> None:
        """Rename the staged run directory into place; the world file and lock move with it."""
        from contextlib import nullcontext

        with self.sim.world.lock if self.sim is not None else nullcontext():
            final = self.journal.publish()
            if self.sim is not None and self.sim.state_file is not None:
                self.sim.state_file = final / self.sim.state_file.name
        self.lock.moved_to(final)
        self.run_dir = final

    @classmethod
    def resume(cls, run_ref: str | Path, *, operator: str | None = None,
               runs_dir: str | Path | None = None,
               params: dict[str, str] | None = None,
               journal_url: str | None = None) -> RunSession:
        """Reopen a run (id, id prefix or directory): lock it, reopen its world, journal
        run_resumed. Secret parameters are not journaled: give them again in `params`.

        With `journal_url`, the run is in that shared journal: its lease is taken (LeaseHeld,
        exit 4, while another console drives it; a takeover once their lease expired) and
        its simulated world is fetched from the database."""
        from drp_console.engine.operator import guess_operator
        from drp_console.journal import Journal, RunLock, default_runs_dir, find_run, read_events
        from drp_console.journal.events import JOURNAL_NAME

        operator = guess_operator(operator)
        runs_dir = Path(runs_dir).expanduser() if runs_dir else default_runs_dir()
        if journal_url:
            return cls._resume_shared(str(run_ref), journal_url, operator, runs_dir, params)
        run_dir = find_run(runs_dir, str(run_ref))
        lock = RunLock(run_dir)
        lock.acquire(operator)
        session = None
        try:
            events = read_events(run_dir / JOURNAL_NAME)

            def open_journal(redactor: Any) -> Any:
                return Journal.open(run_dir, redactor, operator=operator)

            session = cls._reopen(events, open_journal, lock, run_dir, operator, params)
        except BaseException:
            lock.release()
            raise
        return session

    @classmethod
    def _resume_shared(cls, run_ref: str, url: str, operator: str, runs_dir: Path,
                       params: dict[str, str] | None) -> RunSession:
        """Take the lease of a shared run and reopen it on this machine."""
        from drp_console.journal import Redactor
        from drp_console.journal.pg import PgJournal
        from drp_console.runner.shared import NoLock, fetch_world, local_dir

        journal = PgJournal.open(url, run_ref, Redactor(), operator=operator, patient=True)
        try:
            run_dir = local_dir(runs_dir, journal.run_id, journal.where)
            fetch_world(journal, run_dir)

            def open_journal(redactor: Any) -> Any:
                journal.redactor = redactor
                return journal

            return cls._reopen(journal.events(), open_journal, NoLock(), run_dir, operator,
                               params)
        except BaseException:
            journal.close()
            raise

    @classmethod
    def _reopen(cls, events: list[dict[str, Any]], open_journal: Any, lock: Any, run_dir: Path,
                operator: str, params: dict[str, str] | None) -> RunSession:
        """Resume from a run's events: runbook, parameters, world, `run_resumed`."""
        from drp_console.journal import Redactor, RunState
        from drp_console.runbook.model import Runbook
        from drp_console.runbook.params import ParameterError, resolve_params, secret_values

        session = None
        try:
            folded = RunState.fold(events)  # the one fold: what the run is, whether it ended
            started = folded.run_started
            if started is None:
                raise SessionError(f"{run_dir} has no run_started event: it cannot be resumed")
            runbook = Runbook.from_doc(started["runbook_doc"], started["runbook"].get("hash", ""))
            given = {k: _as_text(v) for k, v in (started.get("params") or {}).items()
                     if k not in (started.get("secret_params") or [])}
            secret_names = list(started.get("secret_params") or [])
            given.update(params or {})
            journaled = started.get("params") or {}
            missing = [n for n in secret_names if n not in given and journaled.get(n) == "***"]
            if missing:
                raise ParameterError(missing[0], f"secret parameter '{missing[0]}' is not kept in "
                                     f"the journal: give it again with -p {missing[0]}=VALUE")
            values = resolve_params(runbook, given)
            mode = started.get("mode", "simulate")
            if mode == "live" and not folded.finished:
                check_live_credentials()
            journal = open_journal(Redactor(secret_values(runbook, values)))
            session = cls(runbook=runbook, ctx=None, journal=journal, lock=lock, cloud=None,  # type: ignore[arg-type]
                          run_dir=run_dir, resumed=True)
            scenario = None
            info = started.get("scenario") or {}
            if mode != "live" and info.get("path") and not started.get("sim_endpoint"):
                from drp_console.sim.scenario import load_scenario

                scenario = load_scenario(info["path"])
            session.scenario = scenario
            session._open_world(mode, scenario, started.get("sim_endpoint"),
                                started.get("project"))
            session.ctx = RunContext(run_id=started["run_id"], mode=mode, params=values,
                                     operator=operator, speed=float(info.get("speed") or 1.0),
                                     project=started.get("project"), run_dir=run_dir,
                                     extra={"residency": _journaled_rules(started, runbook)})
            if not folded.finished:
                before = folded.last_driver  # someone else: a takeover, named in the event
                journal.write_sync(RunResumed(host=socket.gethostname(), pid=os.getpid(),
                                              took_over_from=None if before == operator else before))
        except BaseException:
            if session is not None:
                session.lock = None  # the caller lets go of the lock or the lease
                session.close()
            raise
        return session

    def _open_world(self, mode: str, scenario: Any, sim_endpoint: str | None,
                    project: str | None) -> str | None:
        """Start the embedded simulator (or use an external one) and build the Cloud."""
        from drp_console.gcp.clients import Cloud

        if sim_endpoint is not None and mode != "live" and not sim_health(sim_endpoint):
            raise SessionError(f"no simulator answers at {sim_endpoint}: start it with "
                               "`drp sim serve --scenario FILE --port N`, or drop --sim-endpoint")
        if mode == "live":
            self.cloud = Cloud(None, project)
            return None
        endpoint = sim_endpoint
        if endpoint is None:
            from drp_console.sim.server import SimServer

            self.sim = SimServer(scenario, state_file=self.run_dir / "world.json")
            endpoint = self.sim.start()
        self.cloud = Cloud(endpoint, project or (scenario.project if scenario else None))
        return endpoint

    # -- using ---------------------------------------------------------------------------------

    @property
    def shared(self) -> bool:
        """Whether the run is kept in the shared journal database (driven under a lease)."""
        return getattr(self.journal, "lease", None) is not None

    def engine(self, responder: Responder, clock: Clock | None = None) -> Engine:
        """The Engine for this run, answering questions through `responder` (with the crash-test
        hook of `DRP_TEST_CRASH_AT` when it is set); a shared run's also serves its joiners'
        commands (`runner.shared.SharedEngine`)."""
        if self.shared:
            from drp_console.runner.shared import SharedEngine

            engine: Engine = SharedEngine(self.runbook, self.ctx, self.journal, self.cloud,
                                          responder, clock,
                                          after_event=crash_hook(settings().crash_at))
            engine.session = self  # type: ignore[attr-defined]
            return engine
        return Engine(self.runbook, self.ctx, self.journal, self.cloud, responder, clock,
                      after_event=crash_hook(settings().crash_at))

    def close(self) -> None:
        """Stop the embedded simulator, release the lock, close the journal (idempotent)."""
        if self.sim is not None:
            try:
                self.sim.stop()
                if self.shared:
                    from drp_console.runner.shared import WorldSync

                    with contextlib.suppress(Exception):  # the last upload is kept otherwise
                        WorldSync(self).upload()
            finally:
                self.sim = None
        if self.journal is not None:
            with contextlib.suppress(Exception):  # closing must not hide why the run ended
                self.journal.close()
        if self.lock is not None:
            self.lock.release()

    def __enter__(self) -> RunSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _scenario_info(scenario: Any, path: Path | None, endpoint: str | None,
                   speed: float) -> dict[str, Any] | None:
    """`run_started.scenario`: the scenario file's, else what an external simulator says."""
    if scenario is not None:
        return {"id": scenario.id, "title": scenario.title, "speed": scenario.speed,
                "path": str(Path(path).resolve()) if path else None}
    if endpoint is None:
        return None
    return {"id": sim_health(endpoint).get("scenario"), "title": None, "speed": speed,
            "path": None}


def _residency_rules(runbook: Any) -> list[Any]:
    """The residency rules of a runbook and its drp.toml (SessionError, exit 3, for a bad one)."""
    from drp_console.runbook import residency

    try:
        return residency.rules_for(runbook)
    except residency.ResidencyConfigError as exc:
        raise SessionError(str(exc), ExitCode.INVALID) from None


def _journaled_rules(started: dict[str, Any], runbook: Any) -> list[Any]:
    """The rules journaled at the start (older runs: the runbook's own)."""
    from drp_console.runbook import residency

    kept = started.get("residency")
    if kept is None:
        return residency.rules_for(runbook)
    return [residency.Rule.from_dict(r) for r in kept]


def _as_text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _regions(scenario: Any) -> list[str]:
    """The regions a scenario's resources live in (zones folded to their region)."""
    if scenario is None:
        return []
    found: set[str] = set()
    for inst in scenario.compute.instances:
        found.add(inst.zone.rsplit("-", 1)[0])
    for inst in scenario.sql.instances:
        found.add(inst.region)
    return sorted(found)
