"""What the report model says about each kind of run, asserted field by field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from report_fixtures import RUNS, Script, breach_response, failed_restore, restore_drill

from drp_console.report import ReportError, build_report
from drp_console.report.moments import UnknownZone


def _report(run: str, tz: str = "Europe/Berlin"):
    return build_report(RUNS[run]().events(), tz)


def _step(report, step_id):
    return next(s for s in report.steps if s.id == step_id)


def test_header_names_the_run_in_utc_and_the_readers_zone() -> None:
    h = _report("failover").header
    assert h.run_id == "20261127T090000Z-cloudsql-regional-failover-a1b2"
    assert (h.runbook_id, h.runbook_version, h.mode) == ("cloudsql-regional-failover", "3",
                                                         "simulate")
    assert h.started.utc_text == "2026-11-27 09:00:00 UTC"
    assert h.started.local_text == "2026-11-27 10:00:00 CET"
    assert h.ended.t == 670 and h.duration_s == 670
    assert (h.status, h.regions) == ("succeeded", ("europe-west1", "europe-west4"))


def test_parallel_steps_overlap_and_the_critical_path_follows_the_slowest_branch() -> None:
    r = _report("failover")
    primary, replica = _step(r, "check-primary"), _step(r, "check-replica")
    assert primary.start.t == replica.start.t == 71
    assert r.critical_path == ("declare", "check-primary", "go-no-go", "promote",
                               "wait-runnable", "dns", "switch-dns", "verify")
    assert primary.critical and not replica.critical
    assert not _step(r, "tell-stakeholders").critical


def test_time_is_split_into_automation_polling_and_people() -> None:
    promote = _step(_report("failover"), "promote")
    assert promote.duration_s == 199  # 131 -> 330
    assert promote.polling_s == 186  # operation 144 -> DONE at 330
    assert promote.people_s == 0
    assert promote.automation_s == 13
    assert promote.attempts == 2 and promote.changed
    assert promote.operations == ("op-promote-7f3a",)
    assert promote.budget_s == 180 and promote.overrun_s == 19
    declare = _step(_report("failover"), "declare")
    assert (declare.people_s, declare.automation_s, declare.overrun_s) == (60, 0, 0)


def test_rto_is_measured_from_detected_to_restored_and_judged_at_speed_one() -> None:
    rto, rpo = _report("failover").objectives
    assert (rto.name, rto.target_s, rto.achieved_s, rto.verdict) == ("RTO", 1800, 415, "met")
    assert "'detected'" in rto.measured and "'restored'" in rto.measured
    assert rpo.verdict == "not measured"


def test_the_rpo_is_judged_at_any_speed_the_rto_is_not() -> None:
    """Issue 9, point 8: an RPO is data time (the incident start minus the restored data's
    time), real at any speed; the RTO is run time, not comparable at another speed."""
    r = _report("failed")  # simulated at 60x
    rto, rpo = r.objectives
    assert rpo.achieved_s == 20 * 60  # incident start (run start 09:00) - point in time 08:40
    assert rpo.verdict == "met"  # target 1d
    assert rto.verdict == "not measured"
    assert "point in time" in r.restored_from and "clone-pitr" in r.restored_from

    s = failed_restore()
    s.items = [i for i in s.items if i[3] != "run_finished"]
    s.at(4000).add("milestone", name="restored", step=None, source="operator")
    events = s.events()
    events[0]["runbook_doc"]["objectives"]["rpo"] = "10m"
    rto, rpo = build_report(events, "UTC").objectives
    assert rto.achieved_s == 4000 - 30 and rto.verdict == "not comparable at 60x"
    assert rpo.achieved_s == 20 * 60 and rpo.verdict == "missed"


def test_a_missed_rto_says_missed() -> None:
    s = failed_restore()
    s.items = [i for i in s.items if i[3] != "run_finished"]
    s.at(4000).add("milestone", name="restored", step=None, source="operator")
    events = s.events()
    events[0]["scenario"]["speed"] = 1
    rto = build_report(events, "UTC").objectives[0]
    assert rto.achieved_s == 4000 - 30 and rto.verdict == "missed"


def test_deviations_cover_retry_decision_skip_and_manual_milestone() -> None:
    kinds = {(d.kind, d.step) for d in _report("failover").deviations}
    assert {("retry", "promote"), ("decision", "dns"), ("skip", "keep-dns"),
            ("override", "")} <= kinds


def test_failed_run_shows_recovery_path_errors_and_the_operators_choice() -> None:
    r = _report("failed")
    assert r.header.status == "failed" and r.header.reason == "step verify failed"
    kinds = [(d.kind, d.step) for d in r.deviations]
    assert ("recovery", "clone-pitr") in kinds and ("override", "verify") in kinds
    codes = [p.code for p in r.problems if p.level == "error"]
    assert "INTERNAL_ERROR" in codes
    assert any(p.level == "warning" for p in r.problems)
    assert _step(r, "restore").status == "failed"


def test_resumed_run_shows_the_unknown_step_and_who_resolved_it() -> None:
    r = _report("resumed")
    assert r.header.resumed == 1
    resolved = [d for d in r.deviations if d.kind == "unknown" and "resolved" in d.text]
    assert resolved and resolved[0].by == "bob" and "verified" in resolved[0].text
    assert any(d.kind == "resume" and "1m59s" in d.text for d in r.deviations)
    assert _step(r, "restart-db").status == "succeeded"


def test_people_and_approvals() -> None:
    r = _report("failover")
    people = {p.name: p for p in r.people}
    assert set(people) == {"alice", "bob", "carol", "dave"}
    assert people["dave"].roles == ("comms",)
    (approval,) = r.approvals
    assert (approval.step, approval.answer, approval.by, approval.role) == (
        "go-no-go", "approve", "carol", "commander")
    assert approval.at.utc_text == "2026-11-27 09:02:10 UTC"


def test_milestones_in_standard_order_then_custom_ones() -> None:
    names = [m.name for m in _report("breach").milestones]
    assert names[:7] == ["detected", "aware", "declared", "mitigated", "restored", "verified",
                         "closed"]
    assert names[7:] == ["authority-notified", "subjects-notified"]
    failover = {m.name: m for m in _report("failover").milestones}
    assert failover["aware"].at is None and failover["restored"].step == "wait-runnable"


def test_breach_clock_counts_72_hours_from_aware() -> None:
    b = _report("breach").breach
    assert b is not None
    assert b.aware.utc_text == "2026-11-27 11:00:00 UTC"
    assert b.deadline_utc == "2026-11-30 11:00:00 UTC"
    assert b.authority.utc_text == "2026-11-29 13:00:00 UTC"
    assert b.margin_s == 22 * 3600 and "in time" in b.status
    assert b.subjects is not None
    assert _report("failover").breach is None


def test_breach_clock_overrun_when_the_authority_is_told_late() -> None:
    s = breach_response()
    late = [(t + 30 * 3600 if t > 7300 else t, *rest) for t, *rest in s.items]
    s.items = [tuple(i) for i in late]
    b = build_report(s.events(), "UTC").breach
    assert b.margin_s == -8 * 3600 and "8h00m late" in b.status


def test_drill_resources_say_which_were_torn_down() -> None:
    rows = {x.name: x for x in _report("drill").resources}
    assert rows["orders-db-drill"].deleted_by == "teardown"
    assert rows["drill-checker"].deleted is None


def test_improvement_plan_takes_action_notes() -> None:
    (action,) = _report("failover").actions
    assert action.text.startswith("Automate the DNS switch") and action.raised_by == "carol"
    assert (action.owner, action.due) == ("", "")


def test_integrity_counts_events_and_finds_gaps() -> None:
    events = RUNS["drill"]().events()
    assert _report("drill").integrity.events == len(events)
    del events[5]
    integrity = build_report(events, "UTC").integrity
    assert integrity.gaps == (6,) and len(integrity.sha256) == 64


def test_a_run_without_run_finished_is_interrupted() -> None:
    s = restore_drill()
    s.items = [i for i in s.items if i[3] != "run_finished"]
    h = build_report(s.events(), "UTC").header
    assert h.status == "interrupted" and "run_finished" in h.reason


def test_a_reboot_switches_to_wall_clock_for_that_span() -> None:
    s = Script("r-reboot")
    events = RUNS["resumed"]().events()
    resumed_at = next(i for i, e in enumerate(events) if e["type"] == "run_resumed")
    for event in events[resumed_at:]:
        event["boot"] = "boot-b"
        event["mono"] -= 4000  # the new boot's monotonic clock started again
    r = build_report(events, "UTC")
    assert r.integrity.boots == 2 and r.integrity.wall_clock_spans == 1
    assert r.header.duration_s == 401 and s.run_id == "r-reboot"
    assert _step(r, "restart-db").duration_s == 200 - 21


def test_no_events_or_no_run_started_is_an_error_a_person_understands() -> None:
    with pytest.raises(ReportError, match="no events"):
        build_report([], "UTC")
    with pytest.raises(ReportError, match="run_started"):
        build_report(RUNS["drill"]().events()[1:], "UTC")


def test_unknown_zone_says_what_to_give() -> None:
    with pytest.raises(UnknownZone, match="IANA"):
        build_report(RUNS["drill"]().events(), "Mars/Olympus")


def test_the_report_is_frozen() -> None:
    r = _report("drill")
    with pytest.raises(ValidationError):
        r.header.status = "failed"  # type: ignore[misc]


def test_at_another_speed_automated_steps_count_times_the_speed_against_their_budget() -> None:
    r = _report("failed")  # 60x: restore took 61 s real = 61 min simulated, budget 10 min
    assert _step(r, "restore").overrun_s == 61 * 60 - 600
    events = RUNS["failed"]().events()
    events[0]["runbook_doc"]["steps"][0]["budget"] = "10s"  # declare: people, 28 s, not scaled
    assert _step(build_report(events, "UTC"), "declare").overrun_s == 18


def test_a_step_the_operator_skipped_is_an_override_with_their_name() -> None:
    events = RUNS["failover"]().events()
    skipped = next(e for e in events if e["type"] == "step_finished" and e["step"] == "keep-dns")
    skipped.update(reason="skipped by carol: not needed", outputs={"skipped_by": "carol"})
    (row,) = [d for d in build_report(events, "UTC").deviations if d.step == "keep-dns"]
    assert (row.kind, row.by) == ("override", "carol") and "not needed" in row.text
