"""Fixtures shared by every layer of the test suite."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNBOOKS = ROOT / "runbooks"
SCENARIOS = RUNBOOKS / "scenarios"


@pytest.fixture
def runs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private runs directory, so no test touches the user's state directory."""
    path = tmp_path / "runs"
    monkeypatch.setenv("DRP_RUNS_DIR", str(path))
    return path


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache directory (compiled templates) per test process, not the user's."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRP_CACHE_DIR", str(path))
        yield path


@pytest.fixture
def sim_process() -> Iterator[Callable[[Path], str]]:
    """Starts `drp sim serve --scenario FILE --port 0` in its own process (so its world outlives
    a killed run) and returns its endpoint; every simulator started is stopped afterwards."""
    procs: list[subprocess.Popen[str]] = []

    def start(scenario: Path) -> str:
        cmd = [sys.executable, "-m", "drp_console", "sim", "serve", "--scenario", str(scenario),
               "--port", "0"]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        procs.append(proc)
        endpoint = (proc.stdout.readline() if proc.stdout else "").strip()  # the endpoint first
        if not endpoint.startswith("http://"):
            proc.kill()
            pytest.fail(f"the simulator did not start: {endpoint} {proc.communicate()[1]}")
        for _ in range(200):
            try:
                _sim_get(endpoint, "/_sim/health")
                return endpoint
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"the simulator did not start: {proc.communicate()[1]}")
                time.sleep(0.05)
        pytest.fail(f"the simulator at {endpoint} never answered")

    yield start
    for proc in procs:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _sim_get(endpoint: str, path: str) -> dict[str, Any]:
    """GET a simulator's JSON resource (`/_sim/state`, `/_sim/health`)."""
    with urllib.request.urlopen(endpoint + path, timeout=10) as resp:
        return json.loads(resp.read())  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def sped_up(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """A copy of a scenario (or of a runbook's own scenario) whose world runs faster.

    Whole-runbook tests wait for simulated operations in real time (a 10-minute clone takes 10 s
    at the example scenarios' 60x); the copy differs only in its `speed:` line, so the world,
    its faults and the run's outcome are the same, sooner. Once per file and speed per process.
    """
    folder = tmp_path_factory.mktemp("sped-up")
    made: dict[tuple[Path, float], Path] = {}

    def copy(path: Path, speed: float = 600) -> Path:
        doc = yaml.safe_load(path.read_text())
        if doc["format"] == "drp/v1":  # a runbook: its own scenario
            path = path.parent / doc["scenario"]
        path = path.resolve()
        key = (path, speed)
        if key not in made:
            text, n = re.subn(r"(?m)^speed: [0-9.]+$", f"speed: {speed:g}", path.read_text())
            assert n == 1, f"{path} has no top-level `speed:` line to change"
            made[key] = folder / f"{len(made)}-{path.name}"
            made[key].write_text(text)
        return made[key]

    return copy


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The `slow` tests first, each group in its collection order: under pytest-xdist the longest
    tests then start while the quick ones can still fill the other workers, instead of one
    worker finishing a long test alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
