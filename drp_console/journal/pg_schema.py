"""The shared journal's tables, created and upgraded by numbered migrations (`drp journal init`).

Everything lives in the PostgreSQL schema `drp`, so a team can use a database it already runs.
`drp.schema_version` records which migrations were applied; `migrate` applies the missing ones in
one transaction under an advisory lock, so running it twice, or from two machines at once, is
harmless. The database itself keeps each run's sequence without gaps: a trigger on `drp.events`
accepts an event only when its `seq` is the run's last one plus one, and notifies
`drp_events` with `<run_id> <seq>` in the same transaction.
"""

from __future__ import annotations

from typing import Any

SCHEMA = "drp"
"""The PostgreSQL schema holding the journal's tables."""

EVENTS_CHANNEL = "drp_events"
"""NOTIFY channel of appended events; payload `<run_id> <seq>`."""

COMMANDS_CHANNEL = "drp_commands"
"""NOTIFY channel of submitted commands; payload `<run_id> <command id>`."""

_LOCK_KEY = 0x647270_6A726E  # pg_advisory_xact_lock key for migrations ("drp" "jrn")

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "runs, events, leases, commands",
        """
        CREATE TABLE drp.runs (
            run_id   text PRIMARY KEY,
            created  timestamptz NOT NULL DEFAULT now(),
            last_seq bigint NOT NULL DEFAULT 0
        );
        CREATE TABLE drp.events (
            run_id   text NOT NULL REFERENCES drp.runs ON DELETE CASCADE,
            seq      bigint NOT NULL CHECK (seq >= 1),
            type     text NOT NULL,
            ts       timestamptz NOT NULL,
            operator text NOT NULL,
            event    jsonb NOT NULL,
            line     text NOT NULL,
            PRIMARY KEY (run_id, seq)
        );
        CREATE INDEX events_type ON drp.events (run_id, type);
        CREATE FUNCTION drp.events_append() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            expected bigint;
        BEGIN
            UPDATE drp.runs SET last_seq = last_seq + 1 WHERE run_id = NEW.run_id
                RETURNING last_seq INTO expected;
            IF expected IS NULL THEN
                RAISE EXCEPTION 'run % is not in this journal database', NEW.run_id
                    USING ERRCODE = 'foreign_key_violation';
            END IF;
            IF NEW.seq <> expected THEN
                RAISE EXCEPTION 'event % of run % is out of sequence: the next one is %',
                    NEW.seq, NEW.run_id, expected USING ERRCODE = 'check_violation';
            END IF;
            PERFORM pg_notify('drp_events', NEW.run_id || ' ' || NEW.seq);
            RETURN NEW;
        END $$;
        CREATE TRIGGER events_append BEFORE INSERT ON drp.events
            FOR EACH ROW EXECUTE FUNCTION drp.events_append();
        CREATE FUNCTION drp.events_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'journal events are append-only' USING ERRCODE = 'check_violation';
        END $$;
        CREATE TRIGGER events_frozen BEFORE UPDATE ON drp.events
            FOR EACH ROW EXECUTE FUNCTION drp.events_frozen();
        CREATE TABLE drp.leases (
            run_id     text PRIMARY KEY REFERENCES drp.runs ON DELETE CASCADE,
            holder     text,
            host       text,
            pid        integer,
            heartbeat  timestamptz,
            expires_at timestamptz NOT NULL,
            token      bigint NOT NULL CHECK (token >= 1)
        );
        CREATE TABLE drp.commands (
            id      bigserial PRIMARY KEY,
            run_id  text NOT NULL REFERENCES drp.runs ON DELETE CASCADE,
            kind    text NOT NULL,
            step    text,
            payload jsonb NOT NULL DEFAULT '{}'::jsonb,
            "by"    text NOT NULL,
            created timestamptz NOT NULL DEFAULT now(),
            status  text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'taken', 'done', 'rejected')),
            taken   timestamptz,
            result  jsonb
        );
        CREATE INDEX commands_pending ON drp.commands (run_id, id) WHERE status = 'pending';
        CREATE FUNCTION drp.commands_submitted() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('drp_commands', NEW.run_id || ' ' || NEW.id);
            RETURN NEW;
        END $$;
        CREATE TRIGGER commands_submitted AFTER INSERT ON drp.commands
            FOR EACH ROW EXECUTE FUNCTION drp.commands_submitted();
        """,
    ),
    (
        2,
        "participants, run files",
        """
        CREATE TABLE drp.participants (
            run_id text NOT NULL REFERENCES drp.runs ON DELETE CASCADE,
            who    text NOT NULL,
            host   text NOT NULL,
            pid    integer NOT NULL,
            role   text NOT NULL CHECK (role IN ('driver', 'joiner', 'watcher')),
            joined timestamptz NOT NULL DEFAULT now(),
            seen   timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (run_id, who, host, pid)
        );
        CREATE TABLE drp.run_files (
            run_id  text NOT NULL REFERENCES drp.runs ON DELETE CASCADE,
            name    text NOT NULL,
            data    bytea NOT NULL,
            updated timestamptz NOT NULL DEFAULT now(),
            token   bigint,
            PRIMARY KEY (run_id, name)
        );
        """,
    ),
    (
        3,
        "commands claimed under a lease token",
        """
        ALTER TABLE drp.commands ADD COLUMN token bigint;
        DROP INDEX drp.commands_pending;
        CREATE INDEX commands_open ON drp.commands (run_id, id)
            WHERE status IN ('pending', 'taken');
        """,
    ),
]
"""(version, what it adds, SQL): applied in order, each once."""

LATEST = MIGRATIONS[-1][0]
"""The schema version this code writes and needs."""


def current_version(conn: Any) -> int | None:
    """The database's schema version, None when `drp journal init` never ran on it."""
    exists = conn.execute("SELECT to_regclass('drp.schema_version') IS NOT NULL").fetchone()[0]
    if not exists:
        return None
    row = conn.execute("SELECT max(version) FROM drp.schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def migrate(conn: Any) -> tuple[int, int]:
    """Apply the missing migrations in one transaction; returns (version before, version after)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS drp")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS drp.schema_version ("
            " version integer PRIMARY KEY, description text NOT NULL,"
            " applied timestamptz NOT NULL DEFAULT now())"
        )
        before = current_version(conn) or 0
        for version, description, sql in MIGRATIONS:
            if version <= before:
                continue
            conn.execute(sql)
            conn.execute(
                "INSERT INTO drp.schema_version (version, description) VALUES (%s, %s)",
                (version, description),
            )
        after = max(before, LATEST)
    return before, after
