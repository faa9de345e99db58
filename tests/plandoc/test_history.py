"""`drp history` over a runs directory holding several runs of one runbook: the table, the RTO
trend chart (SVG parsed), the drills register and its overdue list."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from history_runs import PastRun, past_run

from drp_console.cli import cli

ROOT = Path(__file__).resolve().parents[2]
RUNBOOK = ROOT / "runbooks" / "cloudsql-restore-backup.yaml"
SVG = "{http://www.w3.org/2000/svg}"
# one worker makes the module's recorded runs once (pytest-xdist --dist loadgroup)
pytestmark = pytest.mark.xdist_group("plandoc-history")


def drp(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four past runs written as journals, and one real headless run (a rehearsal at x60)."""
    runs = tmp_path_factory.mktemp("history") / "runs"
    past_run(runs, RUNBOOK, PastRun(_utc(2026, 3, 2, 9), mode="live", rto_s=6000,
                                    people=("alice", "bob")))
    past_run(runs, RUNBOOK, PastRun(_utc(2026, 6, 10, 14), mode="simulate", speed=1,
                                    result="failed", rto_s=8400, people=("carol", "dave"),
                                    skipped={"verify-data": "carol"},
                                    actions=("Automate the backup listing",)))
    past_run(runs, RUNBOOK, PastRun(_utc(2026, 9, 15, 10), mode="training", speed=1,
                                    rto_s=3900, people=("erin",)))
    past_run(runs, RUNBOOK, PastRun(_utc(2026, 10, 1, 8), mode="live", result="aborted",
                                    rto_s=None, data_lost_s=None, people=("frank",)))
    res = drp("run", str(RUNBOOK), "--headless", "--auto-approve", "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    return runs


@pytest.fixture
def runbooks(tmp_path: Path) -> Path:
    """A runbook directory: the one with runs, and one that was never run."""
    folder = tmp_path / "runbooks"
    folder.mkdir()
    shutil.copy(RUNBOOK, folder)
    shutil.copy(ROOT / "runbooks" / "zone-outage-web.yaml", folder)
    return folder


def _rows(output: str) -> list[str]:
    return [line for line in output.splitlines() if re.match(r"  \d{4}-\d\d-\d\d \d\d:\d\d ", line)]


def test_the_table_lists_every_run_oldest_first_against_the_targets(runs: Path) -> None:
    res = drp("history", "cloudsql-restore-backup", "--runs-dir", str(runs),
              "--as-of", "2026-12-01")
    assert res.exit_code == 0, res.output
    rows = _rows(res.output)
    assert len(rows) == 5
    assert rows[0].split()[:5] == ["2026-03-02", "09:00", "live", "live", "succeeded"]
    assert "1h40m (target 2h, met)" in rows[0] and "RPO" not in rows[0]
    assert "3h00m (target 1d, met)" in rows[0] and "alice, bob" in rows[0]
    assert rows[1].split()[2:5] == ["simulate", "game-day", "failed"]
    assert "2h20m (target 2h, MISSED)" in rows[1]
    assert rows[2].split()[2:5] == ["training", "game-day", "succeeded"]
    assert rows[3].split()[2:5] == ["live", "live", "aborted"]
    assert "not measured (target 2h)" in rows[3]
    assert rows[4].split()[2:5] == ["simulate", "rehearsal", "x60"]
    assert "at x60 (not comparable)" in rows[4]
    assert "2026-06-10 14:00 skipped by a person: verify-data (by carol)" in res.output
    assert "2026-06-10 14:00 open action: Automate the backup listing" in res.output
    # the trend: the three runs at speed 1 that reached `restored`, not the rehearsal
    assert "RTO trend: 1h40m -> 2h20m -> 1h05m (only runs at speed 1" in res.output


def _trend_svg(html: str) -> ET.Element:
    found = re.search(r'<svg[^>]*class="rto-trend".*?</svg>', html, re.DOTALL)
    assert found, "no trend chart in the page"
    return ET.fromstring(found.group(0))


def test_the_trend_chart_has_a_point_per_real_time_drill_and_the_target_line(
        runs: Path, tmp_path: Path) -> None:
    page = tmp_path / "history.html"
    res = drp("history", "cloudsql-restore-backup", "--runs-dir", str(runs), "--html", str(page),
              "--as-of", "2026-12-01")
    assert res.exit_code == 0, res.output
    svg = _trend_svg(page.read_text())
    (target,) = [e for e in svg.iter(f"{SVG}line") if "target" in e.get("class", "")]
    assert float(target.get("data-seconds")) == 7200
    assert target.get("y1") == target.get("y2")
    target_y = float(target.get("y1"))
    points = list(svg.iter(f"{SVG}circle"))
    assert [float(p.get("data-seconds")) for p in points] == [6000, 8400, 3900]
    xs = [float(p.get("cx")) for p in points]
    assert xs == sorted(xs) and len(set(xs)) == 3  # oldest left, one column per drill
    ys = [float(p.get("cy")) for p in points]
    assert ys[1] < target_y < ys[0] < ys[2]  # higher on the page = longer; only June missed
    assert ["missed" in p.get("class") for p in points] == [False, True, False]
    dates = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "date"]
    assert dates == ["2026-03-02", "2026-06-10", "2026-09-15"]
    assert 'class="runs"' in page.read_text() and page.read_text().count("<tr data-run=") == 5


