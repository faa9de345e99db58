"""Fixtures shared by every layer of the test suite."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cache directory (compiled templates) per test process, not the user's."""
    path = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DRP_CACHE_DIR", str(path))
        yield path
