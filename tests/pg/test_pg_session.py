"""`drp run/resume --journal`: a run driven on the shared journal, its lease, its world, its
reports, and a driver that waits out a database restart."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import psycopg
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.journal import JournalError, Redactor
from drp_console.journal.pg import PgJournal
from drp_console.journal.pg_store import PgStore, Unreachable

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "tests" / "engine" / "data" / "faulty-runbook.yaml"


def drp(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def expire_lease(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'")


def test_a_headless_shared_run_lives_in_the_database_with_local_reports(
        journal_url: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--headless", "--auto-approve", "--runs-dir", str(runs),
              "--operator", "alice", env={"DRP_JOURNAL": journal_url})
    assert res.exit_code == 0, res.output
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    with PgStore(journal_url) as store:
        lines = store.lines(run_dir.name)
        world = store.get_file(run_dir.name, "world.json")
        lease = store.lease(run_dir.name)
    events = [json.loads(line) for line in lines]
    assert events[0]["type"] == "run_started" and events[-1]["type"] == "run_finished"
    assert {e["operator"] for e in events} == {"alice"}
    # the finished run's journal is copied beside its reports, line for line
    assert (run_dir / "journal.jsonl").read_text(encoding="utf-8") == "".join(lines)
    assert "report.md" in res.output and (run_dir / "report.md").is_file()
    assert json.loads((run_dir / "shared.json").read_text())["run_id"] == run_dir.name
    # the simulated world the run changed is kept in the database, as on disk at the end
    assert world == (run_dir / "world.json").read_bytes()
    assert lease is not None and lease["holder"] is None  # released at the end


def test_resuming_a_driven_run_exits_4_naming_the_driver_then_takes_it_over(
        journal_url: str, tmp_path: Path) -> None:
    from drp_console.runner.session import RunSession

    first = RunSession.start(RUNBOOK, operator="alice", runs_dir=tmp_path / "a",
                             journal_url=journal_url)
    run_id = first.ctx.run_id
    from drp_console.runner.shared import WorldSync

    assert WorldSync(first).upload()
    res = drp("resume", run_id[:20], "--headless", "--runs-dir", str(tmp_path / "b"),
              "--operator", "bob", "--journal", journal_url)
    assert res.exit_code == 4, res.output
    assert f"run {run_id} is driven by alice (pid" in res.output
    assert "Traceback" not in res.output

    first.journal.close(release=False)  # alice's machine dies: her lease runs out
    first.journal = None
    first.close()
    expire_lease(journal_url)
    second = RunSession.resume(run_id, operator="bob", runs_dir=tmp_path / "b",
                               journal_url=journal_url)
    try:
        assert second.shared and second.journal.lease.token == 2
        assert second.journal.events()[-1]["type"] == "run_resumed"
        assert second.journal.events()[-1]["operator"] == "bob"
        assert second.journal.events()[-1]["took_over_from"] == "alice"
        # bob's machine continues the world alice's left in the database
        with PgStore(journal_url) as store:
            kept = store.get_file(run_id, "world.json")
        assert json.loads(kept)["scenario"] == json.loads(
            (tmp_path / "b" / run_id / "world.json").read_bytes())["scenario"]
    finally:
        second.close()


def test_a_patient_journal_waits_for_the_database_then_writes_once(
        journal_url: str, pg_server: Any) -> None:
    journal = PgJournal.create(journal_url, "r-patient", Redactor(), heartbeat=False,
                               patient=True)
    heard: list[JournalError | None] = []
    journal.on_unreachable = heard.append
    journal.write_sync("note", text="before", tag=None, step=None)
    done: list[dict[str, Any]] = []
    pg_server.stop("fast")
    try:
        writer = threading.Thread(target=lambda: done.append(
            journal.write_sync("note", text="during", tag=None, step=None)))
        writer.start()
        for _ in range(3000):  # a guard against hanging: wait until the writer says it waits
            if heard:
                break
            threading.Event().wait(0.01)
        assert isinstance(heard[0], Unreachable) and not done  # held, not failed
    finally:
        pg_server.start()
    writer.join(60)
    assert not writer.is_alive()
    assert heard[-1] is None  # told it is back
    assert done[0]["seq"] == 2
    with PgStore(journal_url) as store:
        stored = store.events("r-patient")
    assert [e["text"] for e in stored] == ["before", "during"]  # once, no gap
    journal.close()


SHARED_RUNBOOK = """\
format: drp/v1
id: team-drill
title: A drill for several people
scenario: {world}
parameters:
  project: {{default: acme-prod}}
steps:
  - id: declare
    title: Declare the incident
    type: manual
    instructions: Open the bridge.
    checklist: [Bridge open, Status page updated]
  - id: go
    title: Go for the failover
    type: approval
  - id: check
    title: Read the replica
    type: gcp
    call: sql.instances.get
    with: {{project: "{{{{ params.project }}}}", instance: orders-db}}
