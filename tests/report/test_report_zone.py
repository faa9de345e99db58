"""When the reader's zone shows the same clock as UTC, every time is printed once."""

from __future__ import annotations

import re
from datetime import UTC

import pytest
from report_fixtures import RUNS

from drp_console.report import build_report, render


@pytest.mark.parametrize("zone", ["UTC", "Etc/UTC", "Etc/GMT", "Africa/Abidjan", UTC])
@pytest.mark.parametrize("run", ["failover", "breach", "failed"])
def test_a_utc_zone_prints_each_time_once(run: str, zone: object) -> None:
    report = build_report(RUNS[run]().events(), zone)
    assert report.header.zone_is_utc
    for fmt in ("md", "html"):
        text = render(report, fmt)
        assert "and in UTC" not in text and "and in Etc/" not in text
        assert not re.search(r"(\d\d:\d\d:\d\d (UTC|GMT)) · \d{4}-\d\d-\d\d \1", text)
        for line in text.splitlines():  # no line shows the same instant twice
            stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line)
            assert len(stamps) == len(set(stamps)), line
    md = render(report, "md")
    assert "| Milestone | UTC | T+ | Recorded by |\n|---|---|---|---|" in md
    assert "| Started | 2026-11-27 09:00:00 UTC |" in md


def test_the_same_clock_is_named_once_with_the_zone_given() -> None:
    md = render(build_report(RUNS["failover"]().events(), "Etc/UTC"), "md")
    assert "Times are in UTC (Etc/UTC shows the same clock); T+" in md
    md = render(build_report(RUNS["failover"]().events(), "UTC"), "md")
    assert "Times are in UTC; T+" in md


def test_markdown_tables_keep_one_cell_per_header_column_in_utc() -> None:
    for run in ("failover", "breach"):
        md = render(build_report(RUNS[run]().events(), "UTC"), "md")
        table: list[str] = []
        for line in md.splitlines() + [""]:
            if line.startswith("|"):
                table.append(line)
                continue
            if table:
                widths = {len(re.findall(r"(?<!\\)\|", row)) for row in table}
                assert len(widths) == 1, table
                table = []


@pytest.mark.parametrize("zone", ["Europe/Berlin", "Europe/London"])
def test_another_zone_keeps_both_columns(zone: str) -> None:
    report = build_report(RUNS["failover"]().events(), zone)  # London: GMT in November, BST in July
    assert not report.header.zone_is_utc
    md = render(report, "md")
    assert f"Times are in UTC and in {zone}" in md
    assert f"| Milestone | UTC | {zone} | T+ | Recorded by |" in md
