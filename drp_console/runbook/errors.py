"""Pydantic errors rewritten as messages a runbook author can act on."""

from __future__ import annotations

import difflib
import re
import typing
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails
from yaml.nodes import Node, ScalarNode

from drp_console.runbook.model import (
    ID_PATTERN,
    MILESTONE_PATTERN,
    NAME_PATTERN,
    ROLE_PATTERN,
    STEP_TYPES,
)

_PATTERN_WORDS = {
    ID_PATTERN: "use lower-case letters, digits and dashes, starting with a letter or digit",
    NAME_PATTERN: "use letters, digits and underscores, starting with a letter",
    ROLE_PATTERN: "use letters, digits, dashes and underscores",
    MILESTONE_PATTERN: "a milestone is one lower-case word (letters, digits, dashes)",
}
_KINDS = {
    "string_type": "text", "int_type": "a whole number", "float_type": "a number",
    "bool_type": "true or false", "dict_type": "a mapping (key: value lines)",
    "list_type": "a list", "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
}
_SIMPLE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def format_where(parts: list[Any]) -> str:
    """`['steps', 3, 'retry', 'attempts']` -> `steps[3].retry.attempts`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _SIMPLE_KEY.match(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{str(part)!r}]"
    return out or "document"


def describe_value(value: Any, node: Node | None = None) -> str:
    """A few words naming a value's kind and the value, for messages."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@lru_cache(maxsize=8)
def field_vocabulary(model_cls: type[BaseModel]) -> tuple[str, ...]:
    """Every key any model reachable from `model_cls` accepts (for did-you-mean hints)."""
    seen: set[type] = set()
    words: set[str] = set()
    todo: list[Any] = [model_cls]
    while todo:
        tp = todo.pop()
        if isinstance(tp, type) and issubclass(tp, BaseModel):
            if tp in seen:
                continue
            seen.add(tp)
            for name, field in tp.model_fields.items():
                words.add(field.alias or name)
                todo.append(field.annotation)
        else:
            todo.extend(typing.get_args(tp))
    return tuple(sorted(words))


def suggest(word: str, choices: typing.Iterable[str]) -> str:
    """`: did you mean 'x'?` or nothing."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.7)
    return f": did you mean '{close[0]}'?" if close else ""


def describe_error(err: ErrorDetails, node: Node | None,
                   model_cls: type[BaseModel] | None = None) -> str:
    """A message for one pydantic error about the value at `node`."""
    kind = err["type"]
    loc = err["loc"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    last = loc[-1] if loc else ""
    if kind == "missing":
        return f"missing required key '{last}'"
    if kind == "extra_forbidden":
        vocab = field_vocabulary(model_cls) if model_cls else ()
        return f"unknown key '{last}'" + (suggest(str(last), vocab) or ": remove it")
    if kind == "union_tag_not_found":
        return f"missing required key 'type' (one of {', '.join(STEP_TYPES)})"
    if kind == "union_tag_invalid":
        tag = ctx.get("tag", value)
        return f"unknown step type '{tag}': use one of {', '.join(STEP_TYPES)}"
    if kind in _KINDS:
        message = f"expected {_KINDS[kind]}, got {describe_value(value, node)}"
        plain = isinstance(node, ScalarNode) and not node.style
        if kind == "string_type" and plain and value is not None and node is not None:
            message += f": write it in quotes (\"{node.value}\")"
        return message
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        hint = _PATTERN_WORDS.get(pattern, f"it must match {pattern}")
        return f"{value!r} is not allowed here: {hint}"
    if kind == "literal_error":
        return str(err["msg"]).replace("Input should be", "expected") \
            + f", got {describe_value(value, node)}"
    if kind == "value_error":
        return str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        return f"needs at least {least} item{'s' * (least != 1)}, has {ctx.get('actual_length', 0)}"
    if kind == "too_long":
        return f"has {ctx.get('actual_length')} items; at most {ctx.get('max_length')} are allowed"
    return str(err["msg"]).replace("Input should be", "should be")
