"""Fixtures for the action tests: Google client imports once per session, a simulator per test."""

from __future__ import annotations

import importlib
import json
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from drp_console.actions import CallOutcome, OperationStatus, poll
from drp_console.gcp.clients import Cloud


@pytest.fixture(scope="session")
def google_clients() -> None:
    """Import the Google client modules once (they take seconds), for every test that needs them."""
    importlib.import_module("google.cloud.compute_v1")
    importlib.import_module("google.cloud.sqladmin_v1beta4")


WORLD = Path(__file__).with_name("actions_world.yaml")


@pytest.fixture
def sim(google_clients: None) -> Iterator[Any]:
    """A fresh simulator on an ephemeral port, running the actions test world."""
    server_module = pytest.importorskip("drp_console.sim.server")
    from drp_console.sim.scenario import load_scenario

    server = server_module.SimServer(load_scenario(WORLD))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def cloud(sim: Any) -> Cloud:
    """A Cloud pointed at the simulator, as the engine builds it."""
    return Cloud(sim.endpoint, "acme-prod")


@pytest.fixture
def sim_state(sim: Any) -> Callable[[], dict[str, Any]]:
    """Read the simulator's state view over HTTP, as an exercise controller would."""

    def read() -> dict[str, Any]:
        with urllib.request.urlopen(f"{sim.endpoint}/_sim/state", timeout=10) as response:
            return json.loads(response.read())

    return read


def _finish(cloud: Cloud, outcome: CallOutcome, max_polls: int = 5000) -> OperationStatus:
    assert outcome.operation is not None, outcome
    seen = []
    for _ in range(max_polls):
        status = poll(cloud, outcome.operation)
        seen.append(status)
        if status.done:
            return status
        time.sleep(0.002)
    raise AssertionError(f"operation {outcome.operation.name} never finished: {seen[-3:]}")


@pytest.fixture
def finish() -> Callable[..., OperationStatus]:
    """Poll an outcome's operation until DONE, one `poll` at a time as the engine's loop does."""
    return _finish
