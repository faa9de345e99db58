"""The environment is read in one place (drp_console/settings.py) and documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

from drp_console.exit_codes import ExitCode
from drp_console.settings import VARIABLES, Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_drp_variable_used_anywhere_is_a_setting_and_in_the_readme() -> None:
    used: set[str] = set()
    for folder in ("drp_console", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(re.findall(r"\bDRP_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert used - set(VARIABLES) == set()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [name for name in VARIABLES if f"| `{name}` |" not in readme] == []


def test_only_the_settings_module_reads_drp_variables_from_the_environment() -> None:
    readers = [str(path.relative_to(ROOT)) for path in (ROOT / "drp_console").rglob("*.py")
               if re.search(r"environ(\.get)?\(?\[?\s*[\"']DRP_|getenv\(\s*[\"']DRP_",
                            path.read_text(encoding="utf-8"))]
    assert readers == []


def test_settings_parse_the_environment() -> None:
    s = Settings.from_env({"DRP_RUNS_DIR": "~/runs", "DRP_OPERATOR": "  ana ",
                           "DRP_TEST_CRASH_AT": "call_intent:2", "DRP_FORCE_TUI": "0",
                           "DRP_UPDATE_GOLDEN": "1", "DRP_CRASH_STRESS": "many"})
    assert s.runs_dir == Path("~/runs").expanduser()
    assert s.operator == "ana"
    assert s.crash_at == ("call_intent", 2)
    assert (s.force_tui, s.update_golden, s.crash_stress) == (False, True, 0)
    assert Settings.from_env({"DRP_TEST_CRASH_AT": "call_intent"}).crash_at is None
    assert Settings.from_env({}) == Settings()


def test_exit_codes_are_those_of_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code in (ExitCode.OK, ExitCode.FAILED, ExitCode.USAGE, ExitCode.INVALID, ExitCode.LOCKED,
                 ExitCode.NEEDS_OPERATOR, ExitCode.INTERRUPTED):
        assert f"{int(code)} " in readme.split("Exit codes", 1)[1][:400], code
