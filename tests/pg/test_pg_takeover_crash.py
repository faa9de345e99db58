"""Takeover crash tests on the shared journal: `drp run --headless --journal URL` is SIGKILLed at
each point of the mutation protocol, its lease runs out, and another person takes the run over
with `drp resume RUN --journal URL` and finishes it.

Checked in the database and in the simulator's own counts: every event the killed driver made
durable is still there and the seq is gapless, no mutation was applied twice, UNKNOWN was asked
where the engine cannot know, and the takeover is journaled under the new person's name. The
world is first a simulator in its own process (`drp sim serve`), then the embedded simulator
whose world the database carries (`world.json` among the run's files).

The kill uses the engine's test hook `DRP_TEST_CRASH_AT=<event type>:<n>` (see
tests/engine/test_crash_resume.py, the file journal's version of these tests).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import warm_drp  # tests/ is on sys.path

from drp_console.journal.pg_store import PgStore
from drp_console.settings import settings

ENGINE_DATA = Path(__file__).resolve().parents[1] / "engine" / "data"
RUNBOOK = ENGINE_DATA / "crash-runbook.yaml"
SCENARIO = ENGINE_DATA / "crash-world.yaml"
DRP = [sys.executable, "-m", "drp_console"]
TOKEN = "canary-41d9-shared-secret"
LEASE = 1.0
pytestmark = pytest.mark.slow

# before the intent, after it, after the submission, after the completion, after a step, waiting
CRASH_POINTS = [
    ("step_started", 3), ("call_intent", 2), ("operation_submitted", 1),
    ("call_completed", 2), ("step_finished", 3), ("waiting", 1),
]


def _drp(args: list[str], env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """`drp ARGS` in a process of its own, forked warm (`warm_drp`: the Google client modules
    imported once); killed, it is a real SIGKILLed process."""
    env = {**os.environ, "DRP_LEASE_SECONDS": f"{LEASE:g}"}
    for name in ("DRP_TEST_CRASH_AT", "DRP_JOURNAL", "DRP_OPERATOR"):
        env.pop(name, None)
    env.update(env_extra or {})
    return warm_drp.run(args, env, 120)


def _only_run(url: str) -> str:
    with PgStore(url) as store:
        (run_id,) = store.run_ids()
    return run_id


def _events(url: str, run_id: str) -> list[dict]:
    with PgStore(url) as store:
        return [json.loads(line) for line in store.lines(run_id)]


def _wait_for_expiry(url: str, run_id: str) -> None:
    """Until the killed driver's lease has run out (nobody renews it any more)."""
    end = time.monotonic() + 10 * LEASE
    with PgStore(url) as store:
        while time.monotonic() < end:
            lease = store.lease(run_id)
            if lease is None or not lease["live"]:
                return
            time.sleep(0.1)
    raise AssertionError("the killed driver's lease never expired")


def _answers(tmp_path: Path, world: dict) -> Path:
    """What bob answers to UNKNOWN after looking at the cloud: the promotion was accepted (its
    operation runs or ran) -> verified, else rerun; the notification -> rerun."""
    accepted = any("promoteReplica" in key for key in world.get("calls") or {})
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"promote: {'verified' if accepted else 'rerun'}\nnotify: rerun\n")
    return answers


def _kill_then_take_over(url: str, tmp_path: Path, point: str, world_args: list[str],
                         world_now) -> tuple[str, list[dict], list[dict]]:
    """alice drives and is killed at `point`; bob takes over once her lease expired. Returns
    the run id, the events before the takeover, and all events after it."""
    secret = ["-p", f"token={TOKEN}", "--journal", url, "--auto-approve", "--headless"]
    crash = _drp(["run", str(RUNBOOK), *world_args, "--runs-dir", str(tmp_path / "alice"),
                  "--operator", "alice", *secret], {"DRP_TEST_CRASH_AT": point})
    assert crash.returncode == -signal.SIGKILL, crash.stdout + crash.stderr
    run_id = _only_run(url)
    before = _events(url, run_id)
    kind, n = point.split(":")
    assert sum(e["type"] == kind for e in before) >= int(n)  # the event it died after is there
    _wait_for_expiry(url, run_id)
    time.sleep(0.3)  # a request the killed process had already sent still lands
    answers = _answers(tmp_path, world_now(run_id))
    done = _drp(["resume", run_id, "--runs-dir", str(tmp_path / "bob"), "--operator", "bob",
                 "--answers", str(answers), *secret])
    assert done.returncode == 0, done.stdout + done.stderr
    with PgStore(url) as store:
        lease = store.lease(run_id)
    assert lease is not None and lease["token"] == 2  # one takeover: bob's token fenced alice's
    return run_id, before, _events(url, run_id)


