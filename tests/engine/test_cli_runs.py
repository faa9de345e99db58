"""`drp run/resume/runs` headless against the embedded simulator: faults, exit codes, lock, answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.journal import RunLock, lock_holder

DATA = Path(__file__).parent / "data"
CRASH_RUNBOOK = DATA / "crash-runbook.yaml"
FAULTY_RUNBOOK = DATA / "faulty-runbook.yaml"
TOKEN = "canary-91d2-secret"


def drp(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def only_run(runs: Path) -> Path:
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    return run_dir


def events(run_dir: Path) -> list[dict]:
    return [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]


def test_faults_are_retried_and_an_operation_error_takes_the_recovery_path(tmp_path):
    runs = tmp_path / "runs"
    res = drp("run", str(FAULTY_RUNBOOK), "--headless", "--auto-approve", "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    ev = events(only_run(runs))
    failed = {(e["step"], e["error"]["http_status"], e["error"]["code"]) for e in ev
              if e["type"] == "attempt_failed"}
    assert {s for s, status, _ in failed if status in (429, 503)} >= {"promote", "check"}
    assert ("start-web-2", "ZONE_RESOURCE_POOL_EXHAUSTED") in {(s, c) for s, _, c in failed}
    finished = {e["step"]: e["status"] for e in ev if e["type"] == "step_finished"}
    assert finished == {"check": "succeeded", "promote": "succeeded", "start-web-2": "failed",
                        "start-web-3": "succeeded", "done": "succeeded"}
    assert "result: succeeded" in res.output
    assert "failed; headless policy: let it fail (on_failure: start-web-3)" in res.output
    assert "fail by headless" not in res.output


def test_unanswerable_question_exits_5_naming_the_step(tmp_path):
    runs = tmp_path / "runs"
    res = drp("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs),
              "-p", f"token={TOKEN}")
    assert res.exit_code == 5, res.output
    assert "'declare'" in res.output and "--answers" in res.output
    # an answers file lets the resumed run finish
    answers = tmp_path / "answers.yaml"
    answers.write_text("declare: done\n")
    res = drp("resume", only_run(runs).name, "--headless", "--answers", str(answers),
              "--runs-dir", str(runs), "-p", f"token={TOKEN}")
    assert res.exit_code == 0, res.output
    assert TOKEN not in (only_run(runs) / "journal.jsonl").read_text()


def test_resume_of_a_locked_run_exits_4_naming_the_holder(tmp_path):
    runs = tmp_path / "runs"
    drp("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs), "-p", f"token={TOKEN}")
    run_dir = only_run(runs)
    lock = RunLock(run_dir)
    lock.acquire("alice")
    try:
        res = CliRunner().invoke(cli, ["resume", run_dir.name, "--headless", "--auto-approve",
                                       "--runs-dir", str(runs), "-p", f"token={TOKEN}"])
    finally:
        lock.release()
    assert res.exit_code == 4, res.output
    assert "alice" in res.output


def test_resume_needs_secret_params_again(tmp_path):
    runs = tmp_path / "runs"
    drp("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs), "-p", f"token={TOKEN}")
    res = CliRunner().invoke(cli, ["resume", only_run(runs).name, "--headless",
                                   "--runs-dir", str(runs)])
    assert res.exit_code == 2 and "-p token=" in res.output


def test_runs_lists_the_runs(tmp_path):
    runs = tmp_path / "runs"
    drp("run", str(CRASH_RUNBOOK), "--headless", "--runs-dir", str(runs), "-p", f"token={TOKEN}")
    res = drp("runs", "--runs-dir", str(runs))
    assert res.exit_code == 0
    line = [x for x in res.output.splitlines() if "crash-failover" in x]
    assert line and "interrupted" in line[0] and "/6" in line[0]


@pytest.mark.parametrize("args,code,words", [
    (["-p", "nope=1"], 2, "unknown parameter"),
    (["--live"], 2, "--confirm-project"),
    (["--incident-start", "yesterday"], 2, "ISO-8601"),
])
def test_usage_errors(tmp_path, args, code, words):
    res = CliRunner().invoke(cli, ["run", str(CRASH_RUNBOOK), "--headless", "--runs-dir",
                                   str(tmp_path / "runs"), "-p", f"token={TOKEN}", *args])
    assert res.exit_code == code, res.output
    assert words in res.output
    assert "Traceback" not in res.output


def test_invalid_runbook_exits_3_with_positions(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: drp/v1\nid: x\ntitle: t\nsteps:\n  - {id: a, title: a, type: nope}\n")
    res = CliRunner().invoke(cli, ["run", str(bad), "--headless", "--runs-dir", str(tmp_path)])
    assert res.exit_code == 3
    assert "bad.yaml:5:" in res.output


LIVE_RUNBOOK = ("format: drp/v1\nid: live-drill\ntitle: Live\nparameters:\n"
                "  project: {default: acme-prod}\nsteps:\n"
                "  - {id: declare, title: Declare, type: manual}\n")


def no_google_credentials(monkeypatch, tmp_path: Path) -> None:
    """An environment where Application Default Credentials cannot be found, failing fast."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing-key.json"))
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(home / "gcloud"))
    monkeypatch.setenv("GCE_METADATA_HOST", "127.0.0.1:1")
    monkeypatch.setenv("GCE_METADATA_IP", "127.0.0.1:1")
    monkeypatch.setenv("NO_GCE_CHECK", "True")