def test_the_register_says_when_each_runbook_was_last_tested_and_which_are_overdue(
        runs: Path, runbooks: Path) -> None:
    res = drp("history", str(runbooks), "--runs-dir", str(runs), "--as-of", "2026-12-01")
    assert res.exit_code == 0, res.output
    register = res.output.split("Drills register as of 2026-12-01 00:00 UTC")[1]
    line = next(x for x in register.splitlines() if x.strip().startswith("cloudsql-restore"))
    # the last test is September's game-day: the aborted live run and the rehearsal do not count
    assert "2026-09-15 10:00 (game-day, succeeded)" in line
    assert "2026-12-14" in line and line.rstrip().endswith("ok")
    never = next(x for x in register.splitlines() if x.strip().startswith("zone-outage-web"))
    assert "never" in never and "OVERDUE: never tested" in never
    assert "overdue: zone-outage-web\n" in res.output

    later = drp("history", str(runbooks), "--runs-dir", str(runs), "--as-of", "2026-12-20")
    assert "overdue: cloudsql-restore-backup, zone-outage-web\n" in later.output


def test_the_register_page_marks_the_overdue_runbooks(runs: Path, runbooks: Path,
                                                      tmp_path: Path) -> None:
    page = tmp_path / "h.html"
    res = drp("history", str(runbooks), "--runs-dir", str(runs), "--as-of", "2026-12-20",
              "--html", str(page))
    assert res.exit_code == 0, res.output
    html = page.read_text()
    overdue = re.findall(r'<tr class="overdue" data-runbook="([a-z0-9-]+)"', html)
    assert overdue == ["cloudsql-restore-backup", "zone-outage-web"]
    assert "No runs." in html  # the zone outage runbook has no runs and no chart
    assert html.count('class="rto-trend"') == 1


def test_unknown_runbook_and_invalid_runbook_exit_with_their_codes(runs: Path,
                                                                  tmp_path: Path) -> None:
    res = drp("history", "no-such-runbook", "--runs-dir", str(runs))
    assert res.exit_code == 2 and "no runbook 'no-such-runbook'" in res.output
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: drp/v1\nid: Broken\n")
    res = drp("history", str(broken), "--runs-dir", str(runs))
    assert res.exit_code == 3 and "broken.yaml:" in res.output
    res = drp("history", "--as-of", "soon", "--runs-dir", str(runs))
    assert res.exit_code == 2 and "--as-of" in res.output


def test_the_plan_shows_the_most_recent_finished_run_as_the_last_drill(runs: Path) -> None:
    res = drp("export", str(RUNBOOK), "--runs-dir", str(runs))
    assert res.exit_code == 0, res.output
    last = res.output.split("## Last drill")[1].split("## Roles")[0]
    assert "| Mode | simulate (rehearsal x60) |" in last and "| Result | succeeded |" in last
    assert "accelerated: not comparable with the target of 2h" in last
