"""Reports are safe to share: no secret or token in any format, markup shown and never run."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from report_fixtures import CANARY, TOKEN, successful_failover

from drp_console.report import FORMATS, build_report, render, write_reports

PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n" \
      "-----END PRIVATE KEY-----"


def _append_raw(run_dir: Path, *bodies: dict) -> None:
    """Lines written past the Journal (as a buggy or older writer might have): not redacted."""
    path = run_dir / "journal.jsonl"
    lines = path.read_text().splitlines()
    last = json.loads(lines[-1])
    with path.open("a") as fh:
        for n, body in enumerate(bodies, start=1):
            event = {"v": 1, "seq": last["seq"] + n, "ts": last["ts"], "mono": last["mono"],
                     "boot": last["boot"], "operator": "mallory", **body}
            fh.write(json.dumps(event) + "\n")


def test_secret_canary_and_tokens_appear_in_no_format(runs_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    script = successful_failover()
    script.items[0][4]["params"] = {"project": "acme-prod", "webhook_token": CANARY}
    script.items[0][4]["secret_params"] = ["webhook_token"]
    script.at(600).add("note", text=f"the webhook token is {CANARY}", tag="observation",
                       step="switch-dns")
    script.at(600).add("output", step="switch-dns", stream="stdout",
                       text=f"curl -H 'Authorization: Bearer {CANARY}'")
    script.at(600).add("step_finished", step="keep-dns", status="skipped",
                       reason=f"token {CANARY} rejected", outputs={"token": CANARY},
                       changed=False, attempts=0)
    run_dir = script.write(runs_dir, monkeypatch, secrets=[CANARY])
    _append_raw(
        run_dir,
        {"type": "note", "text": f"pasted {TOKEN} by mistake", "tag": "action", "step": None},
        {"type": "warning", "message": f"key leaked: {PEM}", "step": "verify"},
        {"type": "step_finished", "step": "verify", "status": "succeeded", "reason": None,
         "outputs": {"auth": f"Bearer {TOKEN}", "private_key": "abc"}, "changed": False,
         "attempts": 1},
    )
    assert TOKEN in (run_dir / "journal.jsonl").read_text()  # the report must catch it
    written = write_reports(run_dir, tz="Europe/Berlin")
    assert sorted(written) == sorted(FORMATS)
    for fmt, path in written.items():
        text = path.read_text()
        assert CANARY not in text, fmt
        assert TOKEN not in text and "ya29." not in text, fmt
        assert "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7" not in text, fmt
        assert "abc" not in json.dumps(json.loads(text)["steps"]) if fmt == "json" else True
    assert "pasted \\*\\*\\* by mistake" in written["md"].read_text()
    assert "pasted *** by mistake" in written["html"].read_text()


def test_script_in_a_note_is_shown_as_text_in_html_and_markdown() -> None:
    script = successful_failover()
    script.at(100).add("note", text='<img src=x onerror="document.body.dataset.pwned=1">',
                       tag=None, step=None, by="mallory")
    report = build_report(script.events(), "UTC")
    html = render(report, "html")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; pasted from the chat" in html
    assert "<img" not in html and "&lt;img src=x onerror=" in html
    assert "Content-Security-Policy" in html
    md = render(report, "md")
    assert "<script>" not in md and "&lt;script&gt;alert\\(1\\)" not in md
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in md and "<img" not in md


def test_html_has_no_external_assets() -> None:
    html = render(build_report(successful_failover().events(), "UTC"), "html")
    for needle in ("http://", "https://", "<link", "src=\"", "@import", "url(http"):
        assert needle not in html.replace('xmlns="http://www.w3.org/2000/svg"', ""), needle


def test_markdown_cells_cannot_break_the_table_or_link_out() -> None:
    script = successful_failover()
    script.at(100).add("note", text="a | b\nnew line [x](javascript:alert(1)) `code`",
                       tag=None, step=None)
    md = render(build_report(script.events(), "Europe/Berlin"), "md")
    line = next(ln for ln in md.splitlines() if "a \\| b" in ln)
    assert "\\[x\\]\\(javascript" not in line  # parentheses are not special without brackets
    assert "\\[x\\](javascript:alert(1)) \\`code\\`" in line
    assert len(re.findall(r"(?<!\\)\|", line)) == 7  # six cells: the note's pipe is escaped


def test_csv_cells_are_not_run_as_spreadsheet_formulas() -> None:
    script = successful_failover()
    script.items[0][4]["runbook_doc"]["steps"][0]["title"] = '=HYPERLINK("http://x","y")'
    text = render(build_report(script.events(), "UTC"), "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["step", "title", "type", "role", "status"]
    declare = next(r for r in rows if r[0] == "declare")
    assert declare[1] == "'=HYPERLINK(\"http://x\",\"y\")"
    assert len(rows) == 1 + 11 and all(len(r) == len(rows[0]) for r in rows)


def test_json_is_versioned_and_parses() -> None:
    data = json.loads(render(build_report(successful_failover().events(), "UTC"), "json"))
    assert data["report_format"] == "drp-report/v1"
    assert [s["id"] for s in data["steps"]][:2] == ["declare", "check-primary"]
    assert data["objectives"][0] == {
        "name": "RTO", "target_s": 1800.0, "achieved_s": 415.0, "verdict": "met",
        "measured": data["objectives"][0]["measured"]}


def test_markup_in_any_journal_field_stays_text() -> None:
    events = successful_failover().events()
    events[0]["mode"] = "<script>m()</script>"
    events[0]["run_id"] = "run`<b>id</b>"
    finished = next(e for e in events if e["type"] == "step_finished")
    finished["status"] = "<i>odd</i>"
    failed = next(e for e in events if e["type"] == "attempt_failed")
    failed["error"]["code"] = "<u>E</u>"
    report = build_report(events, "UTC")
    for fmt in ("md", "html"):
        text = render(report, fmt)
        for tag in ("<script", "<b>", "<i>", "<u>"):
            assert tag not in text, (fmt, tag)
