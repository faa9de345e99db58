"""Tolerant readers for journal fields: a field of an unexpected shape reads as empty, never as a
crash, so one odd event (an older writer, a hand edit) cannot stop the whole report. Times are
read by the journal's one parser, `journal.timing.parse_ts`."""

from __future__ import annotations


def as_dict(value: object) -> dict:
    """The value if it is a mapping, else an empty one."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list:
    """The value if it is a list (or tuple), else an empty list."""
    return list(value) if isinstance(value, (list, tuple)) else []


def as_int(value: object, default: int = 0) -> int:
    """The value as an integer when it is one (or a whole-number text), else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return default


def text(value: object) -> str:
    """A field as text: "" for None."""
    return "" if value is None else str(value)
