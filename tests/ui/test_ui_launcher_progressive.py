"""The launcher lists the runbook files at once and fills in each validation mark as it is
checked, instead of waiting for every runbook to be loaded."""

from __future__ import annotations

import threading

from textual.widgets import OptionList, Static
from ui_pilot import until
from ui_recorded import UI_RUNBOOKS

from drp_console.ui.factory import make_app
from drp_console.ui.screens import launcher as launcher_module


def _rows(app) -> list[str]:
    books = app.screen.query_one("#runbook-list", OptionList)
    return [str(books.get_option_at_index(i).prompt) for i in range(books.option_count)]


async def test_runbooks_are_listed_before_they_are_checked(runs_dir, monkeypatch):
    gate = threading.Event()
    real_check = launcher_module.check_entry
    calls: list[str] = []

    def held_check(entry, runs):  # the first runbook is checked at once, the others wait
        calls.append(entry.path.name)
        if len(calls) > 1:
            gate.wait(30)
        return real_check(entry, runs)

    monkeypatch.setattr(launcher_module, "check_entry", held_check)
    files = sorted(p.name for p in UI_RUNBOOKS.glob("*.y*ml"))
    assert len(files) >= 2
    app = make_app(runbooks_dir=UI_RUNBOOKS, runs_dir=runs_dir, operator="ana", still=True)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await until(pilot, lambda: app.screen.entries and app.screen.entries[0].checked,
                        "the first runbook to be checked")
            rows = _rows(app)
            assert len(rows) == len(files)
            assert rows[0].startswith(("✔", "✘"))
            assert all(row == f"… checking  {name}" for row, name in zip(rows[1:], files[1:], strict=True))
            title = str(app.screen.query_one("#launcher-title", Static).render())
            assert f"{len(files) - 1} being checked" in title
            assert not app.screen.checked
            gate.set()
            await until(pilot, lambda: app.screen.checked, "every runbook to be checked")
            assert all(row.startswith(("✔", "✘")) for row in _rows(app))
            assert "being checked" not in str(
                app.screen.query_one("#launcher-title", Static).render())
    finally:
        gate.set()
