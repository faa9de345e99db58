"""Field paths, JSON types and value formats of API bodies, for comparing with recorded ones."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

RECORDED = Path(__file__).parent / "recorded"


def paths(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted path, JSON type) of every leaf and container; list items as `[]`."""
    kind = ("object" if isinstance(value, dict) else "array" if isinstance(value, list)
            else "boolean" if isinstance(value, bool) else "number"
            if isinstance(value, (int, float)) else "null" if value is None else "string")
    if prefix:
        yield prefix, kind
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths(item, f"{prefix}.{key}" if prefix else key)
    elif isinstance(value, list):
        for item in value:
            yield from paths(item, f"{prefix}[]")


def kind_of(body: dict[str, Any]) -> str | None:
    """The resource kind a body is (`compute#instance`, ..., `error`), None for lists."""
    if "error" in body and isinstance(body["error"], dict) and "code" in body["error"]:
        return "error"
    kind = body.get("kind")
    return kind if isinstance(kind, str) and not kind.endswith("List") else None


def shapes(bodies: list[Any]) -> dict[str, dict[str, set[str]]]:
    """kind -> path -> the JSON types seen there, over many bodies (list items taken apart)."""
    out: dict[str, dict[str, set[str]]] = {}
    for body in bodies:
        if not isinstance(body, dict):
            continue
        items = body.get("items") if str(body.get("kind", "")).endswith("List") else None
        for one in items if isinstance(items, list) else [body]:
            kind = kind_of(one)
            if kind is None:
                continue
            table = out.setdefault(kind, {})
            for path, typ in paths(one):
                if re.search(r"(^|\.)(labels|userLabels)\.", path):
                    continue  # label keys are data, not fields
                table.setdefault(path, set()).add(typ)
    return out


def recorded() -> tuple[dict[str, dict[str, set[str]]], dict[str, dict[str, list[str]]]]:
    """Shapes of every recorded real response, and for each kind path -> sample values."""
    bodies, samples = [], {}
    for file in sorted(RECORDED.glob("*.json")):
        for response in json.loads(file.read_text(encoding="utf-8"))["responses"]:
            bodies.append(response["body"])
            kind = kind_of(response["body"])
            for path, _ in paths(response["body"]):
                samples.setdefault(kind, {}).setdefault(path, [])
    return shapes(bodies), samples


def is_fingerprint(value: Any) -> bool:
    """Base64 of 8 bytes, as Compute fingerprints and Cloud SQL etags are (`8uVmjkmLcBU=`)."""
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9+/_-]{11}=", value):
        return False
    return len(base64.b64decode(value.replace("-", "+").replace("_", "/"))) == 8


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")
