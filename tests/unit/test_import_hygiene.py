"""The core packages never load textual, and nothing loads google.cloud at import time."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "drp_console.runbook",
    "drp_console.engine",
    "drp_console.actions",
    "drp_console.gcp",
    "drp_console.sim",
    "drp_console.journal",
    "drp_console.report",
    "drp_console.runner",
    "drp_console.plandoc",
    "drp_console.alerts",
    "drp_console.drift",
]


def _loaded_after_import(module: str) -> set[str]:
    code = (
        "import importlib, pkgutil, sys\n"
        f"pkg = importlib.import_module({module!r})\n"
        "for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "    importlib.import_module(info.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("module", CORE)
def test_core_package_does_not_import_textual(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded), module


@pytest.mark.parametrize("module", CORE + ["drp_console.cli", "drp_console.ui"])
def test_google_clients_are_imported_lazily(module: str) -> None:
    loaded = _loaded_after_import(module)
    assert "google.cloud.compute_v1" not in loaded, module
    assert "google.cloud.sqladmin_v1beta4" not in loaded, module


def test_the_entry_point_loads_click_only_for_a_command() -> None:
    """`drp` alone opens the launcher without importing click (start-up time); the command
    group, imported by name, still has it."""
    code = ("import sys\nimport drp_console.cli as c\nbefore = 'click' in sys.modules\n"
            "group = c.cli\nprint(before, 'click' in sys.modules, group.name)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True", "cli"]


def test_the_launcher_screen_loads_its_form_after_the_first_frame() -> None:
    """The launcher's first frame shows the list: importing its screen loads neither the form
    (its radio set, its text helpers), the key bar, nor the journal's timing module; the
    form's module still has what the screen asks of it."""
    code = ("import sys\nimport drp_console.ui.screens.launcher\n"
            "print(*[m in sys.modules for m in ('drp_console.ui.screens.launcher_form',\n"
            "      'textual.widgets._radio_set', 'textual.widgets._footer',\n"
            "      'drp_console.journal.timing')])\n"
            "from drp_console.ui.screens.launcher_form import MODES\nprint(MODES[0])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False", "False", "False", "simulate"]
