"""The PostgreSQL journal keeps the file journal's rules: same events, no gaps, redaction,
write-ahead across a server restart, and a fencing token that stops an old driver."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from drp_console.journal import Journal, JournalError, Redactor
from drp_console.journal.backend import JournalBackend
from drp_console.journal.event_types import Note
from drp_console.journal.pg import PgJournal
from drp_console.journal.pg_lease import LeaseHeld, LeaseLost
from drp_console.journal.pg_store import PgStore

RUN_ID = "20261129T120000Z-demo-0a1b"


class FixedClock:
    """The same instants for both backends, so their events can be compared whole."""

    def __init__(self) -> None:
        self.tick = 0

    def monotonic(self) -> float:
        self.tick += 1
        return 1000.0 + self.tick / 8

    def now(self) -> datetime:
        return datetime(2026, 11, 29, 12, 0, self.tick % 60, 123456, tzinfo=UTC)


def _write_story(journal: JournalBackend) -> None:
    journal.write_sync("run_started", run_id=RUN_ID, runbook={"id": "demo", "title": "Démo ✓"},
                       runbook_doc={}, params={"project": "acme"}, secret_params=[],
                       mode="simulate")
    journal.write_sync(Note(text="Primary is down \u2028 line sep", tag="observation", step=None))

    async def more() -> None:
        await journal.write("milestone", name="detected", step=None, source="operator")
        await journal.write("step_started", step="a", attempt=1, ratio=0.1 + 0.2)

    asyncio.run(more())


def _expire_lease(url: str, run_id: str) -> None:
    """Make the run's lease look expired (as if the driver's heartbeat had stopped long ago)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE drp.leases SET expires_at = now() - interval '1 second'"
                     " WHERE run_id = %s", (run_id,))


def test_events_and_lines_equal_the_file_backends(journal_url: str, runs_dir: Path) -> None:
    file_journal = Journal.create(runs_dir, RUN_ID, Redactor(), operator="alice", clock=FixedClock())
    db_journal = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice", clock=FixedClock())
    assert isinstance(file_journal, JournalBackend) and isinstance(db_journal, JournalBackend)
    for journal in (file_journal, db_journal):
        _write_story(journal)
    assert db_journal.events() == file_journal.events()
    assert db_journal.last_seq == 4
    file_journal.close()
    db_journal.close()

    with PgStore(journal_url) as store:
        assert store.events(RUN_ID) == file_journal.events()
        exported = "".join(store.lines(RUN_ID)).encode("utf-8")
    assert exported == (runs_dir / RUN_ID / "journal.jsonl").read_bytes()
    with psycopg.connect(journal_url) as conn:
        rows = conn.execute("SELECT seq, type, operator, event->>'type', ts FROM drp.events"
                            " ORDER BY seq").fetchall()
    assert [r[:4] for r in rows] == [(1, "run_started", "alice", "run_started"),
                                     (2, "note", "alice", "note"),
                                     (3, "milestone", "alice", "milestone"),
                                     (4, "step_started", "alice", "step_started")]
    assert rows[0][4] == datetime.fromisoformat(file_journal.events()[0]["ts"])


def test_reopening_continues_the_sequence(journal_url: str) -> None:
    first = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice")
    first.write_sync("note", text="one", tag=None, step=None)
    first.close()
    again = PgJournal.open(journal_url, RUN_ID[:20], Redactor(), operator="bob")
    assert again.run_id == RUN_ID and [e["seq"] for e in again.events()] == [1]
    assert again.write_sync("note", text="two", tag=None, step=None)["seq"] == 2
    assert again.lease.token == 2  # a new holder, a higher token
    again.close()


