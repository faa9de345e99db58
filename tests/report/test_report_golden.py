"""Golden files: every fixture run in every format, on a frozen clock, byte for byte.

Regenerate after an intended change with `DRP_UPDATE_GOLDEN=1 pytest tests/report` and review
the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_fixtures import RUNS

from drp_console.report import FORMATS, build_report, render

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DRP_UPDATE_GOLDEN") == "1"


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