"""


async def until(check: Any) -> None:
    """Let the loop run until `check()` holds."""
    import asyncio

    for _ in range(3000):  # a guard against hanging, not a timing assertion
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never got there")


def shared_runbook(tmp_path: Path) -> Path:
    path = tmp_path / "team-drill.yaml"
    world = ROOT / "tests" / "engine" / "data" / "faulty-world.yaml"
    path.write_text(SHARED_RUNBOOK.format(world=world), encoding="utf-8")
    return path


def test_joiners_commands_are_checked_applied_and_journaled_under_their_names(
        journal_url: str, tmp_path: Path) -> None:
    import asyncio

    from drp_console.runner.session import RunSession
    from drp_console.ui.responder import UIResponder

    session = RunSession.start(shared_runbook(tmp_path), operator="alice",
                               runs_dir=tmp_path / "runs", journal_url=journal_url)
    run_id = session.ctx.run_id
    joiner = PgStore(journal_url)

    def send(kind: str, step: str | None = None, **payload: Any) -> int:
        return joiner.submit_command(run_id, kind, by="bob", step=step, payload=payload)

    def status(command_id: int) -> str:
        return joiner.command(command_id).status

    async def scenario() -> Any:
        engine = session.engine(UIResponder())
        running = asyncio.ensure_future(engine.run())
        await until(lambda: engine.waiting_question("declare") is not None)
        early = send("done", "declare")
        wrong = send("approve", "declare")
        ghost = send("tick", "no-such-step", item=0)
        ticks = [send("tick", "declare", item=i) for i in (0, 1)]
        note = send("note", text="DPO informed", tag="action")
        await until(lambda: all(status(c) in ("done", "rejected") for c in [*ticks, note]))
        done = send("done", "declare")
        await until(lambda: engine.waiting_question("go") is not None)
        approve = send("approve", "go")
        # the faulty world refuses the first read (a quota error): bob retries it
        await until(lambda: engine.waiting_question("check") is not None)
        retry = send("retry", "check")
        state = await asyncio.wait_for(running, 60)
        return state, dict(early=early, wrong=wrong, ghost=ghost, ticks=ticks, note=note,
                           done=done, approve=approve, retry=retry)

    try:
        state, ids = asyncio.run(scenario())
    finally:
        session.close()
    assert state.status == "succeeded"
    results = {c.id: (c.status, c.result) for c in joiner.commands(run_id)}
    joiner.close()
    assert results[ids["early"]][0] == "rejected"
    assert "tick all 2 checklist items" in results[ids["early"]][1]["reason"]
    assert results[ids["wrong"]] == ("rejected", {
        "reason": "declare waits for a manual answer, not a approval one"})
    assert results[ids["ghost"]] == ("rejected", {"reason": "the runbook has no step 'no-such-step'"})
    for key in ("done", "approve", "note", "retry"):
        assert results[ids[key]][0] == "done", (key, results[ids[key]])
    events = shared_events(journal_url, run_id)
    ticked = [e for e in events if e["type"] == "checklist_ticked"]
    assert [(e["item"], e["by"], e["operator"]) for e in ticked] == [(0, "bob", "bob"),
                                                                     (1, "bob", "bob")]
    answers = {e["step"]: (e["answer"], e["by"]) for e in events if e["type"] == "answered"}
    assert answers == {"declare": ("done", "bob"), "go": ("approve", "bob"),
                       "check": ("retry", "bob")}
    (note,) = [e for e in events if e["type"] == "note"]
    assert (note["text"], note["tag"], note["operator"]) == ("DPO informed", "action", "bob")
    by_seq = {e["seq"]: e for e in events}  # each command was done by the event carrying it out
    for key, kind in (("done", "answered"), ("approve", "answered"), ("retry", "answered"),
                      ("note", "note")):
        assert by_seq[results[ids[key]][1]["seq"]]["type"] == kind, key
    assert events[0]["operator"] == "alice"


def shared_events(url: str, run_id: str) -> list[dict[str, Any]]:
    with PgStore(url) as store:
        return store.events(run_id)


def test_a_driver_stops_acting_while_the_database_is_down_and_carries_on(
        journal_url: str, tmp_path: Path, pg_server: Any) -> None:
    import asyncio

    from drp_console.engine.responder import Answer
    from drp_console.runner.session import RunSession
    from drp_console.ui.responder import UIResponder

    session = RunSession.start(shared_runbook(tmp_path), operator="alice",
                               runs_dir=tmp_path / "runs", journal_url=journal_url)
    heard: list[Exception | None] = []

    async def scenario() -> Any:
        engine = session.engine(UIResponder())
        session.journal.on_unreachable = heard.append
        running = asyncio.ensure_future(engine.run())
        await until(lambda: engine.waiting_question("declare") is not None)
        for item in (0, 1):
            await engine.tick("declare", item)
        engine.commands.answer("declare", Answer("done", by="alice",
                                                  checklist=("Bridge open", "Status page updated")))
        await until(lambda: engine.waiting_question("go") is not None)
        await asyncio.to_thread(pg_server.stop, "fast")
        try:
            assert engine.commands.answer("go", Answer("approve", by="alice")) is None
            await until(lambda: bool(heard))
            for _ in range(50):  # the run holds: the approval is not durable, nothing acts
                await asyncio.sleep(0.02)
                assert engine.book.status["check"] == "pending"
        finally:
            await asyncio.to_thread(pg_server.start)
        await until(lambda: engine.waiting_question("check") is not None)  # it went on
        engine.retry("check")
        return await asyncio.wait_for(running, 60)

    try:
        state = asyncio.run(scenario())
    finally:
        session.close()
    assert isinstance(heard[0], Unreachable) and heard[-1] is None
    assert state.status == "succeeded"
    events = shared_events(journal_url, session.ctx.run_id)
    assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
    approvals = [e for e in events if e["type"] == "answered" and e["step"] == "go"]
    assert len(approvals) == 1  # written once, after the restart
