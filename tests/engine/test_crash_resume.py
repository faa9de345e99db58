"""Crash tests: SIGKILL `drp run --headless` at each point of the mutation protocol, resume it,
and check in the simulator (outside the killed process, so the world survives) that no mutation
was applied twice, no acknowledged event was lost, and UNKNOWN was asked where the engine cannot
know.

The kill uses the engine's test hook `DRP_TEST_CRASH_AT=<event type>:<n>`: the process kills
itself right after the n-th event of that type is durable in the journal. Every `drp` is a
process of its own, forked warm (`warm_drp`: the Google client modules imported once, not once
per process). The world runs at 10x the crash world's speed (the crash points are events, not
times).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import warm_drp  # tests/ is on sys.path

from drp_console.settings import settings
from drp_console.sim.server import SimServer

DATA = Path(__file__).parent / "data"
RUNBOOK = DATA / "crash-runbook.yaml"
SCENARIO = DATA / "crash-world.yaml"
TOKEN = "canary-7f3e-secret-token"
pytestmark = pytest.mark.slow

# (event type, n): before intent (step_started), after intent, after submission, after completion
CRASH_POINTS = [
    ("step_started", 2), ("step_started", 3), ("step_started", 5),
    ("call_intent", 1), ("call_intent", 2), ("call_intent", 3),
    ("operation_submitted", 1), ("operation_submitted", 2), ("operation_submitted", 3),
    ("call_completed", 1), ("call_completed", 2), ("call_completed", 4),
    ("step_finished", 3), ("waiting", 1),
]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return json.loads(resp.read())


@pytest.fixture
def crash_world(sped_up) -> Path:
    """The crash world's scenario file, sped up."""
    return sped_up(SCENARIO, 500)


@pytest.fixture
def sim(crash_world):
    """The simulator on a port the OS picks, served by this test process (never killed by the
    test, so the world outlives every crash); its endpoint."""
    with SimServer(crash_world) as server:
        _get(server.endpoint + "/_sim/health")
        yield server.endpoint


def _drp(args: list[str], env_extra: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DRP_TEST_CRASH_AT", None)
    env.update(env_extra or {})
    return warm_drp.run(args, env, timeout)


def _events(run_dir: Path) -> list[dict]:
    return [json.loads(line) for line in (run_dir / "journal.jsonl").read_text().splitlines()
            if line.strip()]


def _mutations(state: dict) -> dict[str, list[dict]]:
    return state.get("mutations") or {}


def _operator_answers(sim: str, tmp_path: Path) -> Path:
    """What an operator answers to UNKNOWN after looking at the cloud: the promotion was
    accepted (its operation runs or ran) -> verified, else rerun; the notification -> rerun."""
    time.sleep(0.3)  # a request the killed process had already sent still lands
    calls = _get(sim + "/_sim/state").get("calls") or {}
    accepted = any("promoteReplica" in key for key in calls)
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"promote: {'verified' if accepted else 'rerun'}\nnotify: rerun\n")
    return answers


@pytest.mark.parametrize("point", CRASH_POINTS, ids=[f"{t}-{n}" for t, n in CRASH_POINTS])
def test_sigkill_then_resume_applies_every_mutation_once(point, sim, crash_world, tmp_path):
    runs = tmp_path / "runs"
    crash = _drp(["run", str(RUNBOOK), "--headless", "--auto-approve", "--sim-endpoint", sim,
                  "--scenario", str(crash_world), "--runs-dir", str(runs), "-p", f"token={TOKEN}"],
                 {"DRP_TEST_CRASH_AT": f"{point[0]}:{point[1]}"})
    assert crash.returncode == -signal.SIGKILL, crash.stdout + crash.stderr
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    before = _events(run_dir)
    # the event it died after is durable (parallel steps may have written more in that group)
    assert sum(e["type"] == point[0] for e in before) >= point[1]

    answers = _operator_answers(sim, tmp_path)
    done = _drp(["resume", run_dir.name, "--headless", "--auto-approve", "--answers",
                 str(answers), "--runs-dir", str(runs), "-p", f"token={TOKEN}"])
    assert done.returncode == 0, done.stdout + done.stderr

    after = _events(run_dir)
    assert after[:len(before)] == before  # no acknowledged event lost or changed
    assert [e["seq"] for e in after] == list(range(1, len(after) + 1))
    assert after[-1]["type"] == "run_finished" and after[-1]["status"] == "succeeded"
    assert TOKEN not in (run_dir / "journal.jsonl").read_text()

    state = _get(sim + "/_sim/state")
    for resource, muts in _mutations(state).items():
        methods = [m["method"] for m in muts]
        assert len(methods) == len(set(methods)), f"{resource} mutated twice: {muts}"
        ids = [m["requestId"] for m in muts if m.get("requestId")]
        assert len(ids) == len(set(ids)), f"{resource}: a requestId applied twice"
    flat = [m["method"] for ms in _mutations(state).values() for m in ms]
    assert sum("promoteReplica" in m for m in flat) == 1
    assert sum(m.endswith("stop") for m in flat) == 1
    assert sum(m.endswith("start") for m in flat) == 1

    # where the engine could not know, it asked
    intents = {e["step"] for e in before if e["type"] == "call_intent"}
    submitted = {e["step"] for e in before if e["type"] in ("operation_submitted", "step_finished")}
    unknown = {e["step"] for e in after[len(before):] if e["type"] == "step_unknown"}
    if "promote" in intents - submitted:
        assert "promote" in unknown
    assert unknown <= {"promote", "notify"}  # Compute calls are re-sent, never UNKNOWN


