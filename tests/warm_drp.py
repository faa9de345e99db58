"""`drp` in a real process of its own that starts warm, for the tests about a process (killed,
or its whole stdout and stderr).

Each process is forked from a small server (one per test process) that imported the Google
client modules once, instead of a new interpreter paying seconds of imports before its first
cloud step. It is still a separate process: its own environment, stdin from /dev/null, stdout
and stderr to a file, the kill, the journal on disk and the exit status (the negative signal
number when killed) are a real process's; it ends through the interpreter's normal exit.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
from pathlib import Path

PRELOAD = ["google.cloud.compute_v1", "google.cloud.sqladmin_v1beta4", "pydantic", "jinja2", "yaml",
           "click"]
"""Imported once by the server (third-party modules only: nothing of drp_console, so each process
reads its own settings)."""

SERVER = """
import json, os, sys
for name in sys.argv[1:]:
    __import__(name)
def serve():
    for line in sys.stdin:
        pid = os.fork()
        if pid == 0:
            return json.loads(line)
        print(pid, flush=True)
        print(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]), flush=True)
    sys.exit(0)
req = serve()
os.chdir(req["cwd"])
os.environ.clear()
os.environ.update(req["env"])
null = os.open(os.devnull, os.O_RDONLY)
out = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(null, 0)
os.dup2(out, 1)
os.dup2(out, 2)
sys.stdin = open(0, closefd=False)
sys.stdout = open(1, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)
sys.argv = ["drp", *req["args"]]
from drp_console.cli import cli
cli.main(req["args"], prog_name="drp")
"""

ROOT = Path(__file__).resolve().parents[1]
_servers: list[subprocess.Popen] = []


def _server() -> subprocess.Popen:
    if not _servers or _servers[0].poll() is not None:
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        _servers[:] = [subprocess.Popen([sys.executable, "-c", SERVER, *PRELOAD], bufsize=0,
                                        env=dict(os.environ, PYTHONPATH=path),
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)]
    return _servers[0]


def _line(server: subprocess.Popen, timeout: float) -> str:
    assert server.stdout is not None
    if not select.select([server.stdout], [], [], timeout)[0]:
        raise TimeoutError
    line = server.stdout.readline()
    assert line, "the warm drp server died"
    return line.decode().strip()


def run(args: list[str], env: dict[str, str], timeout: float,
        cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`drp ARGS` in a warm process with environment `env` (in `cwd`, else the current
    directory); its exit status and its output, stdout and stderr interleaved."""
    server = _server()
    assert server.stdin is not None
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "output"
        server.stdin.write(json.dumps({"args": args, "env": env, "out": str(out),
                                       "cwd": str(cwd or Path.cwd())}).encode() + b"\n")
        pid = int(_line(server, 60))
        try:
            code = int(_line(server, timeout))
        except TimeoutError:
            os.kill(pid, 9)
            _line(server, 60)
            raise subprocess.TimeoutExpired(["drp", *args], timeout) from None
        text = out.read_text(encoding="utf-8", errors="replace") if out.exists() else ""
    return subprocess.CompletedProcess(["drp", *args], code, text, "")
