"""The rules of the drills register: what counts as a test, when a runbook is overdue."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drp_console.plandoc.drills import Drill, KnownRunbook, register

DAY = 86400.0


def _drill(started: datetime, *, mode: str = "live", speed: float = 1,
           result: str = "succeeded") -> Drill:
    return Drill(run_id=f"{started:%Y%m%d}-rb", path=Path("/runs"), runbook_id="rb",
                 runbook_title="A runbook", version=1, mode=mode, speed=speed, result=result,
                 started=started, rto_achieved=600.0, rto_target=3600.0, rpo_achieved=None,
                 rpo_target=None, people=("alice",), skipped=(), actions=(),
                 review_every=90 * DAY)


JAN = datetime(2026, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("mode,speed,result,counts,kind", [
    ("live", 1, "succeeded", True, "live"),
    ("live", 1, "failed", True, "live"),  # a failed test is still a test, and says so
    ("live", 1, "aborted", False, "live"),
    ("live", 1, "interrupted", False, "live"),
    ("simulate", 1, "succeeded", True, "game-day"),
    ("training", 1, "failed", True, "game-day"),
    ("simulate", 60, "succeeded", False, "rehearsal x60"),
    ("training", 0.5, "succeeded", False, "rehearsal x0.5"),
])
def test_what_counts_as_a_test(mode: str, speed: float, result: str, counts: bool,
                               kind: str) -> None:
    drill = _drill(JAN, mode=mode, speed=speed, result=result)
    assert drill.counts_as_test is counts
    assert drill.kind == kind


def test_overdue_after_review_every_from_the_last_test_only() -> None:
    drills = [_drill(JAN), _drill(datetime(2026, 3, 1, tzinfo=UTC), mode="simulate",
                                speed=60)]
    rb = KnownRunbook("rb", "A runbook", 90 * DAY)
    (entry,) = register(drills, [rb], datetime(2026, 4, 9, tzinfo=UTC))
    assert entry.last_test is drills[0]  # the March rehearsal does not count
    assert entry.due == datetime(2026, 4, 10, tzinfo=UTC) and not entry.overdue
    (entry,) = register(drills, [rb], datetime(2026, 4, 11, tzinfo=UTC))
    assert entry.overdue


def test_without_review_every_nothing_is_overdue_and_never_tested_is() -> None:
    now = datetime(2030, 1, 1, tzinfo=UTC)
    free, strict = KnownRunbook("rb", "A", None), KnownRunbook("other", "B", 30 * DAY)
    entries = register([replace(_drill(JAN), review_every=None)], [free, strict], now)
    assert [(e.runbook_id, e.overdue, e.due) for e in entries] == [
        ("rb", False, None), ("other", True, None)]
    assert entries[0].last_test is not None and entries[1].last_test is None
