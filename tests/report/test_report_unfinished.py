"""A run without `run_finished`: in progress (the caller says so, or its lock is held) or
interrupted, never with an end time; durations up to the last event, marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from report_fixtures import successful_failover

from drp_console.journal.lock import RunLock
from drp_console.report import build_report, load_report, render, write_reports


def _mid_run():
    """The failover run cut while `promote` polls its operation (last event at T+200)."""
    s = successful_failover()
    s.items = [i for i in s.items if i[0] <= 200 and i[3] != "run_finished"]
    return s


def test_a_run_the_caller_says_is_live_is_in_progress_without_an_end() -> None:
    report = build_report(_mid_run().events(), "UTC", in_progress=True)
    h = report.header
    assert (h.status, h.finished, h.ended) == ("in progress", False, None)
    assert h.last_event.t == 200 and h.duration_s == 200
    assert "in progress" in h.reason and "interrupted" not in h.reason
    md = render(report, "md")
    assert "result **IN PROGRESS**" in md and "INTERRUPTED" not in md
    assert "| Ended | not ended (in progress); last event 2026-11-27 09:03:20 UTC" in md
    assert "| Duration | ≥ 3m20s (up to the last event) |" in md
    html = render(report, "html")
    assert 'class="badge s-in-progress"' in html and "not ended (in progress)" in html


def test_without_the_caller_saying_so_the_run_is_interrupted_and_has_no_end() -> None:
    report = build_report(_mid_run().events(), "UTC")
    assert (report.header.status, report.header.ended) == ("interrupted", None)
    assert "drp resume" in report.header.reason
    md = render(report, "md")
    assert "not ended (interrupted)" in md and "| Ended | 2026" not in md


def test_an_open_step_counts_up_to_the_last_event_and_is_marked() -> None:
    report = build_report(_mid_run().events(), "UTC", in_progress=True)
    promote = next(s for s in report.steps if s.id == "promote")
    assert promote.status == "running" and promote.end is None
    assert promote.unfinished and promote.duration_s == 200 - 131
    declare = next(s for s in report.steps if s.id == "declare")
    assert not declare.unfinished and declare.duration_s == 60
    md = render(report, "md")
    promote_row = next(line for line in md.splitlines() if line.startswith("| promote"))
    assert "| ≥ 1m09s |" in promote_row
    assert "≥ not finished: counted up to the last event (T+3m20s)" in md
    assert "promote" in md and "| ≥1m09s" in md  # the text chart
    csv_row = next(line for line in render(report, "csv").splitlines()
                   if line.startswith("promote,"))
    assert csv_row.endswith(",yes")
    rto = report.objectives[0]
    assert "not been recorded yet" in rto.measured


def test_a_finished_run_has_its_end_and_nothing_marked_open() -> None:
    report = build_report(successful_failover().events(), "UTC")
    assert report.header.finished and report.header.ended == report.header.last_event
    assert not any(s.unfinished for s in report.steps)
    assert "≥" not in render(report, "md")


def test_load_report_reads_a_held_lock_as_in_progress(
    runs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_dir = _mid_run().write(runs_dir, monkeypatch)
    assert load_report(run_dir, "UTC").header.status == "interrupted"
    lock = RunLock(run_dir)
    lock.acquire("alice")
    try:
        assert load_report(run_dir, "UTC").header.status == "in progress"
        written = write_reports(run_dir, "UTC")
        assert "IN PROGRESS" in written["md"].read_text()
        assert load_report(run_dir, "UTC", in_progress=False).header.status == "interrupted"
    finally:
        lock.release()
    assert "INTERRUPTED" in write_reports(run_dir, "UTC")["md"].read_text()
    assert load_report(run_dir, "UTC", in_progress=True).header.status == "in progress"
