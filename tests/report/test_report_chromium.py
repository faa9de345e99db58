"""The HTML report in a real browser: headless Chromium renders the chart and the tables, runs no
script, and prints to PDF. Skipped (with the reason) where Chromium is not installed."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixtures import RUNS, successful_failover

from drp_console.report import build_report, render

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def _chromium() -> str | None:
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


CHROMIUM = _chromium()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None,
                       reason="Chromium is not installed (CI installs it: apt-get install chromium)"),
]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", f"--user-data-dir={tmp_path / 'profile'}", *args],
        capture_output=True, text=True, timeout=180, check=False,
    )


class _Dom(HTMLParser):
    """Counts what the rendered DOM holds."""

    def __init__(self) -> None:
        super().__init__()
        self.bars = 0
        self.critical = 0
        self.milestones = 0
        self.tables = 0
        self.scripts = 0
        self.rows = 0
        self.body_attrs: dict[str, str | None] = {}
        self.note_texts: list[str] = []
        self._in_note = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "rect" and "bar" in classes:
            self.bars += 1
            self.critical += "critical" in classes
        elif tag == "line" and "milestone" in classes:
            self.milestones += 1
        elif tag == "table":
            self.tables += 1
        elif tag == "tr":
            self.rows += 1
        elif tag == "script":
            self.scripts += 1
        elif tag == "body":
            self.body_attrs = dict(attrs)
        elif tag == "td" and "note" in classes:
            self._in_note = True
            self.note_texts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._in_note = False

    def handle_data(self, data: str) -> None:
        if self._in_note:
            self.note_texts[-1] += data


def test_chromium_renders_the_chart_and_tables_and_runs_no_script(tmp_path: Path) -> None:
    script = successful_failover()
    script.at(100).add("note", text='<img src=x onerror="document.body.dataset.pwned=1">',
                       tag=None, step=None, by="mallory")
    report = build_report(script.events(), "Europe/Berlin")
    page = tmp_path / "report.html"
    page.write_text(render(report, "html"), encoding="utf-8")

    result = _run(tmp_path, "--dump-dom", page.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    dom = _Dom()
    dom.feed(result.stdout)
    ran = [s for s in report.steps if s.start is not None]
    assert dom.bars == len(ran) == 10  # keep-dns was skipped: no bar
    assert dom.critical == len(report.critical_path)
    assert dom.milestones == 4  # detected, declared, restored, verified
    assert dom.tables >= 10 and dom.rows > len(report.steps)
    assert dom.scripts == 0
    assert "data-pwned" not in dom.body_attrs
    assert "<script>alert(1)</script> pasted from the chat" in dom.note_texts
    assert '<img src=x onerror="document.body.dataset.pwned=1">' in dom.note_texts


def test_chromium_prints_the_report_to_pdf(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(build_report(RUNS["breach"]().events(), "UTC"), "html"))
    pdf = tmp_path / "report.pdf"
    result = _run(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
    assert pdf.exists(), result.stderr[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert b"/Type /Page" in data
