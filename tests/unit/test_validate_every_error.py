"""`drp validate` reports every error of a file: every tab, every alias, anchor and tag, and
the YAML's own problems (duplicate keys, YAML 1.1 readings) together with the schema's."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from drp_console.cli import cli

TAB = "yaml: a tab character is used for indentation; use spaces"


def validate(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, [line.removeprefix(f"{path}:") for line in
                              result.output.splitlines()]


def test_every_tab_in_the_indentation_is_named_a_tab_at_its_line_and_column(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("format: drp/v1\nid: tabs\ntitle: Tabs\nsteps:\n"
                    "  - id: a\n\ttitle: A\n    type: manual\n"
                    "  - id: b\n  \ttitle: B\n    type: manual\n")
    code, lines = validate(path)
    assert code == 3
    assert lines == [f"6:1: {TAB}", f"9:3: {TAB}",
                     "1 file: 0 valid, 1 invalid; 2 errors, 0 warnings"]


def test_a_syntax_error_after_the_tabs_is_reported_too(tmp_path):
    path = tmp_path / "tab-and-syntax.yaml"
    path.write_text("format: drp/v1\nid: t\ntitle: T\nsteps:\n"
                    "  - id: a\n\ttitle: A\n    type: manual\n"
                    "  - id: b\n    title: {x: [1\n")
    code, lines = validate(path)
    assert code == 3 and lines[0] == f"6:1: {TAB}"
    assert lines[1].startswith("10:1: yaml: invalid YAML: did not find expected")
    assert lines[-1] == "1 file: 0 valid, 1 invalid; 2 errors, 0 warnings"


def test_yaml_problems_and_schema_errors_are_reported_together(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text("format: drp/v1\nid: t\nid: u\ntitle: T\nsteps:\n"
                    "  - id: a\n    title: A\n    type: manual\n    bogus: 1\n"
                    "    milestone: NO\n"
                    "  - id: b\n    title: B\n    type: nothing\n")
    code, lines = validate(path)
    assert code == 3
    assert lines == [
        "3:1: id: duplicate key 'id' (first at line 2): keep one",
        "9:5: steps[0].bogus: unknown key 'bogus': remove it",
        ('10:16: steps[0].milestone: YAML reads NO as false: write false for a yes/no value, or '
        '"NO" in quotes for the text'),
        ("13:11: steps[1].type: unknown step type 'nothing': use one of manual, approval, gcp, "
        "wait, shell, decision"),
        "1 file: 0 valid, 1 invalid; 4 errors, 0 warnings"]


def test_every_alias_anchor_and_tag_is_reported(tmp_path):
    path = tmp_path / "refs.yaml"
    path.write_text("format: drp/v1\nid: t\ntitle: T\nx: &a 1\ny: *a\nz: *a\n"
                    "k: &unused 2\nw: !!str 3\nv: !!int 4\nsteps: []\n")
    code, lines = validate(path)
    assert code == 3
    assert lines == [
        "5:4: yaml: aliases (*a) are not allowed (used 2 times): write the value out in full",
        "7:4: yaml: anchors (&unused) are not allowed: remove the anchor",
        ("8:4: yaml: tags (!!str) are not allowed: remove the tag, and quote the value if it is "
        "text"),
        ("9:4: yaml: tags (!!int) are not allowed: remove the tag, and quote the value if it is "
        "text"),
        "1 file: 0 valid, 1 invalid; 4 errors, 0 warnings"]


def test_a_step_the_schema_refuses_does_not_hide_the_other_steps_errors(tmp_path):
    path = tmp_path / "schema-and-references.yaml"
    path.write_text("format: drp/v1\nid: t\ntitle: T\nsteps:\n"
                    "  - id: a\n    title: A\n    type: manual\n    timout: 5m\n"
                    "  - id: b\n    title: B\n    type: manual\n    needs: [a, c]\n"
                    "    role: nobody\n"
                    "    instructions: \"{{ steps['a'].outputs.x }}\"\n")
    code, lines = validate(path)
    assert code == 3
    assert lines == [
        "8:5: steps[0].timout: unknown key 'timout': did you mean 'timeout'?",
        "12:16: steps[1].needs[1]: unknown step 'c' in needs: name a step of this runbook",
        "13:11: steps[1].role: unknown role 'nobody': declare it under roles",
        "1 file: 0 valid, 1 invalid; 3 errors, 0 warnings"]
