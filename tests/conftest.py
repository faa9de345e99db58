"""Fixtures shared by every layer of the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNBOOKS = ROOT / "runbooks"
SCENARIOS = RUNBOOKS / "scenarios"


@pytest.fixture
def runs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private runs directory, so no test touches the user's state directory."""
    path = tmp_path / "runs"
    monkeypatch.setenv("DRP_RUNS_DIR", str(path))
    return path