def test_crash_during_resume_then_resume_again(sim, crash_world, tmp_path):
    """Two crashes in a row (the second while resuming) still apply each mutation once."""
    runs = tmp_path / "runs"
    base = ["--runs-dir", str(runs), "-p", f"token={TOKEN}"]
    first = _drp(["run", str(RUNBOOK), "--headless", "--auto-approve", "--sim-endpoint", sim,
                  "--scenario", str(crash_world)] + base, {"DRP_TEST_CRASH_AT": "operation_submitted:1"})
    assert first.returncode == -signal.SIGKILL
    (run_dir,) = list(runs.iterdir())
    second = _drp(["resume", run_dir.name, "--headless", "--auto-approve"] + base,
                  {"DRP_TEST_CRASH_AT": "call_intent:1"})
    assert second.returncode in (-signal.SIGKILL, 0, 5), second.stdout + second.stderr
    answers = _operator_answers(sim, tmp_path)
    third = _drp(["resume", run_dir.name, "--headless", "--auto-approve", "--answers",
                  str(answers)] + base)
    assert third.returncode == 0, third.stdout + third.stderr
    flat = [m["method"] for ms in _mutations(_get(sim + "/_sim/state")).values() for m in ms]
    assert sorted(flat) == sorted(set(flat))


@pytest.mark.parametrize("point", ["call_intent:1", "operation_submitted:2"])
def test_embedded_world_survives_a_crash(point, crash_world, tmp_path):
    """Without --sim-endpoint the world lives in the run directory and resumes with the run."""
    runs = tmp_path / "runs"
    base = ["--runs-dir", str(runs), "-p", f"token={TOKEN}"]
    crash = _drp(["run", str(RUNBOOK), "--headless", "--auto-approve", "--scenario", str(crash_world)]
                 + base, {"DRP_TEST_CRASH_AT": point})
    assert crash.returncode == -signal.SIGKILL
    (run_dir,) = list(runs.iterdir())
    world = json.loads((run_dir / "world.json").read_text())
    accepted = any("promoteReplica" in key for key in world.get("calls") or {})
    answers = tmp_path / "answers.yaml"
    answers.write_text(f"promote: {'verified' if accepted else 'rerun'}\nnotify: rerun\n")
    done = _drp(["resume", run_dir.name, "--headless", "--auto-approve", "--answers",
                 str(answers)] + base)
    assert done.returncode == 0, done.stdout + done.stderr
    world = json.loads((run_dir / "world.json").read_text())
    flat = [m["method"] for ms in (world.get("mutations") or {}).values() for m in ms]
    assert sorted(flat) == sorted(set(flat)) and len(flat) == 3



STRESS = settings().crash_stress


@pytest.mark.skipif(not STRESS, reason="set DRP_CRASH_STRESS=N for N more random crash rounds")
def test_random_crash_points_stress(tmp_path):
    """N rounds, each a fresh run in its own embedded world: kill at a random protocol point
    (sometimes again during the resume), then resume to the end; every mutation applied once."""
    import random

    rng = random.Random(STRESS)
    kinds = ["step_started", "call_intent", "operation_submitted", "call_completed",
             "operation_progress", "step_finished"]
    for round_ in range(STRESS):
        runs = tmp_path / f"runs-{round_}"
        base = ["--runs-dir", str(runs), "-p", f"token={TOKEN}"]
        point = f"{rng.choice(kinds)}:{rng.randint(1, 4)}"
        first = _drp(["run", str(RUNBOOK), "--headless", "--auto-approve"] + base,
                     {"DRP_TEST_CRASH_AT": point})
        (run_dir,) = list(runs.iterdir())
        for _ in range(4):  # resume until it ends (a resume may crash too, or need answers)
            world = json.loads((run_dir / "world.json").read_text())
            accepted = any("promoteReplica" in key for key in world.get("calls") or {})
            answers = tmp_path / "answers.yaml"
            answers.write_text(f"promote: {'verified' if accepted else 'rerun'}\nnotify: rerun\n")
            again = {"DRP_TEST_CRASH_AT": f"{rng.choice(kinds)}:1"} if rng.random() < 0.3 else {}
            done = _drp(["resume", run_dir.name, "--headless", "--auto-approve", "--answers",
                         str(answers)] + base, again)
            if done.returncode == 0:
                break
            assert done.returncode == -signal.SIGKILL, done.stdout + done.stderr
        assert done.returncode == 0, (point, first.returncode, done.stdout + done.stderr)
        world = json.loads((run_dir / "world.json").read_text())
        flat = [m["method"] for ms in (world.get("mutations") or {}).values() for m in ms]
        assert sorted(flat) == sorted(set(flat)) and len(flat) == 3, (point, flat)
