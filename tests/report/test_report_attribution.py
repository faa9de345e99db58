"""Who recorded a milestone by hand, and what exactly a run restored from."""

from __future__ import annotations

from report_fixtures import restore_drill, successful_failover

from drp_console.report import build_report, render


def test_a_manual_milestone_names_the_operator_who_recorded_it() -> None:
    s = successful_failover()
    s.items = [i for i in s.items if not (i[3] == "milestone" and i[4]["name"] == "detected")]
    s.at(5).add("milestone", name="detected", step=None, source="operator", by="root-cause-rita")
    report = build_report(s.events(), "UTC")
    detected = next(m for m in report.milestones if m.name == "detected")
    assert (detected.source, detected.by) == ("operator", "root-cause-rita")
    md = render(report, "md")
    row = next(line for line in md.splitlines() if line.startswith("| detected |"))
    assert row.rstrip().endswith("| root-cause-rita, by hand |")
    assert "<td>root-cause-rita, by hand</td>" in render(report, "html")
    declared = next(line for line in md.splitlines() if line.startswith("| declared |"))
    assert declared.rstrip().endswith("| step declare |")  # a step's milestone names its step


def _drill_with_backup_list():
    s = restore_drill()
    s.at(0.5).add("call_completed", step="list-backups", attempt=1, result={"items": [
        {"id": "1764295200000", "status": "SUCCESSFUL", "startTime": "2026-11-28T02:00:00Z",
         "endTime": "2026-11-28T02:09:00Z"},
        {"id": "1764208800000", "status": "SUCCESSFUL", "startTime": "2026-11-27T02:00:00.000Z",
         "endTime": "2026-11-27T02:09:00.000Z"},
    ]})
    return s


def test_a_backup_is_named_by_its_start_and_its_finish() -> None:
    report = build_report(_drill_with_backup_list().events(), "UTC")
    assert report.restored_from == (
        "backup run 1764208800000, started 2026-11-27 02:00:00 UTC, finished 02:09:00 UTC, "
        "restored by step restore-scratch; Cloud SQL restores a backup's data as of its start")
    rpo = report.objectives[1]
    assert rpo.measured.startswith("from the start of backup run 1764208800000 "
                                   "(2026-11-27 02:00:00 UTC)")
    assert rpo.achieved_s == 7 * 3600  # 02:00 -> the run's start at 09:00, not 02:09
    berlin = build_report(_drill_with_backup_list().events(), "Europe/Berlin").restored_from
    assert "started 2026-11-27 02:00:00 UTC (2026-11-27 03:00:00 CET), finished 02:09:00" in berlin


def test_without_the_backup_record_the_report_says_its_finish_is_unknown() -> None:
    text = build_report(restore_drill().events(), "UTC").restored_from
    assert "started 2026-11-27 02:00:00 UTC" in text
    assert "finish time is not in the journal" in text


def test_a_restore_point_other_than_the_backup_start_says_both() -> None:
    s = _drill_with_backup_list()
    point = next(i for i in s.items if i[3] == "restore_point")
    point[4]["at"] = "2026-11-27T02:09:00+00:00"  # a writer that recorded the finish
    text = build_report(s.events(), "UTC").restored_from
    assert text.startswith("backup run 1764208800000 (started 2026-11-27 02:00:00 UTC, "
                           "finished 02:09:00 UTC), restored as of 2026-11-27 02:09:00 UTC")
