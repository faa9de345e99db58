"""Durations as runbook authors write them: `90s`, `5m`, `1h30m`, `2d`, `0s`."""

from __future__ import annotations

import re

_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
DURATION_PATTERN = r"^(?:\d+d)?(?:\d+h)?(?:\d+m)?(?:\d+s)?$"
_PART = re.compile(r"(\d+)([dhms])")
_WHOLE = re.compile(DURATION_PATTERN)


def duration_text(seconds: float) -> str:
    """The exact duration string for a number of seconds (`5400.0` -> `1h30m`)."""
    rest = round(seconds)
    if rest == 0:
        return "0s"
    out = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        count, rest = divmod(rest, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def parse_duration(text: str) -> float:
    """Seconds in a duration string; ValueError with a hint when it is not one."""
    if not isinstance(text, str) or not text or not _WHOLE.match(text):
        raise ValueError(
            f"{text!r} is not a duration: write a number with a unit, largest first, "
            "like 90s, 5m, 1h30m or 2d"
        )
    return float(sum(int(n) * _UNITS[u] for n, u in _PART.findall(text)))


def format_duration(seconds: float) -> str:
    """A short human form of a number of seconds: `1h02m`, `4m05s`, `12s`."""
    seconds = int(round(seconds))
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d{hours:02d}h"
    if hours:
        return f"{sign}{hours}h{minutes:02d}m"
    if minutes:
        return f"{sign}{minutes}m{secs:02d}s"
    return f"{sign}{secs}s"


def seconds_of(value: object) -> float | None:
    """Seconds from a journaled runbook value: a number as it is, a duration string parsed,
    anything else (None, a bool, a malformed string) None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return parse_duration(value)
        except ValueError:
            return None
    return None
