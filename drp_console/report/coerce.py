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


def doc_steps(doc: object) -> dict[str, dict]:
    """A journaled runbook document's steps by id, as plain data (what the fold does not keep of
    them: a decision's recommended option, say); odd entries are passed over."""
    steps = as_list(as_dict(doc).get("steps"))
    return {s["id"]: s for s in steps if isinstance(s, dict) and isinstance(s.get("id"), str)}
