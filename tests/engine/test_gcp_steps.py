"""gcp and wait steps against the real simulator over HTTP with the real Google clients."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from engine_helpers import ScriptedResponder, engine_for, finished, run, runbook

from drp_console.actions import request_id_for
from drp_console.gcp.clients import Cloud
from drp_console.sim.server import SimServer

WORLD = Path(__file__).parent / "data" / "crash-world.yaml"
P = {"project": "acme-prod"}
# one worker starts the module's simulator once (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("engine-gcp-steps")


@pytest.fixture(scope="module")
def server():
    sim = SimServer(WORLD)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def cloud(server):
    return Cloud(server.endpoint, "acme-prod")


def get_replica(id, **kw):
    return {"id": id, "title": id, "type": "gcp", "call": "sql.instances.get",
            "with": {"project": "acme-prod", "instance": "orders-db-replica-ew4"}, **kw}


def test_outputs_feed_later_templates_and_a_false_check_fails(cloud, tmp_path):
    rb = runbook(
        get_replica("read", outputs={"kind": "result.instanceType", "state": "result.state"}),
        get_replica("only-if-replica", when="steps['read'].outputs.kind == 'READ_REPLICA_INSTANCE'"),
        get_replica("wrong", check="result.state == 'FAILED'", on_failure="continue"),
        {"id": "say", "title": "say", "type": "manual",
         "instructions": "state is {{ steps['read'].outputs.state }}"})
    responder = ScriptedResponder()
    eng = engine_for(rb, tmp_path, responder, cloud=cloud, params=P)
    run(eng)
    done = finished(eng)
    assert done["only-if-replica"][0] == "succeeded"
    assert done["wrong"][0] == "failed" and "check failed" in done["wrong"][1]
    assert [q.prompt for q in responder.asked if q.step == "say"] == ["state is RUNNABLE"]


def test_wait_step_times_out_with_a_clear_reason(cloud, tmp_path):
    rb = runbook({"id": "never", "title": "never", "type": "wait", "call": "sql.instances.get",
                  "with": {"project": "acme-prod", "instance": "orders-db"},
                  "until": "result.state == 'FAILED'", "interval": "1s", "timeout": "30s"})
    eng = engine_for(rb, tmp_path, ScriptedResponder(), cloud=cloud, speed=100)
    run(eng)
    status, reason = finished(eng)["never"]
    assert status == "failed" and "timed out" in reason


def test_live_mode_confirms_with_the_resource_name_and_sends_the_journaled_request_id(
        cloud, server, tmp_path):
    rb = runbook({"id": "stop", "title": "stop", "type": "gcp", "call": "compute.instances.stop",
                  "with": {"project": "acme-prod", "zone": "europe-west1-b", "instance": "web-1"}})
    responder = ScriptedResponder()
    eng = engine_for(rb, tmp_path, responder, cloud=cloud, mode="live", run_id="run-live")
    run(eng)
    assert [q.expected for q in responder.asked if q.kind == "confirm"] == ["web-1"]
    intent = [e for e in eng.journal.events() if e["type"] == "call_intent"][0]
    assert intent["request_id"] == request_id_for("run-live", "stop", 1)
    applied = [m for ms in server.snapshot()["mutations"].values() for m in ms
               if m["requestId"] == intent["request_id"]]
    assert len(applied) == 1  # the simulator applied the call under the journaled requestId
    assert finished(eng)["stop"][0] == "succeeded"


def test_cancelled_confirmation_is_a_failure_not_a_call(cloud, tmp_path):
    rb = runbook({"id": "start", "title": "s", "type": "gcp", "call": "compute.instances.start",
                  "with": {"project": "acme-prod", "zone": "europe-west1-b", "instance": "web-2"},
                  "on_failure": "continue"})
    responder = ScriptedResponder({"start": {"confirm": "cancel", "failed": "fail"}})
    eng = engine_for(rb, tmp_path, responder, cloud=cloud, mode="live")
    run(eng)
    assert finished(eng)["start"][0] == "failed"
    assert "call_intent" not in [e["type"] for e in eng.journal.events()]


class Silent:
    """An HTTP endpoint that reads requests and never answers (a request lost in flight)."""

    def __init__(self):
        import socket
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.requests: list[bytes] = []
        self.conns = []
        self.endpoint = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            with contextlib.suppress(OSError):
                self.requests.append(conn.recv(65536).split(b"\r\n", 1)[0])

    def close(self):
        self.sock.close()
        for c in self.conns:
            c.close()


@pytest.mark.parametrize("call,args,sends", [
    ("sql.instances.restart", {"project": "acme-prod", "instance": "orders-db"}, 1),
    ("compute.instances.stop", {"project": "acme-prod", "zone": "europe-west1-b",
                                "instance": "web-1"}, 4),
])
def test_a_mutating_call_without_answer_is_never_repeated_blindly(call, args, sends, tmp_path):
    silent = Silent()
    try:
        rb = runbook({"id": "act", "title": "act", "type": "gcp", "call": call, "with": args,
                      "retry": {"attempts": 5, "delay": "0s"}})
        responder = ScriptedResponder({"act": {"unknown": "skip"}})
        eng = engine_for(rb, tmp_path, responder, cloud=Cloud(silent.endpoint, "acme-prod",
                                                               timeout=0.3), speed=100)
        run(eng)
    finally:
        silent.close()
    lines = [r for r in silent.requests if b"POST" in r]
    assert len(lines) == sends  # SQL: sent once; Compute: re-sent with the same requestId only
    assert len({line.split(b"requestId=")[-1].split(b"&")[0].split(b" ")[0] for line in lines}) == 1
    assert [q.kind for q in responder.asked] == ["unknown"]
    assert finished(eng)["act"][0] == "skipped"
