"""A real PostgreSQL server for the shared-journal tests, started by the suite in a temporary
directory (initdb + pg_ctl, unix socket only, trust auth) and a fresh database for each test.

The server binaries come from the newest /usr/lib/postgresql/*/bin (or initdb/pg_ctl on PATH);
`.ci/run` installs the Debian `postgresql` package when they are missing, and only then do these
tests skip, saying so. initdb refuses to run as root, so as root the server runs as the
`postgres` system user (`runuser`), its directory handed to that user.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

psycopg = pytest.importorskip("psycopg", reason="psycopg is not installed: pip install -e '.[test]'")


def _server_bin() -> Path | None:
    candidates = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for path in reversed(candidates):
        if (path / "initdb").exists() and (path / "pg_ctl").exists():
            return path
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running test server: its binaries, data directory, socket directory and port."""

    bin: Path
    root: Path
    port: int
    as_user: list[str]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, dbname: str = "postgres") -> str:
        """A `postgresql://` URL to a database of this server over its unix socket."""
        return f"postgresql:///{dbname}?host={self.root}&port={self.port}&user=drp"

    def ctl(self, *args: str) -> None:
        """Run pg_ctl against this server (as the server's user)."""
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                       check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.root} -c listen_addresses='' -c max_connections=60"
        self.ctl("-l", str(self.root / "server.log"), "-o", opts, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.ctl("-m", mode, "-w", "stop")


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """One PostgreSQL server for the whole session, removed afterwards."""
    bindir = _server_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl): install the Debian "
                    "`postgresql` package (.ci/run does) to run the shared-journal tests")
    root = Path(tempfile.mkdtemp(prefix="drp-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root without a `postgres` user: initdb refuses root")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bindir, root, _free_port(), as_user)
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(server.data), "-U", "drp",
                    "--auth=trust", "-E", "UTF8", "--no-sync"],
                   check=True, capture_output=True, timeout=120)
    server.start()
    try:
        yield server
    finally:
        try:
            server.stop("immediate")
        finally:
            shutil.rmtree(root, ignore_errors=True)


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