def test_concurrent_appends_leave_no_gap(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor())

    def thread_writer(w: int) -> None:
        for i in range(25):
            journal.write_sync("note", text=f"thread {w} #{i}", tag=None, step=None)

    async def task_writers() -> None:
        async def one(w: int) -> None:
            for i in range(25):
                await journal.write("note", text=f"task {w} #{i}", tag=None, step=None)

        await asyncio.gather(*(one(w) for w in range(4)))

    threads = [threading.Thread(target=thread_writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    asyncio.run(task_writers())
    for t in threads:
        t.join()
    journal.close()
    with PgStore(journal_url) as store:
        stored = store.events(RUN_ID)
    assert [e["seq"] for e in stored] == list(range(1, 201))
    assert len({e["text"] for e in stored}) == 200
    assert journal.commits < 200  # grouped: fewer transactions than events


def test_the_database_refuses_a_gap_or_a_rewrite(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor())
    journal.write_sync("note", text="one", tag=None, step=None)
    journal.close()
    with psycopg.connect(journal_url, autocommit=True) as conn:
        insert = ("INSERT INTO drp.events (run_id, seq, type, ts, operator, event, line)"
                  " VALUES (%s, %s, 'note', now(), 'x', '{}', '{}')")
        with pytest.raises(psycopg.errors.CheckViolation, match="out of sequence"):
            conn.execute(insert, (RUN_ID, 3))
        with pytest.raises(psycopg.errors.CheckViolation, match="out of sequence"):
            conn.execute(insert, (RUN_ID, 1))  # a second event 1
        with pytest.raises(psycopg.errors.CheckViolation, match="append-only"):
            conn.execute("UPDATE drp.events SET operator = 'mallory' WHERE run_id = %s", (RUN_ID,))


def test_secrets_are_redacted_before_they_reach_the_database(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(["hunter2-secret"]))
    journal.write_sync("note", text="password is hunter2-secret, token ya29.abcdefghijkl",
                       tag=None, step=None, args={"password": "other", "db": "hunter2-secret"})
    journal.close()
    with psycopg.connect(journal_url) as conn:
        line, event = conn.execute("SELECT line, event::text FROM drp.events").fetchone()
    for stored in (line, event):
        assert "hunter2" not in stored and "ya29." not in stored and "other" not in stored
        assert "***" in stored


def test_an_old_driver_cannot_write_after_a_takeover(journal_url: str) -> None:
    old = PgJournal.create(journal_url, RUN_ID, Redactor(), operator="alice", ttl=5, heartbeat=False)
    old.write_sync("note", text="before", tag=None, step=None)
    with pytest.raises(LeaseHeld, match="driven by alice"):
        PgJournal.open(journal_url, RUN_ID, Redactor(), operator="bob")

    _expire_lease(journal_url, RUN_ID)  # alice's console stopped (SIGSTOP, lost network)
    new = PgJournal.open(journal_url, RUN_ID, Redactor(), operator="bob", heartbeat=False)
    assert new.lease.token == old.lease.token + 1

    with pytest.raises(LeaseLost, match="no longer drives run"):
        old.write_sync("note", text="stale driver", tag=None, step=None)
    with pytest.raises(LeaseLost):  # and it stays fenced off
        old.write_sync("note", text="again", tag=None, step=None)
    with pytest.raises(LeaseLost):
        old.store.heartbeat(old.lease)
    assert new.write_sync("note", text="after", tag=None, step=None)["seq"] == 2
    old.close()
    new.close()
    with PgStore(journal_url) as store:
        assert [(e["seq"], e["operator"], e["text"]) for e in store.events(RUN_ID)] == [
            (1, "alice", "before"), (2, "bob", "after")]


def test_an_expired_lease_nobody_took_still_writes_and_renews(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(), ttl=5, heartbeat=False)
    _expire_lease(journal_url, RUN_ID)
    assert journal.write_sync("note", text="still mine", tag=None, step=None)["seq"] == 1
    renewed = journal.store.heartbeat(journal.lease)
    assert renewed.token == journal.lease.token and renewed.expires_at > journal.lease.expires_at
    journal.close()
    with PgStore(journal_url) as store:
        lease = store.lease(RUN_ID)
    assert lease is not None and lease["holder"] is None and not lease["live"]  # released


def test_a_new_run_id_is_refused_when_taken(journal_url: str) -> None:
    PgJournal.create(journal_url, RUN_ID, Redactor()).close()
    with pytest.raises(JournalError, match="already exists"):
        PgJournal.create(journal_url, RUN_ID, Redactor())


def test_an_uninitialised_database_says_to_run_init(pg_url: str) -> None:
    with pytest.raises(JournalError, match="drp journal init"):
        PgJournal.create(pg_url, RUN_ID, Redactor())


def test_an_unreachable_database_is_one_sentence_without_the_password() -> None:
    url = "postgresql://drp:s3cret-pw@127.0.0.1:9/none?connect_timeout=2"
    with pytest.raises(JournalError) as caught:
        PgJournal.create(url, RUN_ID, Redactor())
    assert "unreachable" in str(caught.value) and "s3cret-pw" not in str(caught.value)


def test_the_heartbeat_keeps_the_lease_alive(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor(), ttl=1)
    first = journal.lease.expires_at
    stop = threading.Event()
    for _ in range(500):  # a guard against hanging, not a timing assertion
        if journal.lease.expires_at > first:
            break
        stop.wait(0.01)
    assert journal.lease.expires_at > first and journal.lease.token == 1
    with PgStore(journal_url) as store:
        assert store.lease(RUN_ID)["expires_at"] >= journal.lease.expires_at
    journal.close()


def test_a_nul_character_in_a_field_is_kept(journal_url: str) -> None:
    journal = PgJournal.create(journal_url, RUN_ID, Redactor())
    written = journal.write_sync("output", step="a", stream="stdout", text="a\x00b \\u0000")
    journal.close()
    with PgStore(journal_url) as store:
        assert store.events(RUN_ID) == [written]
    with psycopg.connect(journal_url) as conn:
        assert conn.execute("SELECT event->>'text' FROM drp.events").fetchone()[0] == "a\ufffdb \\u0000"


def test_a_long_journal_is_imported_whole_in_chunks(journal_url: str) -> None:
    """More events than one INSERT takes (chunks of 1,000) go in one transaction, in order."""
    events = [{"v": 1, "seq": i, "ts": "2026-11-29T12:00:00.000000+00:00", "mono": float(i),
               "boot": "b", "type": "note", "operator": "alice", "text": f"n{i}", "tag": None,
               "step": None} for i in range(1, 2502)]
    with PgStore(journal_url) as store:
        assert store.import_events(RUN_ID, events) == 2501
        stored = store.events(RUN_ID)
    assert [e["seq"] for e in stored] == list(range(1, 2502))
    assert [e["text"] for e in stored] == [e["text"] for e in events]
