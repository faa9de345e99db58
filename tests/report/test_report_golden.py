"""Golden files: every fixture run in every format, on a frozen clock, byte for byte.

Regenerate after an intended change with `DRP_UPDATE_GOLDEN=1 pytest tests/report` and review
the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from report_fixtures import RUNS

from drp_console.report import FORMATS, build_report, render
from drp_console.settings import settings

GOLDEN = Path(__file__).parent / "golden"
UPDATE = settings().update_golden


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("run", sorted(RUNS))
def test_report_matches_golden_file(run: str, fmt: str) -> None:
    report = build_report(RUNS[run]().events(), "Europe/Berlin")
    text = render(report, fmt)
    path = GOLDEN / f"{run}.{fmt}"
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with DRP_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended, regenerate with DRP_UPDATE_GOLDEN=1"
    )


def test_rendering_twice_gives_the_same_bytes() -> None:
    events = RUNS["failover"]().events()
    first = [render(build_report(events, "Europe/Berlin"), f) for f in FORMATS]
    again = [render(build_report(list(reversed(events)), "Europe/Berlin"), f) for f in FORMATS]
    assert first == again


def test_markdown_chart_marks_critical_path_overruns_skips_and_milestones() -> None:
    md = render(build_report(RUNS["failover"]().events(), "UTC"), "md")
    rows = {line.split("|")[0].strip(): line for line in md.splitlines() if line.count("|") == 2}
    assert "#" in rows["promote"] and rows["promote"].rstrip().endswith("| 3m19s")
    assert "!!" in rows["promote"]  # 19 s over its 3 min budget
    assert "=" in rows["check-replica"] and "#" not in rows["check-replica"]
    assert "(skipped)" in rows["keep-dns"]
    assert "3 restored T+7m00s" in md


@pytest.mark.parametrize("fmt", ["md", "html", "json"])
def test_every_format_has_the_thirteen_sections_in_order(fmt: str) -> None:
    text = render(build_report(RUNS["breach"]().events(), "UTC"), fmt)
    if fmt == "json":
        assert list(json.loads(text)) == [
            "report_format", "draft", "header", "parameters", "people", "approvals",
            "objectives", "restored_from", "milestones", "critical_path", "steps", "deviations",
            "notes", "problems", "resources", "breach", "actions", "integrity"]
        return
    titles = ["Run", "People", "Objectives and results", "Milestones", "Timeline", "Steps",
              "Deviations from the plan", "Notes and decisions", "Errors and warnings",
              "Resources created", "Breach notification clock", "Improvement plan", "Integrity"]
    marks = [text.index(f"{n}. {t}") for n, t in enumerate(titles, start=1)]
    assert marks == sorted(marks)
