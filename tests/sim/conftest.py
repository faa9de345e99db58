"""Fixtures for the simulator's conformance tests: the real Google clients against a live sim."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Iterator

import pytest
from sim_clients import CALM, Clients, start_sim

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
