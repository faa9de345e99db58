"""Journal events made ready for the report: redacted again, long texts clipped, times checked."""

from __future__ import annotations

import hashlib
import json

from drp_console.journal.events import from_run_start
from drp_console.journal.timing import parse_ts

TEXT_LIMIT = 4000
"""Longest text (a note, an output, a reason) the report shows; the journal keeps it whole."""
_JOURNAL_FIELDS = ("v", "seq", "ts", "mono", "boot", "type")  # written by the journal itself


class ReportError(ValueError):
    """The events cannot make a report (empty, not a drp run journal, or damaged)."""


def events_sha256(events: list[dict]) -> str:
    """SHA-256 over the events as compact JSON lines (used when no journal file is at hand)."""
    digest = hashlib.sha256()
    for event in events:
        digest.update(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def redact(events: list[dict]) -> list[dict]:
    """Token-shaped strings masked again, as the journal's `Redactor` masks them, and every
    text clipped to TEXT_LIMIT characters (bounding the rendered size).

    Walks the events itself so that each distinct string is matched once: a 1,000-step journal
    holds ~60,000 strings but only a few thousand distinct ones (keys, ids, statuses).
    """
    from drp_console.journal.redact import MASK, SECRET_KEYS, Redactor

    redact_text = Redactor(()).redact_text
    seen: dict[str, str] = {}
    keys: dict[str, tuple[str, bool]] = {}

    def text(value: str) -> str:
        out = seen.get(value)
        if out is None:
            out = redact_text(value)
            if len(out) > TEXT_LIMIT:  # clipped after redaction, so no token is cut in two
                out = out[:TEXT_LIMIT] + f"… [{len(out) - TEXT_LIMIT} more characters in the journal]"
            seen[value] = out
        return out

    def walk(obj: object) -> object:
        kind = type(obj)
        if kind is str:
            return text(obj)  # type: ignore[arg-type]
        if kind is dict:
            out = {}
            for k, v in obj.items():  # type: ignore[attr-defined]
                k = k if type(k) is str else str(k)
                name = keys.get(k)
                if name is None:
                    name = keys[k] = (text(k), k.lower() in SECRET_KEYS)
                out[name[0]] = MASK if name[1] and v not in (None, "") else walk(v)
            return out
        if kind is list or kind is tuple:
            return [walk(v) for v in obj]  # type: ignore[attr-defined]
        return obj

    def event_of(event: dict) -> dict:
        out = {k: event[k] for k in _JOURNAL_FIELDS if k in event}
        body = walk({k: v for k, v in event.items() if k not in _JOURNAL_FIELDS})
        assert isinstance(body, dict)  # a dict walks to a dict
        out.update(body)
        return out

    return [event_of(event) for event in events]


def prepare(ordered: list[dict]) -> list[dict]:
    """The events (in sequence order) from `run_started` on, redacted and clipped; ReportError
    when there is no `run_started` or an event's time is unreadable."""
    events = from_run_start(ordered)
    if events is None:
        raise ReportError("the journal has no run_started event: is it a drp-console run journal?")
    for event in events:
        if parse_ts(event.get("ts")) is None:
            raise ReportError(
                f"event {event.get('seq')} ({event.get('type')}) has no readable time "
                f"{event.get('ts')!r}: the journal is damaged; restore it from a copy or remove "
                "that line"
            )
    return redact(events)
