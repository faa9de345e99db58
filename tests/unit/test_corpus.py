"""Every broken runbook of the corpus fails `drp validate` with exit 3 at the exact position."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from drp_console.cli import cli

CORPUS = Path(__file__).parent / "corpus"

# file -> the diagnostics `drp validate` prints for it, after "<path>:"
ERRORS: dict[str, list[str]] = {
    "alias-bomb.yaml": [f"{n}:8: yaml: aliases (*{a}) are not allowed (used 9 times): write "
                        "the value out in full" for n, a in zip(range(2, 9), "abcdefg", strict=True)]
    + ["9:4: yaml: anchors (&i) are not allowed: remove the anchor",
       "9:8: yaml: aliases (*h) are not allowed (used 9 times): write the value out in full"],
    "alias.yaml": ["9:5: yaml: aliases (*first) are not allowed: write the value out in full"],
    "argument-type.yaml": ["13:100: steps[0].with.size: 'size' is a whole number, got the text "
                           "'three'"],
    "bad-duration.yaml": ["8:46: steps[0].timeout: '5 minutes' is not a duration: write a number "
                          "with a unit, largest first, like 90s, 5m, 1h30m or 2d"],
    "bad-pattern.yaml": ["7:54: parameters.replica.pattern: not a regular expression: "
                         "unterminated character set at position 1"],
    "bad-step-id.yaml": ["8:10: steps[0].id: 'Promote_Replica' is not allowed here: use "
                         "lower-case letters, digits and dashes, starting with a letter or digit"],
    "decision-recommended.yaml": ["12:18: steps[0].recommended: 'promot' is not one of the "
                                  "options: did you mean 'promote'?"],
    "decision-target.yaml": ["11:43: steps[0].options.wait: option 'wait' leads to unknown step "
                             "'hold'"],
    "default-not-a-choice.yaml": ["7:19: parameters.size.default: the default '5' is not one of "
                                  "the choices"],
    "duplicate-key.yaml": ["11:5: steps[0].title: duplicate key 'title' (first at line 9): keep "
                           "one"],
    "duplicate-step-id.yaml": ["9:10: steps[1].id: duplicate step id 'a' (first at steps[0]): "
                               "step ids must be unique"],
    "duration-without-unit.yaml": ["8:46: steps[0].timeout: 300 has no unit: write a duration "
                                   "like 300s or 300m"],
    "expression-syntax.yaml": ["13:12: steps[0].check: expression does not parse: it ends too "
                               "early (a value or a closing bracket is missing)"],
    "merge-key.yaml": ["8:37: steps[0]['<<']: merge keys (<<) are not allowed: write the keys "
                       "out"],
    "missing-argument.yaml": ["12:11: steps[0].with: sql.instances.get needs the argument "
                              "'instance' (instance name)"],
    "missing-key.yaml": ["8:5: steps[0]: missing required key 'title'"],
    "multi-document.yaml": ["9:1: yaml: a second document (---) in the file: a file holds one "
                            "document"],
    "needs-cycle.yaml": ["8:45: steps[0].needs[0]: needs cycle: a -> c -> b -> a (each needs "
                         "the next): remove one of these needs"],
    "no-steps.yaml": ["4:8: steps: needs at least 1 item, has 0"],
    "on-failure-target.yaml": ["8:49: steps[0].on_failure: unknown step 'recover': on_failure "
                               "is abort, continue or a step id: did you mean 'recovery'?"],
    "only-comment.yaml": ["1:1: file: the file has no content, only comments"],
    "python-tag.yaml": ["8:20: yaml: tags (!!python/object/apply:os.system) are not allowed: "
                        "remove the tag, and quote the value if it is text"],
    "result-outside-check.yaml": ["8:43: steps[0].when: 'result' is only known in check, until "
                                  "and outputs of gcp and wait steps"],
    "self-dependency.yaml": ["9:48: steps[1].needs[1]: step 'b' needs itself: remove it from "
                             "needs"],
    "step-not-before.yaml": ["9:62: steps[1].instructions: step 'c' cannot have run before 'b': "
                             "add it to 'b's needs (directly or through a step it needs)"],
    "syntax-error.yaml": ["9:5: yaml: invalid YAML: did not find expected ',' or '}' (while "
                          "parsing a flow mapping)"],
    "tab-indent.yaml": ["5:1: yaml: a tab character is used for indentation; use spaces"],
    "template-syntax.yaml": ["11:13: steps[0].prompt: template does not parse: unexpected '}'"],
    "top-level-list.yaml": ["1:1: document: the top level must be a mapping (key: value lines)"],
    "unknown-argument.yaml": ["12:53: steps[0].with.zone: sql.instances.get has no argument "
                              "'zone': it takes project, instance"],
    "unknown-call.yaml": ["11:11: steps[0].call: unknown call 'sql.instances.promote': did you "
                          "mean 'sql.instances.promoteReplica'?"],
    "unknown-key.yaml": ["8:37: steps[0].timout: unknown key 'timout': did you mean 'timeout'?"],
    "unknown-name.yaml": ["8:51: steps[0].instructions: unknown name 'oncall': use params, run, "
                          "steps"],
    "unknown-need.yaml": ["9:45: steps[1].needs[0]: unknown step 'aa' in needs: name a step of "
                          "this runbook"],
    "unknown-output.yaml": ["14:47: steps[1].prompt: step 'a' has no output 'status': did you "
                            "mean 'state'?"],
    "unknown-parameter.yaml": ["12:21: steps[0].with.project: unknown parameter 'projet': did "
                               "you mean 'project'?"],
    "unknown-role.yaml": ["8:43: steps[0].role: unknown role 'dab': declare it under roles "
                          "(declared: dba)"],
    "unknown-step-type.yaml": ["8:29: steps[0].type: unknown step type 'script': use one of "
                               "manual, approval, gcp, wait, shell, decision"],
    "wait-mutating.yaml": ["11:11: steps[0].call: a wait step repeats its call, and "
                           "sql.instances.restart changes things: use a read call (get or list)"],
    "wait-no-timeout.yaml": ["8:5: steps[0]: a wait step needs a timeout: how long to keep "
                             "trying"],
    "wrong-format.yaml": ["1:9: format: expected 'drp/v1', got the text 'drp/v2'"],
    "wrong-type.yaml": ["8:55: steps[0].retry.attempts: expected a whole number, got the text "
                        "'3'"],
    "yaml-no.yaml": ['8:20: steps[0].title: YAML reads NO as false: write false for a yes/no '
                     'value, or "NO" in quotes for the text'],
    "yaml-octal.yaml": ['8:10: steps[0].id: YAML reads 010 as the number 8: write "010" in '
                        'quotes for the text, or 8 for the number'],
    "yaml-on.yaml": ['12:7: steps[0].options.on: YAML reads on as true: write true for a yes/no '
                     'value, or "on" in quotes for the text',
                     '13:7: steps[0].options.off: YAML reads off as false: write false for a '
                     'yes/no value, or "off" in quotes for the text'],
    "yaml-sexagesimal.yaml": ['8:46: steps[0].confirm: YAML reads 1:30 as the number 90: write '
                              '"1:30" in quotes for the text, or 90 for the number'],
}

WARNINGS: dict[str, str] = {
    "warn-breach-no-aware.yaml": "4:15: breach_clock: warning: the 72-hour clock runs from "
    "milestone 'aware', which no step records: add milestone: aware to the step where you become "
    "aware",
    "warn-destructive-no-confirm.yaml": "8:5: steps[0]: warning: sql.instances.delete destroys "
    "data and the step has no confirm: add confirm: with the resource name the operator must type",
    "warn-manual-no-timeout.yaml": "6:5: steps[0]: warning: manual step without a timeout in a "
    "runbook with an RTO (30m): add a timeout so an overrun is seen",
    "warn-needs-skipped-in-mode.yaml": "6:5: steps[1]: warning: in live mode every step this one "
    "needs is skipped, so it is skipped too: give it needs that run in live",
    "warn-no-role.yaml": "8:5: steps[0]: warning: step changes things (sql.instances.restart) but "
    "has no role: say who answers for it",
    "warn-no-teardown.yaml": "8:5: steps[0]: warning: the drill creates 'orders-db-drill' and no "
    "later step deletes it: add a teardown step",
    "warn-no-verification.yaml": "8:5: steps[0]: warning: nothing verifies what "
    "sql.instances.restart did: add a check, a later wait step, or a later step with milestone "
    "verified",
}


def validate(*paths: Path | str):
    return CliRunner().invoke(cli, ["validate", *map(str, paths)])


def test_every_corpus_file_has_an_expectation() -> None:
    files = {p.name for p in CORPUS.glob("*.yaml")}
    assert files == set(ERRORS) | set(WARNINGS)


@pytest.mark.parametrize("name", sorted(ERRORS))
def test_broken_runbook_fails_with_position_and_message(name: str) -> None:
    path = CORPUS / name
    result = validate(path)
    assert result.exit_code == 3, result.output
    lines = result.output.splitlines()
    assert lines[:-1] == [f"{path}:{expected}" for expected in ERRORS[name]]
    assert lines[-1] == (f"1 file: 0 valid, 1 invalid; {len(ERRORS[name])} "
                         f"error{'s' * (len(ERRORS[name]) != 1)}, 0 warnings")
    assert "Traceback" not in result.output


@pytest.mark.parametrize("name", sorted(WARNINGS))
def test_smell_is_a_warning_and_exit_0(name: str) -> None:
    path = CORPUS / name
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [f"{path}:{WARNINGS[name]}",
                                          "1 file: 1 valid, 0 invalid; 0 errors, 1 warning"]


def test_all_errors_of_all_files_then_a_summary() -> None:
    result = validate(CORPUS / "yaml-on.yaml", CORPUS / "unknown-call.yaml",
                      CORPUS / "warn-no-role.yaml")
    assert result.exit_code == 3
    lines = result.output.splitlines()
    # the three share the id `corpus`: the third is also refused for that
    assert lines[-2] == (f"{CORPUS / 'warn-no-role.yaml'}:2:5: id: runbook id 'corpus' is also "
                         f"used by {CORPUS / 'unknown-call.yaml'}: ids are unique in a directory")
    assert len(lines) == 6
    assert lines[-1] == "3 files: 0 valid, 3 invalid; 4 errors, 1 warning"


# ---- generated inputs ------------------------------------------------------------------------
VALID = ("format: drp/v1\nid: generated\ntitle: Generated\nsteps:\n"
         "  - {id: a, title: A, type: manual}\n")


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as f:
        f.write(VALID.encode())
        f.write(b"#" * (50 * 1024 * 1024))
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:1:1: file: the file is 50.0 MiB; a document may be at most 2 MiB: split it")


def test_hundred_thousand_levels_of_nesting(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("steps: " + "[" * 100_000 + "]" * 100_000 + "\n")
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:1:1007: yaml: nested too deeply (exceeded maximum nesting depth)")


def test_block_nesting_beyond_the_depth_cap(tmp_path: Path) -> None:
    path = tmp_path / "deep-block.yaml"
    path.write_text("".join(f"{' ' * i}k{i}:\n" for i in range(80)) + " " * 80 + "v: 1\n")
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0].endswith("yaml: nested more than 64 levels deep")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_bytes(b"")
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:1:1: file: the file is empty: a document needs at least its format, id and title")


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "windows.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.replace("\n", "\r\n").encode())
    result = validate(path)
    assert result.exit_code == 0, result.output


def test_bom_and_crlf_positions_stay_exact(tmp_path: Path) -> None:
    path = tmp_path / "windows-bad.yaml"
    text = VALID.replace("type: manual", "type: manual, timout: 5m")
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:5:37: steps[0].timout: unknown key 'timout': did you mean 'timeout'?")


def test_non_utf8_bytes(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.replace("title: Generated", "title: Caf\xe9").encode("latin-1"))
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:3:11: file: byte 0xe9 is not UTF-8: save the file as UTF-8")


def test_step_count_cap(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    steps = "".join(f"  - {{id: s{i}, title: S, type: manual}}\n" for i in range(5001))
    path.write_text("format: drp/v1\nid: many\ntitle: Many\nsteps:\n" + steps)
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:5:3: steps: a list of 5,001 items; at most 5,000 are allowed")


def test_missing_file_and_directory_of_nothing(tmp_path: Path) -> None:
    result = validate(tmp_path / "nope.yaml")
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == f"{tmp_path / 'nope.yaml'}:0:0: file: no such file"
    result = validate(tmp_path)
    assert result.exit_code == 2


def test_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "control.yaml"
    path.write_bytes(b"format: drp/v1\nid: x\ntitle: \"A\x01\"\n")
    result = validate(path)
    assert result.exit_code == 3
    assert result.output.splitlines()[0] == (
        f"{path}:3:10: yaml: the character U+0001 is not allowed in YAML: remove it")


def test_the_installed_command_exits_3_without_a_traceback() -> None:
    import subprocess
    import sys

    path = CORPUS / "alias-bomb.yaml"
    done = subprocess.run([sys.executable, "-m", "drp_console", "validate", str(path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stdout.splitlines()[0] == f"{path}:{ERRORS['alias-bomb.yaml'][0]}"
    assert "Traceback" not in done.stdout + done.stderr
