"""What the report gained for auditors: the run's parameters (secrets masked), the breach
section first with the data concerned, improvement actions with owners and due dates (set in
the run or after it, journaled), and a draft while the run is in progress."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixtures import CANARY, breach_response, successful_failover

from drp_console.cli import cli
from drp_console.journal.events import read_events
from drp_console.journal.lock import RunLock
from drp_console.report import build_report, render


def _with_params():
    s = successful_failover()
    s.items[0][4]["params"] = {"project": "acme-prod", "replica": "orders-replica",
                               "webhook_token": "***", "regions": ["europe-west1"]}
    s.items[0][4]["secret_params"] = ["webhook_token"]
    s.items[0][4]["runbook_doc"] = {**s.items[0][4]["runbook_doc"],
                                    "parameters": {"replica": {}, "project": {}}}
    return s


def test_parameters_are_listed_in_the_runbooks_order_with_secrets_masked() -> None:
    report = build_report(_with_params().events(), "UTC")
    assert [(p.name, p.value, p.secret) for p in report.parameters] == [
        ("replica", "orders-replica", False), ("project", "acme-prod", False),
        ("webhook_token", "***", True), ("regions", '["europe-west1"]', False)]
    md = render(report, "md")
    assert ("| Parameters | replica = orders-replica · project = acme-prod · webhook\\_token = "
            '\\*\\*\\* (secret) · regions = \\["europe-west1"\\] |') in md
    html = render(report, "html")
    assert "<th><code>webhook_token</code></th><td><code>***</code>" in html
    data = json.loads(render(report, "json"))
    assert data["parameters"][0] == {"name": "replica", "value": "orders-replica",
                                     "secret": False}


def test_a_secret_parameter_never_shows_its_value_even_if_journaled_in_clear() -> None:
    s = _with_params()
    s.items[0][4]["params"]["webhook_token"] = CANARY
    report = build_report(s.events(), "UTC")
    for fmt in ("md", "html", "json"):
        assert CANARY not in render(report, fmt)


def test_the_breach_section_comes_first_with_the_data_concerned_and_the_margin() -> None:
    report = build_report(breach_response().events(), "Europe/Berlin")
    b = report.breach
    assert b is not None
    assert b.data_categories == ("contact details (name, e-mail)", "order history")
    assert b.data_subjects == ("about 1,200 customers in France",)
    assert b.margin_s == 22 * 3600
    md = render(report, "md")
    top = md.index("## Breach notification (GDPR Art. 33)")
    assert top < md.index("## 1. Run")
    assert "Data categories concerned: contact details (name, e-mail); order history" in md
    assert "Data subjects concerned: about 1,200 customers in France" in md
    assert "| Notification margin | 22h00m |" in md
    assert "See the breach notification section at the top" in md
    html = render(report, "html")
    assert html.index('id="breach-notification"') < html.index('id="run"')
    assert "<td>contact details (name, e-mail); order history</td>" in html
    data = json.loads(render(report, "json"))
    assert data["breach"]["data_subjects"] == ["about 1,200 customers in France"]


def test_a_breach_without_recorded_facts_says_so_and_a_late_margin_is_negative() -> None:
    s = breach_response()
    s.items = [i for i in s.items if i[3] != "note" or i[4].get("tag") == "action"]
    notified = next(i for i in s.items if i[3] == "milestone"
                    and i[4]["name"] == "authority-notified")
    s.items.remove(notified)
    s.items.append((7200 + 80 * 3600, *notified[1:]))
    report = build_report(s.events(), "UTC")
    assert report.breach is not None and report.breach.data_categories == ()
    assert report.breach.margin_s == -8 * 3600
    md = render(report, "md")
    assert "Data categories concerned: **not recorded**" in md
    assert "| Notification margin | −8h00m (late) |" in md


def test_a_runbook_without_breach_clock_has_no_breach_section_on_top() -> None:
    md = render(build_report(successful_failover().events(), "UTC"), "md")
    assert "## Breach notification" not in md
    assert "Not applicable: the runbook has no breach clock." in md


def _with_actions():
    s = successful_failover()
    s.at(666).add("note", text="Alert on replica lag", tag="action", step="promote",
                  owner="dana", due="2026-12-15")
    s.at(667).add("note", text="Add a DNS runbook step", tag="action", step=None)
    return s


def test_actions_are_numbered_in_order_with_the_owner_and_due_date_given_in_the_note() -> None:
    report = build_report(_with_actions().events(), "UTC")
    got = [(a.id, a.text, a.owner, a.due) for a in report.actions]
    assert got == [("A1", "Automate the DNS switch (it took 2m29s by hand)", "", ""),
                   ("A2", "Alert on replica lag", "dana", "2026-12-15"),
                   ("A3", "Add a DNS runbook step", "", "")]
    md = render(report, "md")
    assert "| A2 | Alert on replica lag | alice |" in md and "| dana | 2026-12-15 |" in md
    assert "| A1 |" in md and "**to name** | **to set** |" in md


def test_the_latest_action_update_counts_and_does_not_move_the_runs_end() -> None:
    s = _with_actions()
    before = build_report(s.events(), "UTC")
    s.at(90000).add("action_updated", action="A1", owner="erin", due=None, by="bob")
    s.at(90100).add("action_updated", action="A1", owner=None, due="2027-01-10", by="carol")
    s.at(90200).add("action_updated", action="A9", owner="nobody", due=None)
    report = build_report(s.events(), "UTC")
    a1 = report.actions[0]
    assert (a1.owner, a1.due, a1.updated_by) == ("erin", "2027-01-10", "carol")
    assert a1.updated is not None and a1.updated.t == 90100
    assert [a.owner for a in report.actions[1:]] == ["dana", ""]
    assert report.header.last_event == before.header.last_event
    assert report.header.duration_s == before.header.duration_s
    assert report.breach is None and report.integrity.events == before.integrity.events + 3


def test_an_old_note_without_owner_fields_reads_as_before() -> None:
    events = successful_failover().events()
    assert all("owner" not in e for e in events if e["type"] == "note")
    assert build_report(events, "UTC").actions[0].owner == ""


@pytest.fixture
def run_dir(runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return _with_actions().write(runs_dir, monkeypatch)


def test_cli_action_journals_the_owner_and_due_date_and_writes_the_report(run_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["report", run_dir.name, "--action", "a1", "owner=erin",
                                      "due=2027-01-10", "--operator", "lead", "-f", "md",
                                      "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert "| A1 | Automate the DNS switch" in result.stdout
    assert "| erin | 2027-01-10 |" in result.stdout
    last = read_events(run_dir / "journal.jsonl")[-1]
    assert (last["type"], last["action"], last["owner"], last["due"], last["operator"]) == (
        "action_updated", "A1", "erin", "2027-01-10", "lead")
    again = CliRunner().invoke(cli, ["report", run_dir.name, "--action", "A1", "owner=fay",
                                     "-f", "json"])
    assert again.exit_code == 0, again.output
    a1 = json.loads(again.stdout)["actions"][0]
    assert (a1["owner"], a1["due"]) == ("fay", "2027-01-10")


@pytest.mark.parametrize(("args", "words"), [
    (["--action", "A7", "owner=x"], "the run has no action A7: its actions are A1, A2, A3"),
    (["--action", "A1", "due=next week"], "is not a date: write it as YYYY-MM-DD"),
    (["--action", "A1", "colour=red"], "write owner=NAME or due=YYYY-MM-DD"),
    (["--action", "A1"], "needs owner=NAME and/or due=YYYY-MM-DD"),
    (["--action", "first", "owner=x"], "give an action id as the report numbers them"),
    (["owner=x"], "say which action, e.g. --action A1"),
])
def test_cli_action_errors_are_one_line_and_journal_nothing(run_dir: Path, args: list[str],
                                                            words: str) -> None:
    before = (run_dir / "journal.jsonl").read_bytes()
    result = CliRunner().invoke(cli, ["report", run_dir.name, *args, "-f", "md"])
    assert result.exit_code == 2
    assert words in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert (run_dir / "journal.jsonl").read_bytes() == before


def test_cli_action_is_refused_while_a_console_holds_the_run(run_dir: Path) -> None:
    before = (run_dir / "journal.jsonl").read_bytes()
    lock = RunLock(run_dir)
    lock.acquire("ana")
    try:
        result = CliRunner().invoke(cli, ["report", run_dir.name, "--action", "A1", "owner=x"])
    finally:
        lock.release()
    assert result.exit_code == 2 and "is in use by ana" in result.stderr
    assert (run_dir / "journal.jsonl").read_bytes() == before


def _mid_run():
    s = successful_failover()
    s.items = [i for i in s.items if i[0] <= 200 and i[3] != "run_finished"]
    return s


def test_an_action_update_of_an_interrupted_run_does_not_stretch_its_durations() -> None:
    s = _mid_run()
    s.items.insert(3, (150, "boot-a", "alice", "note", {"text": "x", "tag": "action",
                                                         "step": None}))
    before = build_report(s.events(), "UTC")
    s.at(9000).add("action_updated", action="A1", owner="erin", due=None)
    after = build_report(s.events(), "UTC")
    assert after.actions[0].owner == "erin"
    assert after.header.duration_s == before.header.duration_s == 200
    assert after.header.last_event == before.header.last_event


def test_cli_report_of_a_run_in_progress_is_a_draft(runs_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    run_dir = _mid_run().write(runs_dir, monkeypatch)
    lock = RunLock(run_dir)
    lock.acquire("ana")
    try:
        result = CliRunner().invoke(cli, ["report", run_dir.name, "--tz", "UTC"])
    finally:
        lock.release()
    assert result.exit_code == 0, result.output
    assert "DRAFT: the run has not finished (in progress)" in result.stderr
    md = (run_dir / "report.md").read_text()
    assert "> **DRAFT**: the run has not finished (in progress)" in md
    assert "result **IN PROGRESS**" in md
    html = (run_dir / "report.html").read_text()
    assert '<p class="draft"><strong>DRAFT</strong>' in html
    assert json.loads((run_dir / "report.json").read_text())["draft"] is True


def test_a_finished_run_is_no_draft() -> None:
    report = build_report(successful_failover().events(), "UTC")
    assert report.draft is False
    assert "DRAFT" not in render(report, "md") and "DRAFT" not in render(report, "html")


def test_bundled_runbooks_that_ask_for_the_report_point_to_the_draft_and_the_breach_facts() -> None:
    import re

    import yaml

    root = Path(__file__).resolve().parents[2] / "runbooks"
    asking = 0
    for path in sorted(root.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for step in doc["steps"]:
            words = str(step.get("instructions", ""))
            if re.search(r"(attach|file|post)\b[^.]*\breport", words, re.I | re.S):
                asking += 1
                assert "drp report {{ run.id }}" in " ".join(words.split()), (path.name, step["id"])
                assert "DRAFT" in words, (path.name, step["id"])
    assert asking >= 4
    breach = yaml.safe_load((root / "personal-data-breach.yaml").read_text())
    assess = next(s for s in breach["steps"] if s["id"] == "assess")
    assert "`data-categories`" in assess["instructions"]
    assert "`data-subjects`" in assess["instructions"]
