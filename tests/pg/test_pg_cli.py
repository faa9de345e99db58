"""`drp journal init|export|import` and `drp runs --journal` against a real server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from drp_console.cli import cli

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "tests" / "engine" / "data" / "faulty-runbook.yaml"


def drp(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


def test_init_creates_the_schema_once_and_is_idempotent(pg_url: str) -> None:
    first = drp("journal", "init", pg_url)
    assert first.exit_code == 0, first.output
    assert "upgraded from version 0 to 3" in first.output
    second = drp("journal", "init", pg_url)
    assert second.exit_code == 0, second.output
    assert "already at version 3" in second.output
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT version FROM drp.schema_version ORDER BY version").fetchall()
    assert rows == [(1,), (2,), (3,)]


def test_init_upgrades_an_older_journal_and_keeps_its_runs(pg_url: str, monkeypatch) -> None:
    from drp_console.journal import JournalError, Redactor, pg_schema
    from drp_console.journal.pg import PgJournal
    from drp_console.journal.pg_store import init_database

    with monkeypatch.context() as m:  # a database initialised by the version before this one
        m.setattr(pg_schema, "MIGRATIONS", pg_schema.MIGRATIONS[:1])
        m.setattr(pg_schema, "LATEST", 1)
        assert init_database(pg_url) == (0, 1)
        old = PgJournal.create(pg_url, "r-1", Redactor())
        old.write_sync("note", text="kept", tag=None, step=None)
        old.close()
    with pytest.raises(JournalError, match="run `drp journal init` to upgrade it to v3"):
        PgJournal.open(pg_url, "r-1", Redactor())
    res = drp("journal", "init", pg_url)
    assert res.exit_code == 0 and "upgraded from version 1 to 3" in res.output
    again = PgJournal.open(pg_url, "r-1", Redactor())
    assert [e["text"] for e in again.events()] == ["kept"]
    again.close()


def test_init_on_an_unreachable_server_is_one_sentence() -> None:
    res = drp("journal", "init", "postgresql://u:pw-9f3a@127.0.0.1:9/db")
    assert res.exit_code == 2
    assert res.output.startswith("drp: the journal database postgresql://u:***@127.0.0.1:9/db "
                                 "is unreachable")
    assert "pw-9f3a" not in res.output and "Traceback" not in res.output


def test_a_run_goes_to_the_database_and_back_byte_for_byte(journal_url: str, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--headless", "--auto-approve", "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    original = (run_dir / "journal.jsonl").read_bytes()

    res = drp("journal", "import", str(run_dir), "--journal", journal_url)
    assert res.exit_code == 0, res.output
    count = len(original.splitlines())
    assert f"run {run_dir.name}: {count} events imported" in res.output

    again = drp("journal", "import", str(run_dir / "journal.jsonl"), "--journal", journal_url)
    assert again.exit_code == 2 and "already exists" in again.output

    out = tmp_path / "exported.jsonl"
    res = drp("journal", "export", run_dir.name[:24], "-o", str(out), env={"DRP_JOURNAL": journal_url})
    assert res.exit_code == 0, res.output
    assert out.read_bytes() == original
    refused = drp("journal", "export", run_dir.name, "--journal", journal_url, "-o", str(out))
    assert refused.exit_code == 2 and "already exists" in refused.output

    local = drp("runs", "--runs-dir", str(runs))
    both = drp("runs", "--runs-dir", str(runs), "--journal", journal_url)
    assert both.exit_code == 0, both.output
    local_row = next(line for line in local.output.splitlines() if run_dir.name in line)
    shared_row = next(line for line in both.output.splitlines() if "[shared]" in line)
    assert shared_row.replace(" [shared]", "").split() == local_row.split()  # the same fold


def test_a_torn_last_line_is_left_out_of_the_import(journal_url: str, tmp_path: Path) -> None:
    path = tmp_path / "journal.jsonl"
    path.write_bytes(b'{"v":1,"seq":1,"ts":"2026-11-29T12:00:00.000000+00:00","mono":1.0,"boot":null,'
                     b'"type":"run_started","operator":"alice","run_id":"r-1"}\n{"v":1,"seq":2,"ty')
    res = drp("journal", "import", str(path), "--journal", journal_url)
    assert res.exit_code == 0, res.output
    assert "run r-1: 1 events imported (ignored 18 bytes" in res.output


def test_a_bad_journal_url_is_a_usage_error(tmp_path: Path) -> None:
    res = drp("runs", "--runs-dir", str(tmp_path), "--journal", "mysql://x@y/z")
    assert res.exit_code == 2 and "must be a PostgreSQL URL" in res.output
    res = drp("journal", "export", "r", "-o", str(tmp_path / "x"), env={"DRP_JOURNAL": ""})
    assert res.exit_code == 2 and "--journal URL or DRP_JOURNAL" in res.output


def test_local_runs_never_import_psycopg() -> None:
    code = ("import sys, drp_console.journal, drp_console.journal.backend, drp_console.cli.run_cmds, "
            "drp_console.cli.journal_cmds; print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_urls_are_shown_without_passwords_and_checked(monkeypatch) -> None:
    from drp_console.journal.backend import journal_url, safe_url

    assert safe_url("postgresql://u:pw@h:5/db?sslmode=require") == \
        "postgresql://u:***@h:5/db?sslmode=require"
    assert safe_url("postgresql:///db?host=/tmp/s&password=pw&user=u") == \
        "postgresql:///db?host=/tmp/s&password=***&user=u"
    monkeypatch.delenv("DRP_JOURNAL", raising=False)
    assert journal_url(None) is None
    monkeypatch.setenv("DRP_JOURNAL", "postgres://u@h/db")
    assert journal_url(None) == "postgres://u@h/db"
    assert journal_url("postgresql://x@y/z") == "postgresql://x@y/z"  # the option wins
    monkeypatch.setenv("DRP_JOURNAL", "http://u:pw@h/db")
    with pytest.raises(ValueError, match="DRP_JOURNAL must be a PostgreSQL URL") as caught:
        journal_url(None)
    assert "pw" not in str(caught.value)


def test_a_start_whose_first_append_fails_leaves_no_run(journal_url: str, tmp_path: Path) -> None:
    """The database refuses `run_started`: the start fails in one sentence and `drp runs`
    lists no empty run (the row the start made is removed)."""
    with psycopg.connect(journal_url, autocommit=True) as conn:
        conn.execute("CREATE FUNCTION refuse_start() RETURNS trigger LANGUAGE plpgsql AS $$"
                     " BEGIN RAISE EXCEPTION 'no new runs today'; END $$")
        conn.execute("CREATE TRIGGER refuse_start BEFORE INSERT ON drp.events FOR EACH ROW"
                     " WHEN (NEW.type = 'run_started') EXECUTE FUNCTION refuse_start()")
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--headless", "--auto-approve", "--runs-dir", str(runs),
              "--journal", journal_url)
    assert res.exit_code != 0 and "no new runs today" in res.output, res.output
    assert "Traceback" not in res.output
    with psycopg.connect(journal_url) as conn:
        assert conn.execute("SELECT count(*) FROM drp.runs").fetchone() == (0,)
    listed = drp("runs", "--runs-dir", str(runs), "--journal", journal_url)
    assert listed.exit_code == 0 and "faulty" not in listed.output, listed.output
    assert not runs.exists() or list(runs.iterdir()) == []  # no local directory either


def test_a_start_killed_before_its_first_event_is_no_run_to_list(journal_url: str) -> None:
    from drp_console.journal.pg_store import PgStore

    with PgStore(journal_url) as store:
        store.create_run("20261129T120000Z-ghost-0000")  # the process died right after this
        assert store.summaries() == []
    listed = drp("runs", "--journal", journal_url, "--runs-dir", "/nonexistent/runs")
    assert listed.exit_code == 0 and "ghost" not in listed.output, listed.output
