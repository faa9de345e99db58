"""A runaway template fails its step with a sentence; the other branches run on (issue 11)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from drp_console.cli import cli

DATA = Path(__file__).parent / "data"

RUNBOOK = """format: drp/v1
id: runaway
title: A runaway template beside honest work
scenario: {scenario}
parameters:
  project: {{default: acme-prod}}
steps:
  - id: loops
    title: Loop for ever
    type: shell
    run: [echo, "{{% for i in range(100000) %}}{{% for j in range(100000) %}}x{{% endfor %}}{{% endfor %}}"]
    on_failure: continue
  - id: huge
    title: Print a huge list
    type: gcp
    call: compute.instances.get
    with:
      project: "{{{{ params.project }}}}"
      zone: europe-west1-b
      instance: "{{{{ [[1]*60000]*60000 }}}}"
    on_failure: continue
  - id: honest
    title: Honest work in parallel
    type: gcp
    call: compute.instances.get
    with: {{project: "{{{{ params.project }}}}", zone: europe-west1-b, instance: web-1}}
"""


def test_runaway_templates_fail_their_steps_and_the_run_goes_on(tmp_path: Path) -> None:
    rb = tmp_path / "rb.yaml"
    rb.write_text(RUNBOOK.format(scenario=DATA / "crash-world.yaml"))
    assert CliRunner().invoke(cli, ["validate", str(rb)]).exit_code == 0
    runs = tmp_path / "runs"
    res = CliRunner().invoke(cli, ["run", str(rb), "--headless", "--runs-dir", str(runs)])
    assert "Traceback" not in res.output
    (run_dir,) = runs.iterdir()
    events = [json.loads(x) for x in (run_dir / "journal.jsonl").read_text().splitlines()]
    finished = {e["step"]: e for e in events if e["type"] == "step_finished"}
    assert finished["honest"]["status"] == "succeeded"
    assert finished["loops"]["status"] == "failed"
    assert "a range of 100,000 numbers; at most 10,000" in finished["loops"]["reason"]
    assert finished["huge"]["status"] == "failed"
    assert "a value longer than 65,536 characters" in finished["huge"]["reason"]
