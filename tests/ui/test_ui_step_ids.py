"""Step ids are how people name steps: the steps table never cuts one, at any width."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets.data_table import ColumnKey
from ui_recorded import Recorder

from drp_console.runbook.loader import load_runbook

BREACH = Path(__file__).resolve().parents[2] / "runbooks" / "personal-data-breach.yaml"


def _table_text(app) -> str:
    """The screen as plain text (from the SVG screenshot)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\u00a0", " ")


@pytest.mark.parametrize("size", [(120, 40), (80, 24), (200, 50)])
async def test_every_step_id_is_shown_whole(replay_app, size):
    doc = load_runbook(BREACH).to_doc()
    recorder = Recorder(doc=doc).start()
    recorder.add("step_started", step="intake", attempt=1)
    app = replay_app(recorder)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.3)
        table = app.screen.query_one("StepTable")
        ids = [step["id"] for step in doc["steps"]]
        assert "authority-decision" in ids
        for row, sid in enumerate(ids):
            cell = str(table.get_row_at(row)[1]).strip()
            assert cell == sid
        assert table.columns[ColumnKey("id")].width >= max(len(i) for i in ids)
        shown = _table_text(app)
        rows = table.scrollable_content_region.height - 1  # under the header line
        for sid in ids[:rows]:
            assert re.search(rf"\b{re.escape(sid)}\b", shown), sid
