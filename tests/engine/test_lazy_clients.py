"""A run imports only the Google clients its runbook calls (none for a runbook without cloud steps).

Each test is a real `drp run --headless` process against the embedded simulator under
`python -X importtime`, which lists every module the process imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "runbooks" / "scenarios" / "calm.yaml"
SHELL_ONLY = """format: drp/v1
id: shell-only
title: One shell step
steps:
  - {id: only, title: Only step, type: shell, run: ["true"]}
"""
SQL_ONLY = """format: drp/v1
id: sql-only
title: One Cloud SQL read
steps:
  - id: read-db
    title: Read the primary
    type: gcp
    call: sql.instances.get
    with: {project: acme-prod, instance: orders-db}
"""


def _imported(tmp_path: Path, text: str) -> set[str]:
    """The modules a headless `drp run` of the runbook imported (it must succeed)."""
    runbook = tmp_path / "runbook.yaml"
    runbook.write_text(text)
    env = dict(os.environ, DRP_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "drp_console", "run", str(runbook),
         "--headless", "--scenario", str(SCENARIO), "--runs-dir", str(tmp_path / "runs"),
         "--operator", "tester"], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "result: succeeded" in proc.stdout
    return {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


@pytest.mark.slow
def test_shell_only_run_imports_no_google_module(tmp_path: Path) -> None:
    modules = _imported(tmp_path, SHELL_ONLY)
    assert "drp_console.engine.scheduler" in modules  # the listing is real
    assert not {m for m in modules if m == "google" or m.startswith("google.")}


@pytest.mark.slow
def test_sql_only_run_imports_the_sql_client_and_not_compute(tmp_path: Path) -> None:
    modules = _imported(tmp_path, SQL_ONLY)
    def loaded(package: str) -> bool:
        return any(m == package or m.startswith(package + ".") for m in modules)

    assert loaded("google.cloud.sqladmin_v1beta4")
    assert not loaded("google.cloud.compute_v1")
    assert not loaded("google.cloud.monitoring_v3")
