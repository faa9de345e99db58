"""Fixtures for the simulator's conformance tests: the real Google clients against a live sim."""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import pytest
from discovery import response_schema, validate, validate_error
from sim_clients import CALM, Clients, start_sim

from drp_console.sim import server as sim_server
from drp_console.sim.scenario import Scenario, load_scenario
from drp_console.sim.server import SimServer


@pytest.fixture(scope="session")
def google() -> SimpleNamespace:
    """The Google client modules, imported once per session (they cost ~2 s)."""
    from google.api_core import exceptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import compute_v1, sqladmin_v1beta4

    return SimpleNamespace(compute=compute_v1, sql=sqladmin_v1beta4, exc=exceptions,
                           creds=AnonymousCredentials())


@pytest.fixture(scope="session")
def calm() -> Scenario:
    """The calm scenario, loaded once."""
    return load_scenario(CALM)


@pytest.fixture
def sim(calm: Scenario) -> Iterator[SimServer]:
    """A fresh calm world at 1000x."""
    server = start_sim(calm)
    yield server
    server.stop()


@pytest.fixture
def gc(google: SimpleNamespace, sim: SimServer) -> Clients:
    """The real clients pointed at the `sim` fixture."""
    return Clients(google, sim.endpoint)


@pytest.fixture
def slow(google: SimpleNamespace, calm: Scenario) -> Iterator[tuple[SimServer, Clients]]:
    """A calm world at 100x, so intermediate states last long enough to be seen."""
    server = start_sim(calm, speed=100)
    yield server, Clients(google, server.endpoint)
    server.stop()


RESPONSES: list[tuple[str, str, int, Any]] = []
"""Every API response the simulator sent in this session: (method, path, status, body)."""


@pytest.fixture(autouse=True)
def responses_match_discovery(monkeypatch: pytest.MonkeyPatch) -> Iterator[list]:
    """Record every API response of a test and check each against the discovery documents."""
    seen: list[tuple[str, str, int, Any]] = []
    original = sim_server._Handler._send

    def recording_send(handler: Any, code: int, body: Any) -> None:
        path = urlsplit(handler.path).path
        if not path.startswith("/_sim/"):
            seen.append((handler.command, path, code, body))
        original(handler, code, body)

    monkeypatch.setattr(sim_server._Handler, "_send", recording_send)
    yield seen
    RESPONSES.extend(seen)
    problems = []
    for method, path, code, body in seen:
        if code >= 400:
            problems += [f"{method} {path} -> {code}: {p}" for p in validate_error(body)]
            continue
        service, schema = response_schema(method, path)
        problems += [f"{method} {path}: {p}" for p in validate(service, schema, body)]
    assert not problems, "responses that break the discovery documents:\n" + "\n".join(problems[:30])
