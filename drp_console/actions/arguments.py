"""A step's `with:` arguments checked, converted to catalog types, short names expanded."""

from __future__ import annotations

import json
from typing import Any

from drp_console.gcp.clients import Cloud
from drp_console.gcp.errors import invalid_argument
from drp_console.runbook.catalog import Arg, Call

_TRUE = frozenset({"true", "yes", "on", "1"})
_FALSE = frozenset({"false", "no", "off", "0"})

_URL_FORMS = {
    "machineTypes": "zones/{zone}/machineTypes/{name}",
    "disks": "zones/{zone}/disks/{name}",
    "snapshots": "global/snapshots/{name}",
    "machineImages": "global/machineImages/{name}",
    "instanceTemplates": "global/instanceTemplates/{name}",
}
"""How a short name expands, per collection (the partial URLs Compute accepts)."""


def _where(call: Call, name: str) -> str:
    return f"{call.name}: argument `{name}`"


def _to_integer(call: Call, name: str, value: Any) -> int:
    if isinstance(value, bool):
        raise invalid_argument(f"{_where(call, name)} must be an integer, not {value!r}",
                               "write a whole number, e.g. `size: 3`.")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise invalid_argument(f"{_where(call, name)} must be an integer, got {value!r}",
                           "check the value or the parameter it is templated from.")


def _to_boolean(call: Call, name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise invalid_argument(f"{_where(call, name)} must be true or false, got {value!r}",
                           "write true or false.")


def _to_json_shape(call: Call, name: str, value: Any, shape: type) -> Any:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise invalid_argument(
                f"{_where(call, name)} is text that is not JSON: {exc}",
                "give a YAML mapping or list, or a template rendering JSON (`| tojson`).",
            ) from exc
    if not isinstance(value, shape):
        kind = "a mapping" if shape is dict else "a list"
        raise invalid_argument(f"{_where(call, name)} must be {kind}, got {value!r}",
                               f"write {kind} in YAML.")
    return value


def _to_string(call: Call, name: str, value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise invalid_argument(f"{_where(call, name)} must be text, got {value!r}",
                           "write a name or quote the value.")


def convert(call: Call, name: str, arg: Arg, value: Any) -> Any:
    """One argument converted to its catalog type (a templated `"3"` becomes 3)."""
    if arg.type == "integer":
        return _to_integer(call, name, value)
    if arg.type == "boolean":
        return _to_boolean(call, name, value)
    if arg.type == "object":
        return _to_json_shape(call, name, value, dict)
    if arg.type == "array":
        return _to_json_shape(call, name, value, list)
    return _to_string(call, name, value)


def expand_url(collection: str, value: str, args: dict[str, Any]) -> str:
    """A short name as the partial URL the API wants; anything with a `/` is left alone."""
    if "/" in value:
        return value
    form = _URL_FORMS.get(collection)
    if form is None:
        return value
    return form.format(zone=args.get("zone", ""), name=value)


def prepare(call: Call, given: dict[str, Any], cloud: Cloud) -> dict[str, Any]:
    """The call's arguments, checked and converted; raises a permanent `CloudError` otherwise."""
    unknown = sorted(set(given) - set(call.args))
    if unknown:
        raise invalid_argument(
            f"{call.name} does not take {', '.join(unknown)}",
            f"it takes: {', '.join(call.args)}.")
    out: dict[str, Any] = {}
    for name, arg in call.args.items():
        value = given.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if name == "project":
                out[name] = cloud.require_project(None)
            elif arg.required:
                raise invalid_argument(f"{call.name} needs `{name}`",
                                       f"add `{name}:` to the step's `with:` ({arg.description}).")
            continue
        out[name] = convert(call, name, arg, value)
    for name, arg in call.args.items():
        if arg.url and name in out:
            out[name] = expand_url(arg.url, out[name], out)
    return out
