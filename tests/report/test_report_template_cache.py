"""Report templates compiled once into the cache directory and read back from it."""

from __future__ import annotations

from report_fixtures import RUNS

from drp_console.report import build_report, render
from drp_console.report.bytecode_cache import bytecode_cache
from drp_console.report.render import environment


def test_report_templates_are_compiled_once_into_the_cache(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DRP_CACHE_DIR", str(tmp_path))
    environment.cache_clear()
    try:
        report = build_report(RUNS["failover"]().events(), "UTC")
        first = {fmt: render(report, fmt) for fmt in ("md", "html", "csv")}
        cached = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.cache")}
        assert len(cached) >= 3  # one entry per template at least
        environment.cache_clear()
        again = {fmt: render(report, fmt) for fmt in ("md", "html", "csv")}
        assert again == first
        # read back, not compiled and written again
        assert {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*.cache")} == cached
    finally:
        environment.cache_clear()


def test_an_unusable_cache_directory_only_means_compiling_again(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("DRP_CACHE_DIR", str(blocker))
    assert bytecode_cache("report-text") is None
    environment.cache_clear()
    try:
        assert environment(False).get_template("report.md.j2") is not None
    finally:
        environment.cache_clear()