def fake_user_credentials(monkeypatch, tmp_path: Path) -> None:
    """Application Default Credentials of a user (loaded without any network call)."""
    key = tmp_path / "adc.json"
    key.write_text(json.dumps({"type": "authorized_user", "client_id": "id.example",
                               "client_secret": "not-a-secret", "refresh_token": "not-a-token"}))
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key))


@pytest.mark.parametrize("headless", [True, False])
def test_live_without_credentials_stops_before_anything_is_journaled(tmp_path, monkeypatch,
                                                                      headless):
    no_google_credentials(monkeypatch, tmp_path)
    rb = tmp_path / "live.yaml"
    rb.write_text(LIVE_RUNBOOK)
    runs = tmp_path / "runs"
    args = ["run", str(rb), "--live", "--runs-dir", str(runs)]
    if headless:
        args += ["--headless", "--confirm-project", "acme-prod"]
    res = CliRunner().invoke(cli, args)
    assert res.exit_code == 2, res.output
    assert "gcloud auth application-default login" in res.output
    assert "missing-key.json" in res.output  # says which file it looked for
    assert "Traceback" not in res.output
    assert not runs.exists() or not any(runs.iterdir())  # no run was created


def test_live_resume_without_credentials_stops_before_journaling(tmp_path, monkeypatch):
    fake_user_credentials(monkeypatch, tmp_path)
    rb = tmp_path / "live.yaml"
    rb.write_text(LIVE_RUNBOOK)
    runs = tmp_path / "runs"
    res = drp("run", str(rb), "--live", "--headless", "--confirm-project", "acme-prod",
              "--runs-dir", str(runs))
    assert res.exit_code == 5, res.output
    run_dir = only_run(runs)
    before = (run_dir / "journal.jsonl").read_bytes()
    no_google_credentials(monkeypatch, tmp_path)
    res = CliRunner().invoke(cli, ["resume", run_dir.name, "--headless", "--auto-approve",
                                   "--confirm-project", "acme-prod", "--runs-dir", str(runs)])
    assert res.exit_code == 2 and "gcloud auth application-default login" in res.output
    assert (run_dir / "journal.jsonl").read_bytes() == before
    assert lock_holder(run_dir) is None  # the lock was released


def test_live_runs_need_the_project_typed_to_start_and_to_resume_headless(tmp_path, monkeypatch):
    fake_user_credentials(monkeypatch, tmp_path)
    rb = tmp_path / "live.yaml"
    rb.write_text("format: drp/v1\nid: live-drill\ntitle: Live\nparameters:\n"
                  "  project: {default: acme-prod}\nsteps:\n"
                  "  - {id: declare, title: Declare, type: manual}\n")
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(rb), "--live", "--headless", "--confirm-project",
                                   "acme-dev", "--runs-dir", str(runs)])
    assert res.exit_code == 2 and "acme-dev" in res.output
    res = drp("run", str(rb), "--live", "--headless", "--confirm-project", "acme-prod",
              "--runs-dir", str(runs))
    assert res.exit_code == 5, res.output
    run_id = only_run(runs).name
    res = CliRunner().invoke(cli, ["resume", run_id, "--headless", "--auto-approve",
                                   "--runs-dir", str(runs)])
    assert res.exit_code == 2 and "--confirm-project acme-prod" in res.output
    res = drp("resume", run_id, "--headless", "--auto-approve", "--confirm-project", "acme-prod",
              "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    assert "project acme-prod" in res.output