def _check_run(before: list[dict], after: list[dict]) -> None:
    assert after[:len(before)] == before  # nothing the killed driver made durable is lost
    assert [e["seq"] for e in after] == list(range(1, len(after) + 1))
    assert after[-1]["type"] == "run_finished" and after[-1]["status"] == "succeeded"
    assert TOKEN not in json.dumps(after)
    taken = after[len(before)]
    assert taken["type"] == "run_resumed" and taken["operator"] == "bob"
    assert taken["took_over_from"] == "alice"  # the takeover names whose run it was
    assert all(e["operator"] == "bob" or e.get("by") == "bob" for e in after[len(before):])
    assert {e["operator"] for e in before} == {"alice"}
    # where the engine could not know, it asked; Compute calls are re-sent, never UNKNOWN
    intents = {e["step"] for e in before if e["type"] == "call_intent"}
    settled = {e["step"] for e in before if e["type"] in ("operation_submitted", "step_finished")}
    unknown = {e["step"] for e in after[len(before):] if e["type"] == "step_unknown"}
    if "promote" in intents - settled:
        assert "promote" in unknown
    assert unknown <= {"promote", "notify"}


def _sim_state(endpoint: str) -> dict:
    with urllib.request.urlopen(endpoint + "/_sim/state", timeout=10) as resp:
        return json.loads(resp.read())


def _check_mutations(world: dict) -> None:
    mutations = world.get("mutations") or {}
    for resource, muts in mutations.items():
        methods = [m["method"] for m in muts]
        assert len(methods) == len(set(methods)), f"{resource} mutated twice: {muts}"
        ids = [m["requestId"] for m in muts if m.get("requestId")]
        assert len(ids) == len(set(ids)), f"{resource}: a requestId applied twice"
    flat = [m["method"] for ms in mutations.values() for m in ms]
    assert sum("promoteReplica" in m for m in flat) == 1
    assert sum(m.endswith("stop") for m in flat) == 1
    assert sum(m.endswith("start") for m in flat) == 1


@pytest.mark.parametrize("point", CRASH_POINTS, ids=[f"{t}-{n}" for t, n in CRASH_POINTS])
def test_killed_driver_is_taken_over_and_every_mutation_applies_once(point, journal_url, tmp_path,
                                                                    sim_process):
    endpoint = sim_process(SCENARIO)
    run_id, before, after = _kill_then_take_over(
        journal_url, tmp_path, f"{point[0]}:{point[1]}",
        ["--sim-endpoint", endpoint, "--scenario", str(SCENARIO)],
        lambda _run_id: _sim_state(endpoint))
    _check_run(before, after)
    _check_mutations(_sim_state(endpoint))


def test_embedded_world_survives_the_kill_and_the_takeover(journal_url, tmp_path):
    """Without --sim-endpoint the world is the embedded simulator's, carried in the database
    (world.json among the run's files): bob, on another machine (his own runs directory),
    continues alice's world, not a fresh one."""
    seen: list[dict] = []

    def world_in_db(run_id: str) -> dict:
        with PgStore(journal_url) as store:
            data = store.get_file(run_id, "world.json")
        assert data is not None, "the killed driver's world is not in the database"
        seen.append(json.loads(data))
        return seen[-1]

    # killed once the promotion is submitted: the world has it, the journal names its operation
    run_id, before, after = _kill_then_take_over(journal_url, tmp_path, "operation_submitted:2",
                                                 [], world_in_db)
    _check_run(before, after)
    # every operation alice journaled as submitted was in the world bob took over
    submitted = {e["operation"]["name"] for e in before if e["type"] == "operation_submitted"}
    assert len(submitted) == 2 and submitted <= set(seen[0]["operations"])
    world = world_in_db(run_id)
    assert json.loads((tmp_path / "bob" / run_id / "world.json").read_text()) == world
    _check_mutations(world)


COMMANDS_RUNBOOK = """\
format: drp/v1
id: commands
title: Joiners' commands across a takeover
scenario: {scenario}
steps:
  - id: long
    title: A command the driver dies in
    type: shell
    run: ["sleep", "3"]
  - id: last
    title: The last command
    type: shell
    run: ["true"]
"""


