"""A real PostgreSQL server for the shared-journal tests, started by the suite in a temporary
directory (see `pg_server.py`), and a fresh database for each test.

`.ci/run` installs the Debian `postgresql` package when the server binaries are missing; only
without them do these tests skip, saying so.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import psycopg
import pytest
from pg_server import NoServer, PgServer, start_server  # tests/pg is on sys.path


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole session, removed afterwards. Under pytest-xdist every
    worker is a session of its own, so each starts its own server (own directory, own socket)."""
    try:
        server = start_server()
    except NoServer as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.remove()


_counter = itertools.count(1)


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A URL to a fresh, empty database on the test server (no journal tables yet)."""
    name = f"t{os.getpid()}_{next(_counter)}"
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield pg_server.url(name)
    with psycopg.connect(pg_server.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def journal_url(pg_url: str) -> str:
    """A URL to a fresh database that `drp journal init` has prepared."""
    from drp_console.journal.pg_store import init_database

    init_database(pg_url)
    return pg_url
