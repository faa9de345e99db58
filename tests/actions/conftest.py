"""Fixtures for the action tests: Google client imports once per session, a simulator per test."""

from __future__ import annotations

import importlib

import pytest


@pytest.fixture(scope="session")
def google_clients() -> None:
    """Import the Google client modules once (they take seconds), for every test that needs them."""
    importlib.import_module("google.cloud.compute_v1")
    importlib.import_module("google.cloud.sqladmin_v1beta4")
