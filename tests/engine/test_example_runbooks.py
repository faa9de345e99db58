"""Every example runbook in runbooks/ runs to its end headless against its own scenario."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # whole runbooks run to their end
EXAMPLES = sorted((ROOT / "runbooks").glob("*.yaml"))


def _scenarios(runbook: Path) -> list[Path]:
    """The runbook's own scenario, plus scenarios named `<runbook id>-*.yaml` (fault variants)."""
    import yaml

    doc = yaml.safe_load(runbook.read_text())
    found = []
    if doc.get("scenario"):
        found.append((runbook.parent / doc["scenario"]).resolve())
    found += sorted((ROOT / "runbooks" / "scenarios").glob(f"{doc['id']}-*.yaml"))
    return list(dict.fromkeys(found))


CASES = [(rb, sc) for rb in EXAMPLES for sc in _scenarios(rb)]


@pytest.mark.skipif(not CASES, reason="no example runbooks with scenarios yet")
@pytest.mark.parametrize("runbook,scenario", CASES,
                         ids=[f"{rb.stem}@{sc.stem}" for rb, sc in CASES])
def test_example_runbook_runs_to_its_end(runbook, scenario, tmp_path, sped_up):
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(runbook), "--headless", "--auto-approve",
                                   "--scenario", str(sped_up(scenario)), "--runs-dir", str(runs)],
                             catch_exceptions=False)
    assert res.exit_code in (0, 1), res.output
    (run_dir,) = list(runs.iterdir())
    events = [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]
    assert events[-1]["type"] == "run_finished", res.output
    problems = [e for e in events if e["type"] == "step_finished"
                and "internal error" in (e.get("reason") or "")]
    assert not problems
    if res.exit_code == 1:  # failing is allowed only clearly: a failed step says why
        assert any(e["type"] == "step_finished" and e["status"] == "failed" and e.get("reason")
                   for e in events), res.output
    else:
        assert events[-1]["status"] == "succeeded"
