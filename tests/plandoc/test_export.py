"""`drp export`: golden plan documents (md, html) of one bundled runbook, every bundled runbook
exported, the directory export with its index, the step graph's SVG, and the errors."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.runbook.loader import load_runbook

ROOT = Path(__file__).resolve().parents[2]
RUNBOOKS = ROOT / "runbooks"
GOLDEN_RUNBOOK = RUNBOOKS / "cloudsql-restore-backup.yaml"
GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DRP_UPDATE_GOLDEN") == "1"
BUNDLED = sorted(p for p in RUNBOOKS.glob("*.yaml"))
SVG = "{http://www.w3.org/2000/svg}"


def drp(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_plan_matches_golden_file(fmt: str, tmp_path: Path) -> None:
    """With an empty runs directory the plan says "never drilled": nothing run-dependent."""
    res = drp("export", str(GOLDEN_RUNBOOK), "--format", fmt, "--runs-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    path = GOLDEN / f"cloudsql-restore-backup.{fmt}"
    if UPDATE:
        path.write_text(res.output, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with DRP_UPDATE_GOLDEN=1"
    assert res.output == path.read_text(encoding="utf-8"), (
        f"{path.name} differs; if the change is intended (the runbook or the plan changed), "
        "regenerate with DRP_UPDATE_GOLDEN=1 pytest tests/plandoc and review the diff")


@pytest.mark.parametrize("runbook", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_every_bundled_runbook_exports_with_every_step(runbook: Path, tmp_path: Path) -> None:
    doc = load_runbook(runbook)
    for fmt in ("md", "html"):
        out = tmp_path / f"plan.{fmt}"
        res = drp("export", str(runbook), "-o", str(out), "--runs-dir", str(tmp_path / "runs"))
        assert res.exit_code == 0, res.output
        text = out.read_text()
        assert doc.source_hash in text and "Never drilled" in text
        for step in doc.steps:
            assert step.id in text
    html = (tmp_path / "plan.html").read_text()
    svg = _graph(html)
    assert {g.get("data-step") for g in svg.iter(f"{SVG}g")} == {s.id for s in doc.steps}


def _graph(html: str) -> ET.Element:
    found = re.search(r'<svg[^>]*class="step-graph".*?</svg>', html, re.DOTALL)
    assert found, "no step graph in the page"
    return ET.fromstring(found.group(0))


def test_the_step_graph_draws_needs_options_and_rows(tmp_path: Path) -> None:
    res = drp("export", str(GOLDEN_RUNBOOK), "-f", "html", "--runs-dir", str(tmp_path))
    svg = _graph(res.output)
    boxes = {g.get("data-step"): g for g in svg.iter(f"{SVG}g")}
    top = {sid: float(g.find(f"{SVG}rect").get("y")) for sid, g in boxes.items()}
    edges = {(p.get("data-from"), p.get("data-to"), p.get("class")) for p in svg.iter(f"{SVG}path")
             if "edge" in (p.get("class") or "")}
    assert ("choose", "approve-restore", "edge option") in edges
    assert ("choose", "clone-pitr", "edge option") in edges
    assert ("wait-restored", "verify-data", "edge needs") in edges
    assert ("repoint-app", "verify-data", "edge needs") in edges
    # every arrow goes down: a step is drawn below all it must come after
    assert all(top[a] < top[b] for a, b, _ in edges)
    # the two branches of the decision share a row: they may run instead of each other
    assert top["approve-restore"] == top["clone-pitr"]
    classes = {sid: g.get("class") for sid, g in boxes.items()}
    assert classes["restore"] == "step destructive"
    assert classes["clone-pitr"] == "step mutating conditional"
    assert classes["list-backups"] == "step read"


def test_a_secret_default_is_never_shown(tmp_path: Path) -> None:
    runbook = tmp_path / "secret.yaml"
    runbook.write_text(
        "format: drp/v1\nid: secret-plan\ntitle: Secret\nparameters:\n"
        "  token: {description: API token, default: canary-7f3a-secret, secret: true}\n"
        "steps:\n  - id: use\n    title: Use the token\n    type: manual\n"
        "    instructions: 'Paste {{ params.token }} into the console'\n")
    for fmt in ("md", "html"):
        res = drp("export", str(runbook), "-f", fmt, "--runs-dir", str(tmp_path))
        assert res.exit_code == 0, res.output
        assert "canary-7f3a-secret" not in res.output
        assert "«token»" in res.output and "secret: never shown" in res.output


def test_author_markup_cannot_reach_the_html_page(tmp_path: Path) -> None:
    runbook = tmp_path / "markup.yaml"
    runbook.write_text(
        "format: drp/v1\nid: markup\ntitle: '<script>alert(1)</script>'\n"
        "summary: 'Hello <img src=x onerror=alert(2)> **bold**'\n"
        "steps:\n  - id: one\n    title: '<b>one</b>'\n    type: manual\n")
    res = drp("export", str(runbook), "-f", "html", "--runs-dir", str(tmp_path))
    assert res.exit_code == 0, res.output
    assert "<script>" not in res.output and "<img" not in res.output
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in res.output
    assert "<strong>bold</strong>" in res.output
    style = res.output.split("<style>")[1].split("</style>")[0]
    assert '"DejaVu Sans"' in style and "&#34;" not in style  # our stylesheet, unescaped


def test_a_directory_exports_every_runbook_and_an_index(tmp_path: Path) -> None:
    plans = tmp_path / "plans"
    res = drp("export", str(RUNBOOKS), "-o", str(plans), "--runs-dir", str(tmp_path / "runs"))
    assert res.exit_code == 0, res.output
    ids = sorted(load_runbook(p).id for p in BUNDLED)
    assert sorted(p.stem for p in plans.glob("*.md") if p.stem != "index") == ids
    index = (plans / "index.md").read_text()
    for rid in ids:
        assert f"]({rid}.md)" in index
    assert index.count("never drilled") == len(ids)
    res = drp("export", str(RUNBOOKS), "-o", str(tmp_path / "html"), "-f", "html",
              "--runs-dir", str(tmp_path / "runs"))
    assert res.exit_code == 0, res.output
    assert all(f'href="{rid}.html"' in (tmp_path / "html" / "index.html").read_text()
               for rid in ids)


def test_a_run_whose_journal_cannot_be_read_is_left_out_with_a_line(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    (runs / "20260101T000000Z-x-0000").mkdir(parents=True)
    (runs / "20260101T000000Z-x-0000" / "journal.jsonl").write_bytes(
        b'garbage\n{"v": 1, "seq": 1, "type": "run_started"}\n')  # damaged in the middle
    for args in (["export", str(GOLDEN_RUNBOOK)], ["history", "cloudsql-restore-backup"]):
        res = drp(*args, "--runs-dir", str(runs))
        assert "20260101T000000Z-x-0000" in res.output, res.output
        assert "run left out" in res.output
    assert drp("export", str(GOLDEN_RUNBOOK), "--runs-dir", str(runs)).exit_code == 0


def test_errors_exit_with_their_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: drp/v1\nid: broken\ntitle: B\nsteps: []\n")
    res = drp("export", str(broken), "--runs-dir", str(tmp_path))
    assert res.exit_code == 3 and "broken.yaml:" in res.output
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "broken.yaml").write_text(broken.read_text())
    (folder / "good.yaml").write_text(GOLDEN_RUNBOOK.read_text())
    res = drp("export", str(folder), "-o", str(tmp_path / "out"), "--runs-dir", str(tmp_path))
    assert res.exit_code == 3 and (tmp_path / "out" / "cloudsql-restore-backup.md").exists()
    assert drp("export", str(tmp_path / "nope.yaml")).exit_code == 2
    assert drp("export", str(RUNBOOKS)).exit_code == 2  # a directory needs -o
    assert drp("export", str(GOLDEN_RUNBOOK), "-f", "pdf").exit_code == 2  # a PDF needs -o
    res = drp("export", str(GOLDEN_RUNBOOK), "-o", str(tmp_path / "missing" / "p.md"),
              "--runs-dir", str(tmp_path))
    assert res.exit_code == 2 and "does not exist" in res.output
    res = drp("export", str(GOLDEN_RUNBOOK), "-o", f"{tmp_path / 'new'}/", "-f", "html",
              "--runs-dir", str(tmp_path))  # a trailing slash names a directory
    assert res.exit_code == 0 and (tmp_path / "new" / "cloudsql-restore-backup.html").is_file()
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # no Chromium to be found
    res = drp("export", str(GOLDEN_RUNBOOK), "-o", str(tmp_path / "p.pdf"),
              "--runs-dir", str(tmp_path))
    assert res.exit_code == 2 and "Chromium" in res.output
    assert not (tmp_path / "p.pdf").exists()
    broken = empty / "chromium"  # a browser that crashes: exit 1, and no PDF left behind
    broken.write_text("#!/bin/sh\necho 'Trace/breakpoint trap' >&2\nexit 133\n")
    broken.chmod(0o755)
    res = drp("export", str(GOLDEN_RUNBOOK), "-o", str(tmp_path / "p.pdf"),
              "--runs-dir", str(tmp_path))
    assert res.exit_code == 1 and "printed no PDF (exit 133: Trace/breakpoint trap)" in res.output
    assert not (tmp_path / "p.pdf").exists()
