"""The journal's line format: schema version, header fields, and tolerant parsing of a journal file.

Parsing never changes the file. It splits the bytes into the valid prefix (complete lines, each a
JSON event with contiguous sequence numbers) and a damaged tail; `Journal.open` truncates the tail,
read-only readers (`list_runs`, reports) just ignore it. Damage followed by valid events is not a
torn tail but corruption in the middle, and is refused rather than "repaired" by throwing away
acknowledged events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
"""The version (`v`) this code writes and the newest it reads."""

HEADER_FIELDS = ("v", "seq", "ts", "mono", "boot", "type", "operator")
"""Fields every event line starts with; an event's own fields may not reuse these names."""

JOURNAL_NAME = "journal.jsonl"
"""The journal's file name inside a run directory."""

LOCK_NAME = "run.lock"
"""The lock file's name inside a run directory."""

STAGING_PREFIX = ".new-"
"""A run directory being prepared is `<runs_dir>/.new-<run id>` until its `run_started` is on
disk; then it is renamed into place, so a run appears whole or not at all."""


class JournalError(Exception):
    """The journal cannot be read or written; the message says what to do."""


@dataclass
class ParsedJournal:
    """A journal file split into its valid events and whatever damaged tail follows them."""

    events: list[dict[str, Any]] = field(default_factory=list)
    """The valid events, in order, seq 1..n."""
    good_length: int = 0
    """Bytes of the valid prefix (where a repair truncates)."""
    dropped: int = 0
    """Bytes after the valid prefix: a torn last line or garbage."""


def _event_of(line: bytes) -> dict[str, Any] | None:
    """The event a complete line holds, or None when it is not one."""
    try:
        obj = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(obj, dict):
        return None
    v, seq, kind = obj.get("v"), obj.get("seq"), obj.get("type")
    if type(v) is not int or type(seq) is not int or not isinstance(kind, str):
        return None
    return obj


def newer_schema_message(path: Path | str, version: int) -> str:
    """What to tell a person whose journal was written by a newer drp-console."""
    return (
        f"{path}: this journal was written by a newer drp-console (schema v{version}); this "
        f"version reads up to v{SCHEMA_VERSION}. Upgrade drp-console to open or resume this run."
    )


def parse_journal(data: bytes, path: Path | str = JOURNAL_NAME) -> ParsedJournal:
    """Split journal bytes into valid events and a damaged tail; JournalError on newer schema or
    damage in the middle."""
    parsed = ParsedJournal()
    pos = 0
    bad_at: int | None = None
    bad_line = 0
    line_no = 0
    end = len(data)
    while pos < end:
        nl = data.find(b"\n", pos)
        if nl < 0:
            if bad_at is None:
                bad_at = pos
            break
        line_no += 1
        event = _event_of(data[pos:nl])
        if event is not None and event["v"] > SCHEMA_VERSION:
            raise JournalError(newer_schema_message(path, event["v"]))
        expected = len(parsed.events) + 1
        if bad_at is not None and event is not None:
            raise JournalError(
                f"{path}:{bad_line}: the journal is damaged in the middle: line {bad_line} is not "
                f"event {expected}, yet event {event['seq']} follows on line {line_no}. It was not "
                "repaired automatically; keep a copy of the file, then remove the damaged line "
                "by hand, or start a new run."
            )
        if event is None or event["seq"] != expected:
            if bad_at is None:
                bad_at, bad_line = pos, line_no
        else:
            parsed.events.append(event)
        pos = nl + 1
    parsed.good_length = bad_at if bad_at is not None else end
    parsed.dropped = end - parsed.good_length
    return parsed


def read_events(path: Path | str) -> list[dict[str, Any]]:
    """The valid events of a journal file, without changing it (a torn tail is ignored)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise JournalError(f"cannot read the journal {path}: {exc.strerror or exc}") from exc
    return parse_journal(data, path).events


def from_run_start(events: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """A run's events from its `run_started` line on (what precedes it is not the run's), or
    None when the journal has none: journal framing, read by anyone who needs a run's events."""
    from drp_console.journal.event_types import EventType

    first = next((i for i, e in enumerate(events) if e.get("type") == EventType.RUN_STARTED),
                 None)
    return None if first is None else events[first:]


class RunFramingError(ValueError):
    """A journal's events do not make a readable run (no `run_started`, an unreadable time)."""


def run_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A run's events (in sequence order) from `run_started` on, each with a readable time;
    RunFramingError saying what is wrong and what to do otherwise."""
    from drp_console.journal.timing import parse_ts

    run = from_run_start(events)
    if run is None:
        raise RunFramingError("the journal has no run_started event: is it a drp-console run "
                              "journal?")
    for event in run:
        if parse_ts(event.get("ts")) is None:
            raise RunFramingError(
                f"event {event.get('seq')} ({event.get('type')}) has no readable time "
                f"{event.get('ts')!r}: the journal is damaged; restore it from a copy or remove "
                "that line"
            )
    return run
