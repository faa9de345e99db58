"""The simulator's HTTP server: stdlib ThreadingHTTPServer, routing table, state file, views."""

from __future__ import annotations

import contextlib
import copy
import http.client
import json
import os
import re
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from drp_console.sim import compute_effects, sql_effects  # noqa: F401  (register effects)
from drp_console.sim import operations as ops
from drp_console.sim.api import Request, match
from drp_console.sim.compute_api import Sleep
from drp_console.sim.errors import ApiError
from drp_console.sim.faults import http_fault
from drp_console.sim.scenario import Scenario, load_scenario
from drp_console.sim.state_view import world_snapshot
from drp_console.sim.world import WORLD_VERSION, World

_RESOURCE_PARAMS = ("instance", "disk", "igm", "snapshot", "image", "operation", "id")
MAX_BODY = 1024 * 1024
"""Largest request body accepted (bytes); a larger one is answered 413."""
MAX_HEADER_BYTES = 64 * 1024
"""Largest request line plus headers accepted (bytes); more is answered 431."""
IDLE_SECONDS = 30.0
"""A connection that sends nothing for this long is closed (a request it began is dropped)."""
BACKLOG = 128
"""Connections the listening socket queues before they are accepted."""
_LENGTH = re.compile(r"[0-9]{1,12}")


class _Incomplete(Exception):
    """The request did not arrive whole: nothing is done and the connection is closed."""


