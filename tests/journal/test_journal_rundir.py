"""Run directories: ids, the default location, finding a run, listing runs with their status."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drp_console.journal import (
    Journal,
    Redactor,
    RunLock,
    RunNotFound,
    default_runs_dir,
    find_run,
    list_runs,
    new_run_id,
)

DOC = {
    "id": "failover",
    "title": "Fail over",
    "steps": [{"id": "a", "title": "A"}, {"id": "b", "title": "B"}],
}


def _run(runs_dir: Path, run_id: str, *, finish: str | None = None, steps_done: int = 0) -> Path:
    journal = Journal.create(runs_dir, run_id, Redactor(), operator="alice")
    journal.write_sync(
        "run_started",
        run_id=run_id,
        runbook={"id": "failover", "title": "Fail over"},
        runbook_doc=DOC,
        params={},
        secret_params=[],
        mode="simulate",
        scenario=None,
        project="acme-prod",
        regions=[],
        incident_start=None,
        tool_version="0",
        host="h",
        pid=1,
    )
    for step in ["a", "b"][:steps_done]:
        journal.write_sync(
            "step_finished", step=step, status="succeeded", reason=None, outputs={}, changed=False, attempts=1
        )
    if finish:
        journal.write_sync("run_finished", status=finish, reason=None)
    journal.close()
    return runs_dir / run_id


def test_new_run_id_format() -> None:
    run_id = new_run_id("cloudsql-failover", datetime(2026, 11, 27, 22, 16, 13, tzinfo=UTC))
    assert re.fullmatch(r"20261127T221613Z-cloudsql-failover-[0-9a-f]{4}", run_id)
    assert new_run_id("x").endswith(tuple("0123456789abcdef"))


def test_default_runs_dir_honours_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DRP_RUNS_DIR", str(tmp_path / "elsewhere"))
    assert default_runs_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("DRP_RUNS_DIR")
    assert default_runs_dir().parts[-2:] == ("drp-console", "runs")


def test_find_run_by_id_prefix_and_path(runs_dir: Path) -> None:
    a = _run(runs_dir, "20261127T221613Z-failover-aaaa")
    b = _run(runs_dir, "20261128T080000Z-failover-bbbb")
    assert find_run(runs_dir, a.name) == a
    assert find_run(runs_dir, "20261128") == b
    assert find_run(runs_dir, str(a)) == a
    assert find_run(runs_dir, str(a / "journal.jsonl")) == a
    with pytest.raises(RunNotFound, match="matches 2 runs"):
        find_run(runs_dir, "2026112")
    with pytest.raises(RunNotFound, match="drp runs"):
        find_run(runs_dir, "2025")
    with pytest.raises(RunNotFound):
        find_run(runs_dir, "  ")


def test_list_runs_newest_first_with_status(runs_dir: Path) -> None:
    done = _run(runs_dir, "20261127T100000Z-failover-0001", finish="succeeded", steps_done=2)
    crashed = _run(runs_dir, "20261127T110000Z-failover-0002", steps_done=1)
    live = _run(runs_dir, "20261127T120000Z-failover-0003")
    (runs_dir / "not-a-run").mkdir()
    lock = RunLock(live)
    lock.acquire("bob")
    try:
        runs = list_runs(runs_dir)
    finally:
        lock.release()
    assert [r.run_id for r in runs] == [live.name, crashed.name, done.name]
    by_id = {r.run_id: r for r in runs}
    assert by_id[done.name].status == "succeeded" and by_id[done.name].steps_done == 2
    assert by_id[crashed.name].status == "interrupted" and by_id[crashed.name].holder is None
    assert (by_id[crashed.name].steps_done, by_id[crashed.name].steps_total) == (1, 2)
    assert by_id[live.name].status == "running" and by_id[live.name].holder["user"] == "bob"
    assert by_id[done.name].runbook_id == "failover" and by_id[done.name].mode == "simulate"
    assert by_id[done.name].operator == "alice" and by_id[done.name].started.endswith("+00:00")


def test_list_runs_of_a_missing_directory_is_empty(tmp_path: Path) -> None:
    assert list_runs(tmp_path / "none") == []


def test_damaged_journal_is_listed_not_fatal(runs_dir: Path) -> None:
    run = _run(runs_dir, "20261127T100000Z-failover-0001")
    (run / "journal.jsonl").write_bytes(b'{"v":9,"seq":1,"type":"run_started"}\n')
    [summary] = list_runs(runs_dir)
    assert summary.status == "damaged" and "newer drp-console" in summary.problem
