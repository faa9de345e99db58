"""Odd journals still give a report (or one sentence saying why not), never a traceback."""

from __future__ import annotations

import copy
import random

import pytest
from report_fixtures import RUNS

from drp_console.report import FORMATS, ReportError, build_report, render

_ODD_VALUES = [None, "", "x", 3, -1.5, [], {}, ["a"], {"a": 1}, True, "2026-13-45T99:00:00"]
_JOURNAL_FIELDS = ("v", "seq", "ts", "mono", "boot", "type")


@pytest.mark.parametrize("run", sorted(RUNS))
def test_every_prefix_of_a_run_renders_in_every_format(run: str) -> None:
    """The console shows the report of a run in progress: any point of a journal must do."""
    events = RUNS[run]().events()
    for end in range(1, len(events) + 1, 3):
        report = build_report(events[:end], "Europe/Berlin")
        assert report.header.status == ("interrupted" if end < len(events) else
                                        report.header.status)
        for fmt in FORMATS:
            assert render(report, fmt)


@pytest.mark.parametrize("run", sorted(RUNS))
def test_fields_of_unexpected_shape_do_not_break_the_report(run: str) -> None:
    rng = random.Random(f"report-{run}")
    base = RUNS[run]().events()
    for _ in range(60):
        events = copy.deepcopy(base)
        doc = events[0]["runbook_doc"]
        pool = events[1:] + [events[0]] * 5 + [doc] * 3 + list(doc["steps"])
        for _ in range(3):
            target = rng.choice(pool)
            keys = [k for k in target if k not in _JOURNAL_FIELDS]
            if keys:
                target[rng.choice(keys)] = rng.choice(_ODD_VALUES)
        try:
            report = build_report(events, "UTC")
        except ReportError:
            continue
        for fmt in FORMATS:
            assert render(report, fmt)


def test_an_unreadable_event_time_names_the_event() -> None:
    events = RUNS["drill"]().events()
    events[4]["ts"] = "yesterday"
    with pytest.raises(ReportError, match=r"event 5 \(.*\) has no readable time 'yesterday'"):
        build_report(events, "UTC")


def test_naive_or_missing_restore_times_are_read_as_utc_or_ignored() -> None:
    events = RUNS["drill"]().events()
    point = next(e for e in events if e["type"] == "restore_point")
    point["at"] = "2026-11-27T02:00:00"
    assert build_report(events, "UTC").objectives[1].achieved_s == 7 * 3600
    point["at"] = "not a time"
    assert build_report(events, "UTC").objectives[1].verdict == "not measured"


def test_a_huge_note_is_clipped_and_says_where_the_rest_is() -> None:
    script = RUNS["drill"]()
    script.at(100).add("note", text="x" * 50_000 + " ya29.secretTOKENvalue123", tag=None,
                       step=None)
    report = build_report(script.events(), "UTC")
    (note,) = report.notes
    assert len(note.text) < 4100 and note.text.endswith("more characters in the journal]")
    assert len(render(report, "html")) < 60_000
