"""The runbook JSON Schema (draft-07, which yaml-language-server reads) from the model."""

from __future__ import annotations

import json
from typing import Any

from drp_console.runbook.durations import DURATION_PATTERN, duration_text
from drp_console.runbook.field_docs import attach_field_docs
from drp_console.runbook.model import Runbook

SCHEMA_ID = "https://drp-console.invalid/schema/runbook.schema.json"


def _fix(node: Any) -> Any:
    """Duration defaults as their strings."""
    if isinstance(node, dict):
        out = {k: _fix(v) for k, v in node.items()}
        if out.get("pattern") == DURATION_PATTERN and isinstance(out.get("default"),
                                                                 (int, float)):
            out["default"] = duration_text(out["default"])
        return out
    if isinstance(node, list):
        return [_fix(v) for v in node]
    return node


def runbook_schema() -> dict[str, Any]:
    """The JSON Schema of a drp/v1 runbook."""
    attach_field_docs()
    raw = Runbook.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    schema: dict[str, Any] = {"$schema": "http://json-schema.org/draft-07/schema#",
                              "$id": SCHEMA_ID}
    definitions = raw.pop("$defs", {})
    schema.update(_fix(raw))
    schema["definitions"] = _fix(definitions)
    return schema


def schema_text() -> str:
    """The schema as `drp schema` prints it (and as checked in), ending in a newline."""
    return json.dumps(runbook_schema(), indent=2, sort_keys=False, ensure_ascii=False) + "\n"
