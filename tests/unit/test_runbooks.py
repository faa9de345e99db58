"""The example runbooks validate without warnings; the checked-in schema matches the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli
from drp_console.runbook.schema import schema_text
from drp_console.runbook.validate import validate_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "runbooks").glob("*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../schema/runbook.schema.json"


def test_there_are_six_examples() -> None:
    assert {p.stem for p in EXAMPLES} >= {
        "cloudsql-regional-failover", "cloudsql-restore-backup", "zone-outage-web",
        "quarterly-restore-drill", "personal-data-breach", "access-revocation"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_is_valid_without_warnings(path: Path) -> None:
    runbook, diagnostics = validate_file(path)
    assert runbook is not None
    assert [str(d) for d in diagnostics] == []
    assert runbook.id == path.stem


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_starts_with_the_schema_line(path: Path) -> None:
    assert path.read_text().splitlines()[0] == SCHEMA_LINE


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_example_names_a_scenario_that_exists(path: Path) -> None:
    runbook, _ = validate_file(path)
    assert runbook is not None and runbook.scenario is not None
    scenario = runbook.scenario_path()
    assert scenario is not None and scenario.is_file(), f"missing scenario {scenario}"


def test_drp_validate_runbooks_directory() -> None:
    result = CliRunner().invoke(cli, ["validate", str(ROOT / "runbooks")])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"{len(EXAMPLES)} files: {len(EXAMPLES)} valid, 0 invalid; 0 errors, 0 warnings"]


def test_checked_in_schema_is_what_drp_schema_prints() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    checked_in = (ROOT / "schema" / "runbook.schema.json").read_text()
    assert result.output == checked_in == schema_text(), \
        "run: drp schema > schema/runbook.schema.json"


def test_schema_is_draft_07_with_duration_strings() -> None:
    schema = json.loads(schema_text())
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert "$defs" not in json.dumps(schema)
    retry = schema["definitions"]["Retry"]["properties"]
    assert retry["delay"]["type"] == "string" and retry["delay"]["default"] == "0s"
    gcp = schema["definitions"]["GcpStep"]["properties"]
    assert "with" in gcp and "with_" not in gcp
    assert gcp["call"]["description"]
