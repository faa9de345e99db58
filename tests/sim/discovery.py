"""Validate JSON bodies against Google's discovery documents (compute.v1, sqladmin.v1beta4)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

DOCS = {"compute": "compute.v1.json", "sql": "sqladmin.v1beta4.json",
        "monitoring": "monitoring.v3.json"}


def _documents_dir() -> Path:
    import googleapiclient

    return Path(googleapiclient.__file__).parent / "discovery_cache" / "documents"


@cache
def document(service: str) -> dict[str, Any]:
    """The discovery document of a service."""
    return json.loads((_documents_dir() / DOCS[service]).read_text(encoding="utf-8"))


def _methods(resources: dict[str, Any]):
    for res in resources.values():
        yield from res.get("methods", {}).values()
        yield from _methods(res.get("resources", {}))


@cache
def _table(service: str) -> list[tuple[str, re.Pattern[str], str | None]]:
    doc = document(service)
    out = []
    for m in _methods(doc["resources"]):
        path = "/" + doc["servicePath"] + m.get("flatPath", m["path"])
        parts = re.split(r"\{\+?\w+\}", path)
        regex = "[^/]+".join(re.escape(p) for p in parts)
        out.append((len(parts), m["httpMethod"], re.compile(f"^{regex}$"),
                    (m.get("response") or {}).get("$ref")))
    out.sort(key=lambda row: row[0])  # the most literal path wins
    return [row[1:] for row in out]


def response_schema(http_method: str, path: str) -> tuple[str, str | None]:
    """(service, schema name) of the discovery method serving `http_method path`."""
    service = ("sql" if path.startswith("/sql/") else "monitoring" if path.startswith("/v3/")
               else "compute")
    for method, pattern, ref in _table(service):
        if method == http_method and pattern.match(path):
            return service, ref
    raise LookupError(f"no discovery method for {http_method} {path}")


def validate(service: str, schema: dict[str, Any] | str, value: Any, where: str = "$") -> list[str]:
    """Problems of `value` against a schema (a name or an inline schema); [] when it conforms."""
    schemas = document(service)["schemas"]
    if isinstance(schema, str):
        schema = {"$ref": schema}
    if "$ref" in schema:
        return validate(service, schemas[schema["$ref"]], value, where)
    kind = schema.get("type")
    problems: list[str] = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected an object, got {type(value).__name__}"]
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props:
                problems += validate(service, props[key], item, f"{where}.{key}")
            elif extra is not None:
                problems += validate(service, extra, item, f"{where}.{key}")
            else:
                problems.append(f"{where}.{key}: not a field the API defines")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array, got {type(value).__name__}"]
        for i, item in enumerate(value):
            problems += validate(service, schema["items"], item, f"{where}[{i}]")
    elif kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {type(value).__name__} {value!r}"]
        fmt = schema.get("format")
        if fmt in ("int64", "uint64") and not re.fullmatch(r"-?\d+", value):
            problems.append(f"{where}: {value!r} is not an {fmt} string")
        if fmt == "google-datetime" and not re.fullmatch(
                r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value):
            problems.append(f"{where}: {value!r} is not an RFC 3339 time")
        if "enum" in schema and value not in schema["enum"]:
            problems.append(f"{where}: {value!r} is not one of {schema['enum'][:8]}...")
    elif kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{where}: expected an integer, got {value!r}")
    elif kind == "number":
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            problems.append(f"{where}: expected a number, got {value!r}")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{where}: expected a boolean, got {value!r}")
    return problems


def validate_error(body: Any) -> list[str]:
    """Problems of a Google JSON error body (not described by discovery documents).

    Real Compute v1 and Cloud SQL v1beta4 error bodies carry exactly `code`, `message` and
    `errors[]` (recorded traffic, tests/sim/recorded/); `status` and `details` are not sent."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(body, dict) or set(body) != {"error"} or not isinstance(err, dict):
        return ["error body is not exactly one `error` object"]
    problems = [f"error.{k} missing" for k in ("code", "message", "errors") if k not in err]
    problems += [f"error.{k} is not sent by the real APIs" for k in err
                 if k not in ("code", "message", "errors")]
    if not isinstance(err.get("code"), int):
        problems.append("error.code is not an integer")
    for e in err.get("errors", []):
        if set(e) != {"message", "domain", "reason"}:
            problems.append(f"error.errors item {e} is not exactly message/domain/reason")
    return problems
