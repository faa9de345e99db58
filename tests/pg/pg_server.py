"""Start a throwaway PostgreSQL server in a temporary directory (tests and benchmarks).

initdb + pg_ctl from the newest /usr/lib/postgresql/*/bin (or initdb/pg_ctl on PATH), a unix
socket in the temporary directory and no TCP, trust authentication for the user `drp`. initdb
refuses to run as root, so as root the server runs as the `postgres` system user (`runuser`),
the directory handed to that user.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


class NoServer(Exception):
    """No server can be started here; the message says why and what to install."""


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

    def remove(self) -> None:
        """Stop the server at once and delete its directory."""
        try:
            self.stop("immediate")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def start_server() -> PgServer:
    """A new running server in a new temporary directory (NoServer when impossible here)."""
    bindir = _server_bin()
    if bindir is None:
        raise NoServer("no PostgreSQL server binaries (initdb, pg_ctl): install the Debian "
                       "`postgresql` package (.ci/run does) to run the shared-journal tests")
    root = Path(tempfile.mkdtemp(prefix="drp-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        import pwd

        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            shutil.rmtree(root)
            raise NoServer("running as root without a `postgres` user: initdb refuses root") from None
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PgServer(bindir, root, _free_port(), as_user)
    try:
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(server.data), "-U", "drp",
                        "--auth=trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        server.start()
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server
