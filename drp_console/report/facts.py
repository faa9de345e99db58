"""The run's parameters, the breach facts recorded in notes, and the improvement plan with its
owners and due dates; read from the run-state fold."""

from __future__ import annotations

import json

from drp_console.journal.state import RunState
from drp_console.report.coerce import as_dict, as_list, text
from drp_console.report.moments import Moments
from drp_console.report.parts import ActionItem, NoteRow, Parameter

CATEGORIES_TAG = "data-categories"
"""A note with this tag records categories of personal data a breach concerns."""
SUBJECTS_TAG = "data-subjects"
"""A note with this tag records the data subjects a breach concerns (who, how many)."""


def parameters(state: RunState) -> tuple[Parameter, ...]:
    """The run's resolved parameters as journaled (secrets already `***`), in the runbook's order."""
    params = as_dict(state.params)
    started = as_dict(state.run_started)
    secret = {str(s) for s in as_list(started.get("secret_params"))}
    order = list(as_dict(as_dict(state.runbook_doc).get("parameters")))
    names = [n for n in order if n in params] + [n for n in params if n not in order]
    return tuple(
        Parameter(name=str(n), value="***" if n in secret else _value(params[n]), secret=n in secret)
        for n in names
    )


def _value(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def breach_facts(notes: tuple[NoteRow, ...], tag: str) -> tuple[str, ...]:
    """What the notes tagged `tag` record (data categories or data subjects), in order."""
    return tuple(n.text for n in notes if n.tag == tag and n.text)


def actions(state: RunState, notes: tuple[NoteRow, ...], when: Moments) -> tuple[ActionItem, ...]:
    """The improvement plan: each note tagged `action`, numbered A1, A2, ... in order, with the
    owner and due date given with the note, then the latest `action_updated` of each."""
    items: dict[str, dict] = {}
    raw = [n for n in state.notes if n.get("tag") == "action"]
    rows = [n for n in notes if n.tag == "action"]
    for i, (row, note) in enumerate(zip(rows, raw, strict=False), start=1):
        items[f"A{i}"] = {"id": f"A{i}", "text": row.text, "raised_by": row.by, "at": row.at,
                          "step": row.step, "owner": text(note.get("owner")),
                          "due": text(note.get("due")), "updated_by": "", "updated": None}
    for update in state.action_updates:
        item = items.get(text(update.get("action")).upper())
        if item is None:
            continue
        for key in ("owner", "due"):
            if update.get(key) is not None:
                item[key] = text(update.get(key))
        item["updated_by"], item["updated"] = text(update.get("by")), when.of(update["at"])
    return tuple(ActionItem(**item) for item in items.values())
