"""Secret parameters never shown: in the plan's steps and in every parameter error (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.runbook.model import Runbook
from drp_console.runbook.params import ParameterError, resolve_params

CANARY = "canary-7f3e-SECRET"

PLANNED = """format: drp/v1
id: secret-plan
title: Secrets in steps
parameters:
  token: {secret: true}
steps:
  - id: tell
    title: Tell the pager
    type: manual
    instructions: "Post with token {{ params.token }} and {{ params.token | upper }}"
  - id: hook
    title: Call the hook
    type: shell
    needs: [tell]
    run: [curl, "-H", "X-Token: {{ params.token }}", https://hooks.example]
"""


def test_plan_never_prints_a_secret_in_the_rendered_steps(tmp_path: Path) -> None:
    path = tmp_path / "rb.yaml"
    path.write_text(PLANNED)
    res = CliRunner().invoke(cli, ["plan", str(path), "-p", f"token={CANARY}"])
    assert res.exit_code == 0, res.output
    assert CANARY not in res.output and CANARY.upper() not in res.output
    assert "X-Token: ***" in res.output


def runbook(parameters) -> Runbook:
    return Runbook.model_validate({"format": "drp/v1", "id": "t", "title": "T",
                                   "parameters": parameters,
                                   "steps": [{"id": "a", "title": "A", "type": "manual"}]})


@pytest.mark.parametrize("spec", [
    {"secret": True, "choices": ["alpha", "beta"]},
    {"secret": True, "default": 3},
    {"secret": True, "default": False},
    {"secret": True, "pattern": "^[0-9]+$"},
])
def test_parameter_errors_mask_secret_values(spec) -> None:
    with pytest.raises(ParameterError) as err:
        resolve_params(runbook({"key": spec}), {"key": CANARY})
    assert CANARY not in str(err.value)
    assert "parameter 'key' is" in str(err.value) and "***" in str(err.value)


def test_parameter_errors_still_quote_values_that_are_not_secret() -> None:
    with pytest.raises(ParameterError, match="got 'many'"):
        resolve_params(runbook({"size": {"default": 3}}), {"size": "many"})


HAZARDS = """format: drp/v1
id: hazards
title: Where values go
parameters:
  project: {default: acme-prod}
  token: {secret: true}
  name: {default: web-1}
steps:
  - id: label
    title: Put the token on an instance
    type: gcp
    role: ops
    call: sql.instances.patch
    with:
      project: "{{ params.project }}"
      instance: orders-db
      settings: {userLabels: {token: "{{ params.token }}"}}
    check: "result.status == 'DONE'"
  - id: shout
    title: Say the name through a shell
    type: shell
    run: [sh, -c, "echo {{ params.name }}"]
  - id: safe
    title: Say the name as an argument
    type: shell
    run: [sh, -c, 'echo "$1"', sh, "{{ params.name }}"]
roles: {ops: Operations}
"""


def test_validation_warns_about_secrets_in_cloud_calls_and_templates_in_shell_scripts(
        tmp_path: Path) -> None:
    path = tmp_path / "rb.yaml"
    path.write_text(HAZARDS)
    res = CliRunner().invoke(cli, ["validate", str(path)])
    assert res.exit_code == 0, res.output  # warnings, not errors
    secret = [x for x in res.output.splitlines() if "secret parameter 'token'" in x]
    assert len(secret) == 1
    assert "steps[0].with.settings.userLabels.token: warning:" in secret[0]
    assert "sql.instances.patch" in secret[0] and "in clear" in secret[0]
    shell = [x for x in res.output.splitlines() if "-c` script" in x]
    assert len(shell) == 1 and "steps[1].run[2]: warning:" in shell[0]
    assert "Pass values as arguments" in shell[0]
