"""Runs started by a Cloud Monitoring alert: detected at the incident's start, parameters from
its labels, the alert kept in the journal; `drp alerts match`; bad alert files."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.alerts.incident import AlertError, read_alert
from drp_console.cli import cli
from drp_console.journal import RunState

HERE = Path(__file__).parent
FIRING, CLOSED, NO_MATCH = (HERE / n for n in ("orders-db-firing.json", "orders-db-closed.json",
                                               "web-cpu-no-match.json"))
RUNBOOK = HERE / "check-db.yaml"
RUNBOOKS = HERE.parents[1] / "runbooks"
ALERT_START = datetime(2026, 11, 27, 14, 2, tzinfo=UTC)


def drp(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)


def events(runs: Path) -> list[dict]:
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    return [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]


def test_a_notification_is_read_with_its_start_and_labels():
    incident = read_alert(str(FIRING))
    assert incident.policy_name == "Cloud SQL orders-db down"
    assert incident.started_at == ALERT_START and incident.state == "open"
    assert incident.value("resource.labels.database_id") == "orders-db"  # PROJECT:INSTANCE
    assert incident.value("resource.labels.region") == "europe-west1"
    assert incident.value("metric.labels.instance_name") is None
    assert read_alert(str(NO_MATCH)).value("metric.labels.instance_name") == "web-3"
    assert read_alert(str(CLOSED)).state == "closed"


def test_a_run_started_by_an_alert_counts_from_the_incident_start(tmp_path):
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--alert", str(FIRING), "--headless", "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    ev = events(runs)
    started, detected = ev[0], ev[1]
    assert started["incident_start"] == ALERT_START.isoformat()
    assert started["alert"]["policy_name"] == "Cloud SQL orders-db down"
    assert started["alert"]["payload"]["incident"]["incident_id"] == "0.nx4r7q2kd8ws"
    assert {k: v for k, v in started["params"].items() if k != "token"} == {
        "project": "acme-prod", "instance": "orders-db", "region": "europe-west1"}
    assert (detected["type"], detected["name"], detected["source"], detected["occurred_at"]) == (
        "milestone", "detected", "alert", ALERT_START.isoformat())
    state = RunState.fold(ev)
    name, origin = state.rto_origin
    assert name == "detected" and origin.wall == ALERT_START
    gap = (datetime.fromisoformat(detected["ts"]) - ALERT_START).total_seconds()
    on_run_clock = detected["mono"] - started["mono"]  # one boot: the run's clock
    assert origin.t == pytest.approx(on_run_clock - gap) and origin.t < 0
    restored = state.milestones["restored"].at
    assert state.rto_achieved == pytest.approx(restored.t - origin.t)
    assert state.rto_achieved > gap  # from the incident, two days before the run
    report = (next(runs.iterdir()) / "report.md").read_text()
    assert "from milestone 'detected' (the alert's incident start) (2026-11-27 14:02:00 UTC)" \
        in report


def test_the_alert_is_redacted_like_everything_else(tmp_path):
    secret = "pager-7f3a-secret"
    payload = json.loads(FIRING.read_text())
    payload["incident"]["documentation"]["content"] = f"page with token {secret}"
    alert = tmp_path / "alert.json"
    alert.write_text(json.dumps(payload))
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--alert", "-", "--headless", "--runs-dir", str(runs),
              "-p", f"token={secret}", stdin=alert.read_text())
    assert res.exit_code == 0, res.output
    journal = (next(runs.iterdir()) / "journal.jsonl").read_text()
    assert secret not in journal
    assert events(runs)[0]["alert"]["source"] == "-"


def test_alerts_match_names_the_runbooks_and_parameters():
    res = drp("alerts", "match", str(FIRING), "--runbooks", str(RUNBOOKS))
    assert res.exit_code == 0, res.output
    assert "triggers cloudsql-regional-failover" in res.output
    assert "-p primary=orders-db" in res.output and "-p project=acme-prod" in res.output
    res = drp("alerts", "match", str(CLOSED), "--runbooks", str(RUNBOOKS), "--json")
    found = json.loads(res.output)
    assert res.exit_code == 0
    assert found["incident"]["state"] == "closed"
    assert [r["id"] for r in found["runbooks"]] == ["cloudsql-regional-failover"]
    res = drp("alerts", "match", str(NO_MATCH), "--runbooks", str(RUNBOOKS))
    assert res.exit_code == 1
    assert "no runbook lists policy 'Web CPU above 90%' in its triggers" in res.output


@pytest.mark.parametrize("content, words", [
    ("{not json", "not JSON"),
    ('{"version": "1.2"}', "has no 'incident' object"),
    ('{"version": "1.2", "incident": {"policy_name": "p", "started_at": "yesterday"}}',
     "incident.started_at must be the incident's start in epoch seconds"),
    ('{"version": "1.2", "incident": {"started_at": 1795788120}}',
     "incident.policy_name is missing"),
])
def test_a_bad_alert_file_exits_2_with_one_sentence_and_journals_nothing(tmp_path, content,
                                                                         words):
    alert = tmp_path / "alert.json"
    alert.write_text(content)
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--alert", str(alert), "--headless", "--runs-dir", str(runs))
    assert res.exit_code == 2
    assert words in res.output and len(res.output.strip().splitlines()) == 1
    assert not runs.exists() or not any(runs.iterdir())
    with pytest.raises(AlertError):
        read_alert(str(alert))


def test_an_alert_of_another_policy_does_not_start_the_runbook(tmp_path):
    runs = tmp_path / "runs"
    res = drp("run", str(RUNBOOK), "--alert", str(NO_MATCH), "--headless", "--runs-dir", str(runs))
    assert res.exit_code == 2
    assert "policy 'Web CPU above 90%' does not trigger runbook 'check-db'" in res.output
    assert not runs.exists() or not any(runs.iterdir())
