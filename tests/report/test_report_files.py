"""Reports written into the run directory, and `drp report` on the command line."""

from __future__ import annotations

import hashlib
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixtures import RUNS

from drp_console.cli import cli
from drp_console.journal.events import read_events
from drp_console.report import build_report, render, write_reports


@pytest.fixture
def run_dir(runs_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The failover run written through the real journal writer."""
    return RUNS["failover"]().write(runs_dir, monkeypatch)


def test_write_reports_writes_four_private_files_atomically(run_dir: Path) -> None:
    written = write_reports(run_dir, tz="Europe/Berlin")
    assert {p.name for p in written.values()} == {"report.md", "report.html", "report.json",
                                                  "report.csv"}
    for path in written.values():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "journal.jsonl", "report.csv", "report.html", "report.json", "report.md"]
    journal = (run_dir / "journal.jsonl").read_bytes()
    sha = hashlib.sha256(journal).hexdigest()
    assert f"Journal SHA-256: `{sha}`" in written["md"].read_text()
    events = read_events(run_dir / "journal.jsonl")
    expected = render(build_report(events, "Europe/Berlin", journal_sha256=sha), "html")
    assert written["html"].read_text() == expected


def test_reports_written_together_replace_none_when_one_cannot_be_written(tmp_path: Path) -> None:
    from drp_console.report.writer import write_all_atomic

    (tmp_path / "report.md").write_text("old md")
    (tmp_path / "report.csv").write_text("old csv")
    with pytest.raises(UnicodeEncodeError):
        write_all_atomic({tmp_path / "report.md": "new md", tmp_path / "report.csv": "\ud800"})
    assert (tmp_path / "report.md").read_text() == "old md"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.csv", "report.md"]
    write_all_atomic({tmp_path / "report.md": "new md", tmp_path / "report.csv": "new csv"})
    assert [(tmp_path / n).read_text() for n in ("report.md", "report.csv")] == ["new md", "new csv"]


def test_the_real_journal_gives_the_same_report_as_the_fixture_events(run_dir: Path) -> None:
    from_file = build_report(read_events(run_dir / "journal.jsonl"), "UTC")
    from_script = build_report(RUNS["failover"]().events(), "UTC")
    assert render(from_file, "md") == render(from_script, "md")


def test_a_torn_last_line_is_ignored_and_not_hashed(run_dir: Path) -> None:
    path = run_dir / "journal.jsonl"
    good = path.read_bytes()
    path.write_bytes(good + b'{"v": 1, "seq": 999, "ty')
    written = write_reports(run_dir, tz="UTC")
    assert hashlib.sha256(good).hexdigest() in written["md"].read_text()
    assert path.read_bytes().endswith(b'"ty')  # reading never repairs


def test_cli_prints_one_format_to_stdout(run_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["report", "20261127T090000Z-cloudsql", "--format", "csv",
                                      "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("step,title,type")
    assert not (run_dir / "report.csv").exists()


def test_cli_without_format_writes_all_four_into_the_run_directory(run_dir: Path) -> None:
    result = CliRunner().invoke(cli, ["report", run_dir.name, "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert len(result.output.splitlines()) == 4
    assert (run_dir / "report.html").exists()


def test_cli_writes_one_file_with_its_format_from_the_name(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "incident.html"
    result = CliRunner().invoke(cli, ["report", str(run_dir), "-o", str(out), "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_cli_several_formats_into_a_directory(run_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = CliRunner().invoke(cli, ["report", run_dir.name, "-f", "md", "-f", "json", "-o",
                                      str(out), "--tz", "UTC"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.md"]


@pytest.mark.parametrize(("args", "message"), [
    (["no-such-run"], "no run matches"),
    (["2026", "--tz", "Mars/Olympus"], "unknown time zone"),
    (["2026", "-f", "md", "-o", "/nonexistent-dir/x.md"], "does not exist"),
])
def test_cli_errors_are_one_line_with_exit_2(run_dir: Path, args: list[str],
                                             message: str) -> None:
    result = CliRunner().invoke(cli, ["report", *args])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_cli_on_an_empty_journal_exits_1(runs_dir: Path) -> None:
    empty = runs_dir / "20261127T090000Z-empty-0000"
    empty.mkdir(parents=True)
    (empty / "journal.jsonl").write_bytes(b"")
    result = CliRunner().invoke(cli, ["report", str(empty), "-f", "md"])
    assert result.exit_code == 1 and "no events" in result.output
