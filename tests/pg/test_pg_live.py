"""Following a shared run, joiners' commands, and a server restart in the middle of appends."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import psycopg
import pytest

from drp_console.journal import JournalError, Redactor
from drp_console.journal.pg import PgJournal
from drp_console.journal.pg_follow import command_wakeups, follow
from drp_console.journal.pg_lease import LeaseLost
from drp_console.journal.pg_store import PgStore
from drp_console.journal.queued import acting_as, serving_command

RUN_ID = "20261129T120000Z-demo-0a1b"
NO_POLL = 600.0  # the poll fallback never fires in these tests: only NOTIFY can wake a follower


def test_a_follower_gets_the_past_then_each_new_event_by_notification(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice")
    journal.write_sync("note", text="before joining", tag=None, step=None)

    async def scenario() -> list[dict[str, Any]]:
        seen: list[dict[str, Any]] = []
        stream = follow(journal_url, RUN_ID, poll=NO_POLL)
        seen.append(await asyncio.wait_for(anext(stream), 10))
        for text in ("one", "two"):
            await journal.write("note", text=text, tag=None, step=None)
            seen.append(await asyncio.wait_for(anext(stream), 10))
        await stream.aclose()
        return seen

    seen = asyncio.run(scenario())
    journal.close()
    assert [(e["seq"], e["text"]) for e in seen] == [(1, "before joining"), (2, "one"), (3, "two")]
    with PgStore(journal_url) as store:
        assert seen == store.events(RUN_ID)


def test_following_from_a_seq_skips_what_the_joiner_has(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor())
    for text in ("a", "b", "c"):
        journal.write_sync("note", text=text, tag=None, step=None)

    async def first() -> dict[str, Any]:
        stream = follow(journal_url, RUN_ID, after_seq=2, poll=NO_POLL)
        try:
            return await asyncio.wait_for(anext(stream), 10)
        finally:
            await stream.aclose()

    assert asyncio.run(first())["seq"] == 3
    journal.close()


def test_joiners_commands_reach_the_driver_once(journal_url: str) -> None:
    driver = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice")
    joiner = PgStore(journal_url)

    async def scenario() -> list[int]:
        wakes = command_wakeups(journal_url, RUN_ID, poll=NO_POLL)
        await asyncio.wait_for(anext(wakes), 10)  # the first tick comes at once
        assert driver.take_commands() == []
        first = joiner.submit_command(RUN_ID, "approve", by="bob", step="failover")
        joiner.submit_command(RUN_ID, "note", by="carol", payload={"text": "DPO informed"})
        await asyncio.wait_for(anext(wakes), 10)  # woken by the notification
        await wakes.aclose()
        taken = driver.take_commands()
        assert [(c.kind, c.step, c.by, c.status) for c in taken] == [
            ("approve", "failover", "bob", "taken"), ("note", None, "carol", "taken")]
        assert taken[1].payload == {"text": "DPO informed"} and taken[0].id == first
        assert driver.take_commands() == []  # taken once
        return [c.id for c in taken]

    ids = asyncio.run(scenario())
    driver.store.finish_command(ids[0], "done", {"event_seq": 7})
    driver.store.finish_command(ids[1], "rejected", {"reason": "no such step"})
    assert [(c.status, c.result) for c in joiner.commands(RUN_ID)] == [
        ("done", {"event_seq": 7}), ("rejected", {"reason": "no such step"})]
    assert joiner.command(ids[0]).status == "done"
    with pytest.raises(JournalError, match="not an action"):
        joiner.submit_command(RUN_ID, "drop_table", by="bob")
    joiner.close()
    driver.close()


def test_a_command_locked_by_one_taker_is_skipped_by_another(journal_url: str) -> None:
    driver = PgJournal.create(journal_url, RUN_ID, Redactor())
    store = driver.store
    store.submit_command(RUN_ID, "tick", by="bob", step="s1")
    store.submit_command(RUN_ID, "tick", by="bob", step="s2")
    with psycopg.connect(journal_url) as other:
        other.execute("SELECT id FROM drp.commands ORDER BY id LIMIT 1 FOR UPDATE")
        assert [c.step for c in driver.take_commands()] == ["s2"]  # s1 is locked: skipped
    assert [c.step for c in driver.take_commands()] == ["s1"]
    driver.close()


def test_a_driver_that_lost_the_run_takes_no_command(journal_url: str) -> None:
    old = PgJournal.create(journal_url, RUN_ID, Redactor(), heartbeat=False)
    old.store.submit_command(RUN_ID, "skip", by="bob", step="s1")
    with psycopg.connect(journal_url, autocommit=True) as conn:
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'")
    new = PgJournal.open(journal_url, RUN_ID, Redactor(), heartbeat=False)
    with pytest.raises(LeaseLost):
        old.take_commands()
    assert [c.step for c in new.take_commands()] == ["s1"]
    old.close()
    new.close()


@pytest.mark.slow
def test_a_server_restart_mid_append_fails_cleanly_then_appends_resume(
        journal_url: str, pg_server: Any) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(), heartbeat=False)
    acknowledged: list[dict[str, Any]] = []
    errors: list[JournalError] = []
    stop = threading.Event()

    def writer() -> None:
        i = 0
        while not stop.is_set():
            i += 1
            try:
                acknowledged.append(journal.write_sync("note", text=f"n{i}", tag=None, step=None))
            except JournalError as exc:
                errors.append(exc)
                stop.wait(0.05)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(acknowledged) < 20:
            stop.wait(0.01)
        pg_server.stop("fast")
        while not errors:
            stop.wait(0.01)
    finally:
        pg_server.start()
    after_restart = len(acknowledged)
    for _ in range(3000):  # a guard against hanging, not a timing assertion
        if len(acknowledged) >= after_restart + 5:
            break
        stop.wait(0.01)
    stop.set()
    thread.join()
    journal.close()

    assert "unreachable" in str(errors[0]) and "nothing was written" in str(errors[0])
    with PgStore(journal_url) as store:
        stored = store.events(RUN_ID)
    assert [e["seq"] for e in stored] == list(range(1, len(stored) + 1))  # no gap, no torn event
    by_seq = {e["seq"]: e for e in stored}
    assert all(by_seq[e["seq"]] == e for e in acknowledged)  # every acknowledged event is there
    assert len(acknowledged) >= after_restart + 5  # appends work again
    assert acknowledged[-1]["seq"] == stored[-1]["seq"]


def test_participants_and_the_drivers_fenced_run_files(journal_url: str) -> None:
    driver = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice", heartbeat=False)
    store = driver.store
    store.announce(RUN_ID, "alice", "driver")
    store.announce(RUN_ID, "bob", "joiner")
    store.announce(RUN_ID, "carol", "watcher")
    assert [(p["who"], p["role"]) for p in store.participants(RUN_ID)] == [
        ("alice", "driver"), ("bob", "joiner"), ("carol", "watcher")]
    store.leave(RUN_ID, "carol")
    assert [p["who"] for p in store.participants(RUN_ID)] == ["alice", "bob"]

    store.put_file(RUN_ID, "world.json", b'{"instances": 3}', token=driver.lease.token)
    assert store.get_file(RUN_ID, "world.json") == b'{"instances": 3}'
    assert store.get_file(RUN_ID, "other") is None
    with psycopg.connect(journal_url, autocommit=True) as conn:
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'")
    new = PgJournal.open(journal_url, RUN_ID, Redactor(), operator="bob", heartbeat=False)
    with pytest.raises(LeaseLost):
        store.put_file(RUN_ID, "world.json", b"{}", token=driver.lease.token)
    assert new.store.get_file(RUN_ID, "world.json") == b'{"instances": 3}'  # the world carries on
    driver.close()
    new.close()


def test_commands_a_dead_driver_took_are_taken_again_unless_journaled(journal_url: str) -> None:
    """alice takes three commands, journals the first and dies; bob, taking over, gets the two
    she never journaled, once, and not the one she did."""
    alice = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice", heartbeat=False)
    joiner = PgStore(journal_url)
    ids = [joiner.submit_command(RUN_ID, "note", by="carol", payload={"text": t})
           for t in ("one", "two", "three")]
    taken = alice.take_commands()
    assert [c.id for c in taken] == ids
    with acting_as("carol"), serving_command(taken[0].id):
        first = alice.write_sync("note", text="one", tag=None, step=None)
    assert (joiner.command(ids[0]).status, joiner.command(ids[0]).result) == (
        "done", {"seq": first["seq"]})  # done in the transaction that journaled it
    assert alice.take_commands() == []  # her own claims are not offered to her again
    with psycopg.connect(journal_url, autocommit=True) as conn:  # alice's laptop dies
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'")
    bob = PgJournal.open(journal_url, RUN_ID, Redactor(), operator="bob", heartbeat=False)
    again = bob.take_commands()
    assert [c.id for c in again] == ids[1:]
    for command in again:
        with acting_as(command.by), serving_command(command.id):
            bob.write_sync("note", text=command.payload["text"], tag=None, step=None)
        bob.store.record_outcome(command.id, "done", {})
    assert bob.take_commands() == []
    with pytest.raises(LeaseLost):
        alice.take_commands()
    notes = [e["text"] for e in bob.events() if e["type"] == "note"]
    assert notes == ["one", "two", "three"]
    assert [c.status for c in joiner.commands(RUN_ID)] == ["done", "done", "done"]
    bob.store.record_outcome(ids[0], "rejected", {"reason": "late"})  # never undoes a done
    assert joiner.command(ids[0]).status == "done"
    # alice, fenced off, cannot record an outcome for a command bob has claimed
    late = joiner.submit_command(RUN_ID, "note", by="carol", payload={"text": "four"})
    assert [c.id for c in bob.take_commands()] == [late]
    bob.store.record_outcome(late, "rejected", {"reason": "stale"}, token=alice.lease.token)
    assert joiner.command(late).status == "taken"
    bob.store.record_outcome(late, "rejected", {"reason": "no"}, token=bob.lease.token)
    assert (joiner.command(late).status, joiner.command(late).result) == (
        "rejected", {"reason": "no"})
    joiner.close()
    alice.close(release=False)
    bob.close()


def test_a_batch_that_fails_leaves_its_command_to_be_taken_again(journal_url: str) -> None:
    """The command is done only if its event is: a refused append leaves it taken, and the
    next driver takes it."""
    alice = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice", heartbeat=False)
    command_id = alice.store.submit_command(RUN_ID, "note", by="carol", payload={"text": "x"})
    (taken,) = alice.take_commands()
    with psycopg.connect(journal_url, autocommit=True) as conn:
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'")
    bob = PgJournal.open(journal_url, RUN_ID, Redactor(), operator="bob", heartbeat=False)
    with serving_command(taken.id), pytest.raises(LeaseLost):
        alice.write_sync("note", text="x", tag=None, step=None)
    assert bob.store.command(command_id).status == "taken"
    assert [c.id for c in bob.take_commands()] == [command_id]
    alice.close()
    bob.close()