def test_a_command_the_killed_driver_took_but_never_journaled_is_applied_once(journal_url,
                                                                                tmp_path):
    """carol sends two notes at once; alice takes both, journals the first and is killed; bob
    takes over and journals the second; neither is lost nor written twice."""
    from drp_console.journal import pg_commands

    book = tmp_path / "commands.yaml"
    book.write_text(COMMANDS_RUNBOOK.format(
        scenario=Path(__file__).resolve().parents[2] / "runbooks" / "scenarios" / "calm.yaml"))
    env = {**os.environ, "DRP_LEASE_SECONDS": f"{LEASE:g}", "DRP_TEST_CRASH_AT": "note:1"}
    env.pop("DRP_JOURNAL", None)
    alice = subprocess.Popen(
        DRP + ["run", str(book), "--headless", "--journal", journal_url, "--operator", "alice",
               "--runs-dir", str(tmp_path / "alice")],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        with PgStore(journal_url) as store:
            end = time.monotonic() + 60
            while not any(e["type"] == "call_intent" for r in store.run_ids()
                          for e in store.events(r)):
                assert time.monotonic() < end and alice.poll() is None, alice.communicate()
                time.sleep(0.1)
            (run_id,) = store.run_ids()
            with store.transaction("send two notes") as conn:  # committed together
                ids = [pg_commands.submit_command(conn, run_id, "note", by="carol",
                                                  payload={"text": text})
                       for text in ("one", "two")]
        out, err = alice.communicate(timeout=60)
    finally:
        if alice.poll() is None:
            alice.kill()
            alice.wait()
    assert alice.returncode == -signal.SIGKILL, out + err
    with PgStore(journal_url) as store:
        claimed = [(c.status, c.result) for c in store.commands(run_id)]
    first_seq = next(e["seq"] for e in _events(journal_url, run_id) if e["type"] == "note")
    assert claimed == [("done", {"seq": first_seq}), ("taken", None)]
    _wait_for_expiry(journal_url, run_id)
    answers = tmp_path / "answers.yaml"
    answers.write_text("long: verified\n")
    done = _drp(["resume", run_id, "--headless", "--journal", journal_url, "--operator", "bob",
                 "--runs-dir", str(tmp_path / "bob"), "--answers", str(answers)])
    assert done.returncode == 0, done.stdout + done.stderr
    events = _events(journal_url, run_id)
    notes = [(e["text"], e["operator"]) for e in events if e["type"] == "note"]
    assert notes == [("one", "carol"), ("two", "carol")]
    with PgStore(journal_url) as store:
        assert [c.status for c in store.commands(run_id)] == ["done", "done"]
        assert [c.id for c in store.commands(run_id)] == ids
    assert events[-1]["type"] == "run_finished", [(e["seq"], e["type"], e.get("operator")) for e in events]


STRESS = settings().crash_stress


@pytest.mark.skipif(not STRESS, reason="set DRP_CRASH_STRESS=N for N more random takeover rounds")
def test_random_takeover_crash_points_stress(journal_url, tmp_path):
    """N rounds, each a fresh run in its own embedded world carried by the database: kill the
    driver at a random protocol point (sometimes the next one too), and let one more person
    take over each time, until the run ends; every mutation applied once, no seq gap."""
    import random

    rng = random.Random(STRESS)
    kinds = ["step_started", "call_intent", "operation_submitted", "call_completed",
             "operation_progress", "restore_point", "step_finished", "waiting", "answered"]
    base = ["-p", f"token={TOKEN}", "--journal", journal_url, "--auto-approve", "--headless"]
    seen: set[str] = set()
    for round_ in range(STRESS):
        point = f"{rng.choice(kinds)}:{rng.randint(1, 4)}"
        first = _drp(["run", str(RUNBOOK), "--runs-dir", str(tmp_path / "alice"),
                      "--operator", "alice", *base], {"DRP_TEST_CRASH_AT": point})
        with PgStore(journal_url) as store:
            (run_id,) = set(store.run_ids()) - seen
        seen.add(run_id)
        for taker in range(4):  # take over until it ends (a taker may be killed too)
            _wait_for_expiry(journal_url, run_id)
            with PgStore(journal_url) as store:
                world = json.loads(store.get_file(run_id, "world.json") or b"{}")
            again = {"DRP_TEST_CRASH_AT": f"{rng.choice(kinds)}:1"} if rng.random() < 0.3 else {}
            done = _drp(["resume", run_id, "--runs-dir", str(tmp_path / f"p{taker}"),
                         "--operator", f"person{taker}", "--answers",
                         str(_answers(tmp_path, world)), *base], again)
            if done.returncode == 0:
                break
            assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
        assert done.returncode == 0, (round_, point, first.returncode, done.stdout + done.stderr)
        events = _events(journal_url, run_id)
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))
        with PgStore(journal_url) as store:
            _check_mutations(json.loads(store.get_file(run_id, "world.json") or b"{}"))