class _HeaderReader:
    """The request stream while headers are read: counts their bytes, remembers the last line."""

    def __init__(self, raw: Any, size: int):
        self.raw, self.size, self.last = raw, size, b""

    def readline(self, limit: int = -1) -> bytes:
        line = self.raw.readline(limit)
        self.size += len(line)
        self.last = line
        if self.size > MAX_HEADER_BYTES:
            raise http.client.LineTooLong(f"request headers over {MAX_HEADER_BYTES} bytes")
        return line

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class _Handler(BaseHTTPRequestHandler):
    """Turns one HTTP request into a routed API call on the server's world.

    A request is acted on only once it has arrived whole: headers ended by their blank line and
    exactly `Content-Length` bytes of body. Anything less (a cut connection, an idle one) is
    dropped without an answer and without touching the world."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    timeout = IDLE_SECONDS
    server: _HttpServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass

    def parse_request(self) -> bool:
        raw = self.rfile
        reader = _HeaderReader(raw, len(getattr(self, "raw_requestline", b"")))
        self.rfile = reader  # type: ignore[assignment]
        try:
            ok = super().parse_request()
        finally:
            self.rfile = raw
        if ok and reader.last not in (b"\r\n", b"\n"):  # the headers were cut off
            self.close_connection = True
            return False
        return ok

    def _body(self) -> bytes:
        """The whole body; ApiError for a bad length, _Incomplete when it did not all arrive."""
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise ApiError(411, "Send the body with a Content-Length.", "lengthRequired")
        text = (self.headers.get("Content-Length") or "0").strip()
        if not _LENGTH.fullmatch(text):
            self.close_connection = True
            raise ApiError(400, f"Content-Length must be a number of bytes, got {text[:40]!r}.",
                           "badRequest")
        length = int(text)
        if length > MAX_BODY:
            self.close_connection = True
            raise ApiError(413, f"Request body too large (at most {MAX_BODY} bytes).", "tooLarge")
        try:
            raw = self.rfile.read(length) if length else b""
        except OSError:  # the connection broke or sat idle
            raise _Incomplete() from None
        if len(raw) < length:
            raise _Incomplete()
        return raw

    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PATCH(self) -> None:  # noqa: N802
        self._handle("PATCH")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def _send(self, code: int, body: Any) -> None:
        data = json.dumps(body, separators=(",", ":")).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client went away: nobody to tell
            self.close_connection = True

    def _handle(self, method: str) -> None:
        sim = self.server.sim
        url = urlsplit(self.path)
        service = "sql" if url.path.startswith("/sql/") else "compute"
        try:
            raw = self._body()
            if url.path == "/_sim/state" and method == "GET":
                return self._send(200, sim.snapshot())
            if url.path == "/_sim/health" and method == "GET":
                return self._send(200, {"ok": True, "scenario": sim.scenario_id,
                                        "speed": sim.speed})
            try:
                body = json.loads(raw) if raw.strip() else {}
            except (ValueError, RecursionError):
                raise ApiError(400, "Invalid JSON payload received.", "parseError") from None
            if not isinstance(body, dict):
                raise ApiError(400, "The request body must be a JSON object.", "parseError")
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            self._send(200, sim.dispatch(method, url.path, query, body))
        except _Incomplete:
            self.close_connection = True
        except ApiError as exc:
            self._send(exc.code, exc.body(service))
        except Exception as exc:  # a simulator bug must not kill the connection silently
            traceback.print_exc(file=sys.stderr)
            self._send(500, ApiError(500, f"Simulator error: {exc}").body(service))


class _HttpServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = BACKLOG
    sim: SimServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):
            return  # a client that went away is not the simulator's problem
        super().handle_error(request, client_address)


class SimServer:
    """The simulated Google Cloud: start it, point the clients at `.endpoint`, stop it.

    `scenario` is a `Scenario` or the path of a scenario file. With `state_file`, the world is
    saved there (atomically) after each change and loaded from it on start when it exists.
    `on_save`, when set, is given every saved world's JSON too, before the call that changed it
    is answered (a shared run stores it in the journal database); when it fails, that call is
    answered 503 (transient: retried with its requestId) and the next change tries again.
    """

    def __init__(self, scenario: Scenario | str | Path, host: str = "127.0.0.1", port: int = 0,
                 state_file: str | Path | None = None, clock: Callable[[], float] = time.time):
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
        self.host, self.port = host, port
        self.state_file = Path(state_file) if state_file else None
        self.clock = clock
        self.on_save: Callable[[bytes], None] | None = None
        """Also given each saved world (see the class docstring)."""
        self.world = self._load_or_create()
        self._http: _HttpServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.endpoint: str | None = None

    @property
    def speed(self) -> float:
        """The scenario's speed factor."""
        return self.world.speed

    @property
    def scenario_id(self) -> str:
        """The id of the scenario the world came from."""
        return self.world.data["scenario"]["id"]

    def _load_or_create(self) -> World:
        if self.state_file and self.state_file.exists():
            try:
                data = json.loads(self.state_file.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise ValueError(f"{self.state_file}: cannot read the saved world ({exc}); "
                                 "move it away to start the scenario afresh") from None
            if data.get("version") != WORLD_VERSION:
                raise ValueError(f"{self.state_file}: saved by another simulator version "
                                 f"({data.get('version')}); move it away to start afresh")
            world = World(data)
            world.dirty = False
            return world
        world = World.from_scenario(self.scenario, self.clock())
        self._save(world)
        return world

    def _save(self, world: World) -> None:
        if not self.state_file:
            world.dirty = False
            return
        self.state_file.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps(world.data, separators=(",", ":")).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=".world-", dir=self.state_file.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)  # dumps, not dump: only the one-shot encoder is the C one
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.state_file)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        if self.on_save is not None:
            try:
                self.on_save(data)
            except Exception as exc:  # noqa: BLE001 - the world stays dirty: saved again next time
                raise ApiError(503, f"The simulated world could not be stored: {exc}",
                               "backendError") from None
        world.dirty = False

    def dispatch(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> Any:
        """Run one API call against the world and return its JSON body (raises ApiError)."""
        route, params = match(method, path)
        w = self.world
        request_id = query.get("requestId") or None
        resource = next((params[k] for k in _RESOURCE_PARAMS if k in params), None) \
            or str(body.get("name") or params.get("zone") or params.get("region") or "project")
        with w.lock:
            now = self.clock()
            ops.advance(w, now)
            w.count_call(route.call, resource, request_id, save=route.mutating)
            try:
                http_fault(w, route.call, resource, now)
                if route.mutating and request_id and request_id in w.data["requestIds"]:
                    op = w.data["operations"][w.data["requestIds"][request_id]]
                    return ops.view(w, op, now)
                req = Request(w, now, query, body, route.call, request_id)
                # A copy, so the answer is encoded outside the lock while others change the world.
                result = copy.deepcopy(route.handler(req, **params))
            finally:
                if w.dirty:
                    self._save(w)
        while isinstance(result, Sleep):
            time.sleep(max(result.seconds, 0.0))
            with w.lock:
                now = self.clock()
                ops.advance(w, now)
                result = copy.deepcopy(result.then(Request(w, now, query, body, route.call,
                                                           request_id)))
                if w.dirty:
                    self._save(w)
        return result

    def snapshot(self) -> dict[str, Any]:
        """The world as it is now, with mutations, requestIds and call counts."""
        with self.world.lock:
            now = self.clock()
            ops.advance(self.world, now)
            if self.world.dirty:
                self._save(self.world)
            return copy.deepcopy(world_snapshot(self.world, now))

    def start(self) -> str:
        """Listen and serve in a background thread; returns the endpoint URL."""
        if self._http is not None:
            return self.endpoint or ""
        self._http = _HttpServer((self.host, self.port), _Handler)
        self._http.sim = self
        host, port = self._http.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else host
        self.port = port
        self.endpoint = f"http://{host}:{port}"
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, args=(self._http,), name="drp-sim",
                                        daemon=True)
        self._thread.start()
        return self.endpoint

    def _serve(self, http: _HttpServer) -> None:
        """Accept connections until `stop()`; no timer: the loop sleeps until one arrives."""
        http.timeout = None
        while not self._stopping.is_set():
            http.handle_request()

    def _wake(self) -> None:
        """Connect once, so the accepting loop returns and sees that it is to stop."""
        host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)
        with contextlib.suppress(OSError):  # the loop then ends at the join's timeout
            socket.create_connection((host, self.port), timeout=1).close()

    def stop(self) -> None:
        """Stop serving, close the socket, and save the world one last time."""
        if self._http is None:
            return
        self._stopping.set()
        if self._thread:
            self._wake()
            self._thread.join(timeout=5)
        self._http.server_close()
        self._http = self._thread = None
        with self.world.lock, contextlib.suppress(ApiError):  # on_save failed: it was saved
            ops.advance(self.world, self.clock())
            self._save(self.world)

    def __enter__(self) -> SimServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
