"""`drp journal init|export|import`: prepare a shared journal database and move runs in and out.

`init URL` creates or upgrades the journal's tables (idempotent). `export RUN -o FILE` writes a
shared run as a journal file, line for line what a local run's `journal.jsonl` holds, so reports
and `drp resume --runs-dir` work on it. `import FILE` copies a local journal into the database
under its run id (refused when that id is already there), for a team that carried on locally.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from drp_console.cli.options import journal_option
from drp_console.cli.run_cmds import _fail
from drp_console.exit_codes import ExitCode


def _url(option: str | None) -> str:
    from drp_console.journal.backend import journal_url

    try:
        url = journal_url(option)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if url is None:
        raise click.UsageError("name the journal database with --journal URL or DRP_JOURNAL")
    return url


def _guard(body: Callable[[], int]) -> None:
    from drp_console.journal import JournalError

    try:
        code = body()
    except JournalError as exc:
        _fail(str(exc), ExitCode.USAGE)
    except OSError as exc:
        _fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", 1)
    sys.exit(code)


@click.group()
def journal() -> None:
    """Shared journals on PostgreSQL: prepare a database, export and import runs."""


@journal.command("init")
@click.argument("url", metavar="URL")
def init(url: str) -> None:
    """Create or upgrade the journal tables in URL (idempotent)."""

    def body() -> int:
        from drp_console.journal.backend import safe_url
        from drp_console.journal.pg_store import init_database

        before, after = init_database(_url(url))
        if before == after:
            click.echo(f"{safe_url(url)}: the journal schema is already at version {after}")
        else:
            click.echo(f"{safe_url(url)}: journal schema upgraded from version {before} to {after}")
        return ExitCode.OK

    _guard(body)


@journal.command("export")
@click.argument("run_ref", metavar="RUN")
@journal_option
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The journal file to write (must not exist yet).")
def export(run_ref: str, journal: str | None, output: str) -> None:
    """Write shared run RUN (an id or unique prefix) to a journal file."""

    def body() -> int:
        from drp_console.journal.pg_store import PgStore

        with PgStore(_url(journal)) as store:
            store.check_schema()
            run_id = store.find_run(run_ref)
            lines = store.lines(run_id)
        _write_new(Path(output), "".join(lines).encode("utf-8"))
        click.echo(f"run {run_id}: {len(lines)} events written to {output}")
        return ExitCode.OK

    _guard(body)


def _write_new(path: Path, data: bytes) -> None:
    """Write a new file durably and whole (a temporary file renamed), never over another."""
    if path.exists():
        _fail(f"{path} already exists: choose another file or remove it first", ExitCode.USAGE)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # fails if the file appeared meanwhile, unlike rename
    finally:
        os.unlink(tmp)


@journal.command("import")
@click.argument("source", metavar="FILE", type=click.Path(exists=True))
@journal_option
def import_(source: str, journal: str | None) -> None:
    """Copy a journal file or run directory into the database.

    The run keeps its id; a run id already in the database is refused."""

    def body() -> int:
        from drp_console.journal.events import JOURNAL_NAME, parse_journal
        from drp_console.journal.pg_store import PgStore

        path = Path(source)
        path = path / JOURNAL_NAME if path.is_dir() else path
        data = path.read_bytes()
        parsed = parse_journal(data, path)
        if not parsed.events:
            _fail(f"{path} holds no journal events: nothing to import", ExitCode.USAGE)
        first = parsed.events[0]
        run_id = str(first.get("run_id") or path.parent.name)
        lines = [line.decode("utf-8") + "\n" for line in data[:parsed.good_length].split(b"\n")[:-1]]
        with PgStore(_url(journal)) as store:
            store.check_schema()
            count = store.import_events(run_id, parsed.events, lines)
        torn = f" (ignored {parsed.dropped} bytes of an incomplete last line)" if parsed.dropped else ""
        click.echo(f"run {run_id}: {count} events imported{torn}")
        return ExitCode.OK

    _guard(body)
