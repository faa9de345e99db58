"""The simulator as a server under hostile input: raw sockets against a real SimServer (issue 11).

A request is acted on only when it arrived whole; bad lengths and bodies are 400s, not 500s;
nothing leaves a traceback on stderr.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sim_clients import start_sim

from drp_console.sim import server as sim_server
from drp_console.sim.scenario import Scenario
from drp_console.sim.server import SimServer

STOP = "/compute/v1/projects/acme-prod/zones/europe-west1-b/instances/web-1/stop"


@pytest.fixture
def server(calm: Scenario) -> Iterator[SimServer]:
    sim = start_sim(calm)
    yield sim
    sim.stop()


def connect(sim: SimServer) -> socket.socket:
    url = urlsplit(sim.endpoint)
    sock = socket.create_connection((url.hostname, url.port), timeout=10)
    return sock


def send_and_close(sim: SimServer, data: bytes) -> None:
    """Send raw bytes, then close (a client that gave up halfway)."""
    with connect(sim) as sock:
        sock.sendall(data)
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(10)
        try:
            while sock.recv(65536):
                pass
        except OSError:
            pass


def exchange(sim: SimServer, data: bytes) -> tuple[int, bytes]:
    """Send a request, read one answer: (status, body)."""
    with connect(sim) as sock:
        sock.sendall(data)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            assert chunk, f"connection closed without an answer: {reply!r}"
            reply += chunk
        head, _, body = reply.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            chunk = sock.recv(65536)
            assert chunk
            body += chunk
        return int(head.split(b" ")[1]), body


def post(body: bytes, length: str | None = None, end: bytes = b"\r\n") -> bytes:
    size = str(len(body)) if length is None else length
    return (f"POST {STOP} HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
            f"Content-Length: {size}\r\n").encode() + end + body


def calls_and_world(sim: SimServer) -> tuple[dict, dict]:
    snap = sim.snapshot()
    return snap["calls"], snap["mutations"]


@pytest.mark.parametrize("data", [
    pytest.param(post(b"{}", end=b"")[:-10], id="headers-cut"),
    pytest.param(post(b"{}", end=b""), id="no-blank-line"),
    pytest.param(post(b"{}", length="50"), id="body-shorter-than-length"),
    pytest.param(post(b"{}", length="-1"), id="length-minus-one"),
    pytest.param(f"POST {STOP} HTTP/1.1".encode(), id="request-line-only"),
])
def test_a_request_that_never_arrived_whole_is_not_acted_on(server, capfd, data) -> None:
    before = calls_and_world(server)
    send_and_close(server, data)
    status, _ = exchange(server, b"GET /_sim/health HTTP/1.1\r\nHost: sim\r\n\r\n")
    assert status == 200  # the server is still there
    assert calls_and_world(server) == before
    assert "Traceback" not in capfd.readouterr().err


def test_a_whole_request_is_acted_on(server) -> None:
    status, body = exchange(server, post(b"{}"))
    assert status == 200, body
    calls, _ = calls_and_world(server)
    assert any(key.startswith("compute.instances.stop web-1") for key in calls)


@pytest.mark.parametrize("data,status", [
    pytest.param(post(b"{}", length="abc"), 400, id="length-abc"),
    pytest.param(post(b"{}", length="1_0"), 400, id="length-underscore"),
    pytest.param(post(b"[" * 200_000 + b"]" * 200_000), 400, id="json-200000-deep"),
    pytest.param(post(b"{}", length=str(sim_server.MAX_BODY + 1)), 413, id="body-too-large"),
    pytest.param(f"GET /_sim/health HTTP/1.1\r\nX-Pad: {'a' * 60000}\r\nX-More: "
                 f"{'b' * 10000}\r\n\r\n".encode(), 431, id="headers-too-large"),
])
def test_bad_lengths_and_bodies_are_client_errors(server, capfd, data, status) -> None:
    before = calls_and_world(server)
    got, body = exchange(server, data)
    assert got == status, body
    assert calls_and_world(server) == before
    assert "Traceback" not in capfd.readouterr().err


def test_the_listen_backlog_takes_a_burst_of_connections(server) -> None:
    assert server._http is not None
    assert server._http.request_queue_size >= 128


def test_limits_are_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "SIMULATOR.md").read_text()
    for value in (f"{sim_server.MAX_BODY // 1024 // 1024} MiB",
                  f"{sim_server.MAX_HEADER_BYTES // 1024} KiB",
                  f"{sim_server.IDLE_SECONDS:g} s", f"{sim_server.BACKLOG}"):
        assert value in text, value


def test_many_half_open_requests_leave_the_world_and_stderr_alone(server, capfd) -> None:
    before = calls_and_world(server)
    for i in range(40):
        send_and_close(server, post(json.dumps({"i": i}).encode(), length="100"))
    assert calls_and_world(server) == before
    assert "Traceback" not in capfd.readouterr().err


def test_stop_ends_the_serving_thread_and_closes_the_port(calm: Scenario) -> None:
    """`stop()` wakes the accepting loop instead of waiting for a timer: its thread has ended
    when stop returns, the port refuses connections, and the same server starts again."""
    import threading

    before = set(threading.enumerate())
    sim = start_sim(calm)
    serving = set(threading.enumerate()) - before
    port = sim.port
    sim.stop()
    assert serving and not any(t.is_alive() for t in serving)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    sim.start()
    try:
        with socket.create_connection(("127.0.0.1", sim.port), timeout=5) as conn:
            conn.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert conn.recv(64).startswith(b"HTTP/1.1 ")
    finally:
        sim.stop()
