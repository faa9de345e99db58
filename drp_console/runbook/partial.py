"""The rest of a runbook whose steps failed the schema: its references, graph and templates.

A step the schema refuses cannot be checked further, but the other steps can: the refused
steps are stood in for by placeholders of the same id (and needs), the document is checked,
and what is said about the placeholders themselves is dropped. So `drp validate` reports an
unknown step in `needs` beside a misspelled key, not one after the other.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from drp_console.runbook.diagnostics import Diagnostic

_STEP = re.compile(r"^steps\[(\d+)\]")


def check_around(path: str | Path, schema: list[Diagnostic]) -> list[Diagnostic]:
    """What the checks beyond the schema say about the steps the schema accepted; [] when
    the refused parts are not whole steps (or the document cannot be read)."""
    from drp_console.runbook.loader import _parse
    from drp_console.runbook.model import ID_PATTERN, Runbook
    from drp_console.runbook.validate import check

    bad: set[int] = set()
    for diag in schema:
        hit = _STEP.match(diag.where)
        if diag.is_error and hit is None:
            return []
        if hit is not None:
            bad.add(int(hit.group(1)))
    try:
        data, root, _, _ = _parse(path)
    except Exception:  # noqa: BLE001 - the schema's errors are already said
        return []
    steps = data.get("steps") if isinstance(data, dict) else None
    if not bad or not isinstance(steps, list):
        return []
    patched = dict(data, steps=[_placeholder(step, i, ID_PATTERN) if i in bad else step
                                for i, step in enumerate(steps)])
    try:
        runbook = Runbook.model_validate(patched)
    except Exception:  # noqa: BLE001 - not checkable around the refused steps
        return []
    runbook._source_path = Path(path)
    runbook._root_node = root
    stand_ins = {f"'{patched['steps'][i]['id']}'" for i in bad}
    return [d for d in check(runbook) if _step_of(d) not in bad
            and not any(name in d.message for name in stand_ins)]


def _step_of(diag: Diagnostic) -> int | None:
    """The index of the step a diagnostic is about, None when it is not about one step."""
    hit = _STEP.match(diag.where)
    return int(hit.group(1)) if hit is not None else None


def _placeholder(step: Any, index: int, id_pattern: str) -> dict[str, Any]:
    """A manual step with the refused step's id and needs, when they are well formed."""
    raw = step if isinstance(step, dict) else {}
    sid = raw.get("id")
    ident = sid if isinstance(sid, str) and re.fullmatch(id_pattern, sid) else f"step-{index}"
    out: dict[str, Any] = {"id": ident, "title": "(refused by the schema)", "type": "manual"}
    needs = raw.get("needs")
    if isinstance(needs, list) and all(isinstance(n, str) for n in needs):
        out["needs"] = needs
    return out
