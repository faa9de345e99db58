"""Journal events made ready for the report: the run's own events (the journal's framing and time
check), redacted again and long texts clipped (the journal's redaction)."""

from __future__ import annotations

import hashlib
import json

from drp_console.journal.events import RunFramingError, run_events
from drp_console.journal.redact import redact_events

TEXT_LIMIT = 4000
"""Longest text (a note, an output, a reason) the report shows; the journal keeps it whole."""


class ReportError(ValueError):
    """The events cannot make a report (empty, not a drp run journal, or damaged)."""


def events_sha256(events: list[dict]) -> str:
    """SHA-256 over the events as compact JSON lines (used when no journal file is at hand)."""
    digest = hashlib.sha256()
    for event in events:
        digest.update(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()


def prepare(ordered: list[dict]) -> list[dict]:
    """The events (in sequence order) from `run_started` on, redacted and clipped
    (`journal.redact_events`); ReportError when there is no `run_started` or an event's time is
    unreadable (`journal.events.run_events`)."""
    try:
        events = run_events(ordered)
    except RunFramingError as exc:
        raise ReportError(str(exc)) from None
    return redact_events(events, TEXT_LIMIT)
