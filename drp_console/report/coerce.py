"""Tolerant readers for journal fields: a field of an unexpected shape reads as empty, never as a
crash, so one odd event (an older writer, a hand edit) cannot stop the whole report."""

from __future__ import annotations

from datetime import datetime, timezone


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


def as_time(value: object) -> datetime | None:
    """An ISO-8601 time (`Z` accepted; without an offset taken as UTC), None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
