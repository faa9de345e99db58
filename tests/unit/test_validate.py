"""Validation rules that need more than one file to show: branches, ancestry, loaders, the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict

from drp_console.cli import cli
from drp_console.runbook.diagnostics import Diagnostic, InvalidDocument
from drp_console.runbook.loader import load_document, load_runbook
from drp_console.runbook.validate import validate_file

HEAD = ("format: drp/v1\nid: v\ntitle: V\nroles: {dba: DBA}\n"
        "parameters: {project: {default: acme-prod}}\nsteps:\n")


def messages(tmp_path: Path, steps: str) -> list[str]:
    path = tmp_path / "v.yaml"
    path.write_text(HEAD + steps)
    _, diagnostics = validate_file(path)
    return [f"{d.line}:{d.col}: {d.where}: {d.message}" for d in diagnostics]


READ = """    type: gcp
    call: sql.instances.get
    with: {project: acme-prod, instance: orders-db}
    outputs: {state: result.state}
"""


def test_branch_targets_see_what_ran_before_the_decision(tmp_path: Path) -> None:
    steps = ("  - id: read\n    title: Read\n" + READ +
             "  - id: choose\n    title: Choose\n    type: decision\n"
             "    options: {left: left, right: right}\n"
             "  - {id: left, title: L, type: manual, needs: [choose], "
             "instructions: \"{{ steps['read'].outputs.state }}\"}\n"
             "  - id: right\n    title: R\n    needs: [choose]\n" + READ +
             "  - {id: join, title: J, type: manual, needs: [left, right], "
             "instructions: \"{{ steps['right'].outputs.state }}\"}\n")
    assert messages(tmp_path, steps) == []


def test_a_branch_cannot_read_the_other_branch(tmp_path: Path) -> None:
    steps = ("  - id: choose\n    title: Choose\n    type: decision\n"
             "    options: {left: left, right: right}\n"
             "  - id: left\n    title: L\n    needs: [choose]\n" + READ +
             "  - {id: right, title: R, type: manual, needs: [choose], "
             "instructions: \"{{ steps['left'].outputs.state }}\"}\n")
    assert messages(tmp_path, steps) == [
        "18:72: steps[2].instructions: step 'left' cannot have run before 'right': add it to "
        "'right's needs (directly or through a step it needs)"]


def test_recovery_path_sees_the_failed_step(tmp_path: Path) -> None:
    steps = ("  - id: read\n    title: Read\n    on_failure: recover\n" + READ +
             "  - {id: next, title: N, type: manual}\n"
             "  - {id: recover, title: R, type: manual, needs: [], "
             "instructions: \"{{ steps['read'].status }}\"}\n")
    assert messages(tmp_path, steps) == []


def test_recovery_path_may_not_run_before_the_step(tmp_path: Path) -> None:
    steps = ("  - {id: first, title: F, type: manual}\n"
             "  - {id: second, title: S, type: manual, on_failure: first}\n")
    assert messages(tmp_path, steps) == [
        "8:54: steps[1].on_failure: step 'first' runs before 'second', so it cannot be its "
        "recovery path"]


def test_long_cycle_through_implicit_needs_is_named_in_order(tmp_path: Path) -> None:
    steps = "".join(f"  - {{id: s{i}, title: S, type: manual}}\n" for i in range(1, 5))
    steps = steps.replace("{id: s1, title: S, type: manual}",
                          "{id: s1, title: S, type: manual, needs: [s4]}")
    assert messages(tmp_path, steps) == [
        "7:46: steps[0].needs[0]: needs cycle: s1 -> s4 -> s3 -> s2 -> s1 (each needs the "
        "next): remove one of these needs"]


def test_loop_variables_and_filters_are_not_unknown_names(tmp_path: Path) -> None:
    steps = ("  - id: read\n    title: Read\n" + READ +
             "  - id: show\n    title: Show\n    type: manual\n    instructions: |\n"
             "      {% for k in ['a', 'b'] %}{{ k | upper }} {{ params.project }}{% endfor %}\n"
             "      {% set n = 3 %}{{ n * 2 }} {{ steps['read'].outputs.state | default('?') }}\n")
    assert messages(tmp_path, steps) == []


def test_load_runbook_raises_with_every_error(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(HEAD + "  - {id: a, title: A, type: manual, role: x, needs: [zz]}\n")
    with pytest.raises(InvalidDocument) as err:
        load_runbook(path)
    assert [d.message for d in err.value.errors] == [
        "unknown role 'x': declare it under roles (declared: dba)",
        "unknown step 'zz' in needs: name a step of this runbook"]
    assert str(err.value).startswith(f"{path}:7:")


def test_diagnostic_text() -> None:
    d = Diagnostic("rb.yaml", 3, 5, "steps[0].id", "bad")
    assert str(d) == "rb.yaml:3:5: steps[0].id: bad"
    assert d.is_error and not Diagnostic("a", 1, 1, "w", "m", "warning").is_error


class Other(BaseModel):
    """A document of another kind (as the simulator loads scenarios)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    name: str
    """A name."""
    size: int = 1
    """A size."""


def test_load_document_is_generic(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text("name: x\nsize: 3\n")
    assert load_document(path, Other) == Other(name="x", size=3)
    path.write_text("name: x\nsise: 3\n")
    with pytest.raises(InvalidDocument) as err:
        load_document(path, Other)
    assert [str(d) for d in err.value.diagnostics] == [
        f"{path}:2:1: sise: unknown key 'sise': did you mean 'size'?"]


def test_validate_checks_scenario_files_as_scenarios() -> None:
    scenarios = Path(__file__).resolve().parents[2] / "runbooks" / "scenarios"
    calm = scenarios / "calm.yaml"
    if not calm.exists():
        pytest.skip("the simulator's calm scenario is not there yet")
    result = CliRunner().invoke(cli, ["validate", str(calm)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 file: 1 valid, 0 invalid; 0 errors, 0 warnings"


def test_unexpected_failure_is_one_line_not_a_traceback(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import drp_console.runbook.validate as validate_module

    def boom(path):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(validate_module, "validate_file", boom)
    path = tmp_path / "v.yaml"
    path.write_text(HEAD + "  - {id: a, title: A, type: manual}\n")
    result = CliRunner(mix_stderr=False).invoke(cli, ["validate", str(path)]) \
        if "mix_stderr" in CliRunner.__init__.__code__.co_varnames \
        else CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "drp: unexpected error (RuntimeError: disk on fire)" in (
        result.output + (result.stderr if hasattr(result, "stderr") else ""))


BRANCH_HEAD = ("  - id: read\n    title: Read\n" + READ +
               "  - id: choose\n    title: Choose\n    type: decision\n"
               "    options: {left: left, right: right}\n"
               "  - {id: left, title: L, type: manual, needs: [choose]}\n")


def test_a_when_on_a_decision_branch_is_a_warning_unless_known_when_asked(tmp_path: Path) -> None:
    # known when the decision asks (a parameter, a step before it): the option is simply not
    # offered, so no warning
    settled = BRANCH_HEAD + ("  - {id: right, title: R, type: manual, needs: [choose], "
                             "when: \"params.project != '' and steps['read'].outputs.state\"}\n")
    assert messages(tmp_path, settled) == []
    # a `when` further down the branch: false, it would skip the rest of the branch silently
    later = BRANCH_HEAD + ("  - {id: right, title: R, type: manual, needs: [choose]}\n"
                           "  - {id: after, title: A, type: manual, needs: [right], "
                           "when: \"params.project != ''\"}\n")
    found = messages(tmp_path, later)
    assert len(found) == 1 and "steps[4].when" in found[0]
    assert "follows option 'right'" in found[0] and "skipped" in found[0]
    # on the target itself but reading a step that has not run when the decision asks
    unsettled = BRANCH_HEAD + ("  - {id: right, title: R, type: manual, needs: [choose], "
                               "when: \"steps['left'].status == 'skipped'\"}\n")
    found = messages(tmp_path, unsettled)
    assert any("steps[3].when" in m and "branch of decision 'choose'" in m for m in found)


def _insert(tmp_path: Path, with_: str) -> list[str]:
    steps = ("  - id: vm\n    title: VM\n    type: gcp\n    call: compute.instances.insert\n"
             f"    with: {{project: acme-prod, zone: europe-west1-c, name: web-9, {with_}}}\n")
    return [m for m in messages(tmp_path, steps) if ".with:" in m]


def test_insert_from_a_template_needs_no_machine_type(tmp_path: Path) -> None:
    assert _insert(tmp_path, "sourceInstanceTemplate: web-template") == []
    assert _insert(tmp_path, "sourceMachineImage: web-golden") == []


def test_insert_from_a_snapshot_needs_a_machine_type_and_exactly_one_source(tmp_path: Path) -> None:
    assert _insert(tmp_path, "sourceSnapshot: web-1-boot") == [
        ("11:11: steps[0].with: compute.instances.insert from a sourceSnapshot needs machineType "
         "(a template or machine image gives its own)")]
    both = _insert(tmp_path, "sourceSnapshot: s, sourceInstanceTemplate: t")
    assert both == [("11:11: steps[0].with: compute.instances.insert needs exactly one of "
                     "sourceInstanceTemplate, sourceMachineImage or sourceSnapshot")]
