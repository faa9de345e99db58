"""Opening a journal repairs a torn tail, refuses newer schemas and damage in the middle."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drp_console.journal import Journal, JournalError, Redactor, read_events

RUN_ID = "20261127T221613Z-demo-0a1b"


def _journal_with(runs_dir: Path, n: int) -> Path:
    journal = Journal.create(runs_dir, RUN_ID, Redactor())
    for i in range(n):
        journal.write_sync("note", text=f"event {i}", tag=None, step=None)
    journal.close()
    return runs_dir / RUN_ID / "journal.jsonl"


def _line(seq: int, **extra: object) -> bytes:
    event = {"v": 1, "seq": seq, "ts": "2026-11-27T22:16:13.000000+00:00", "mono": 1.0,
             "boot": None, "type": "note", "operator": "x", "text": "t", **extra}
    return json.dumps(event).encode() + b"\n"


TORN_TAILS = {
    "half a line": b'{"v":1,"seq":4,"ts":"2026-11-27T22:1',
    "one byte": b"{",
    "line without newline": _line(4)[:-1],
    "garbage": b"\x00\x00\x00\xff\xfe garbage",
    "garbage lines": b"not json\nstill not json\n",
    "valid json, not an event": b'{"hello": "world"}\n',
    "wrong sequence number": _line(9),
    "torn utf-8": "{\"text\": \"caf\u00e9".encode()[:-1],
}


@pytest.mark.parametrize("tail", TORN_TAILS.values(), ids=TORN_TAILS.keys())
def test_torn_tail_is_cut_and_reported(runs_dir: Path, tail: bytes) -> None:
    path = _journal_with(runs_dir, 3)
    good = path.read_bytes()
    with path.open("ab") as fh:
        fh.write(tail)

    journal = Journal.open(path.parent, Redactor())
    events = journal.events()
    journal.write_sync("note", text="after repair", tag=None, step=None)
    journal.close()

    assert [e["seq"] for e in events] == [1, 2, 3, 4]
    warning = events[-1]
    assert warning["type"] == "warning" and f"dropping {len(tail)} bytes" in warning["message"]
    assert warning["dropped_bytes"] == len(tail)
    data = path.read_bytes()
    assert data.startswith(good) and data.endswith(b"\n")
    assert [e["seq"] for e in read_events(path)] == [1, 2, 3, 4, 5]
    assert len(data.splitlines()) == 5  # nothing of the tail is left


def test_zero_length_journal_opens_empty(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 0)
    assert path.read_bytes() == b""
    journal = Journal.open(path.parent, Redactor())
    assert journal.events() == []
    assert journal.write_sync("note", text="first", tag=None, step=None)["seq"] == 1
    journal.close()


def test_only_a_torn_line(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 0)
    path.write_bytes(b'{"v":1,"se')
    journal = Journal.open(path.parent, Redactor())
    events = journal.events()
    journal.close()
    assert [(e["seq"], e["type"]) for e in events] == [(1, "warning")]


def test_clean_journal_is_not_touched(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 3)
    before = path.read_bytes()
    Journal.open(path.parent, Redactor()).close()
    assert path.read_bytes() == before


def test_newer_schema_is_refused_and_left_alone(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 2)
    with path.open("ab") as fh:
        fh.write(_line(3, v=2))
        fh.write(b"torn")
    before = path.read_bytes()
    with pytest.raises(JournalError, match="newer drp-console.*Upgrade"):
        Journal.open(path.parent, Redactor())
    with pytest.raises(JournalError, match="schema v2"):
        read_events(path)
    assert path.read_bytes() == before


def test_damage_in_the_middle_is_refused_not_repaired(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 3)
    lines = path.read_bytes().splitlines(keepends=True)
    damaged = lines[0] + b"xx" + lines[1][2:] + lines[2]
    path.write_bytes(damaged)
    with pytest.raises(JournalError, match=r"journal.jsonl:2: .*damaged in the middle"):
        Journal.open(path.parent, Redactor())
    assert path.read_bytes() == damaged


def test_read_events_ignores_a_torn_tail_without_changing_the_file(runs_dir: Path) -> None:
    path = _journal_with(runs_dir, 2)
    with path.open("ab") as fh:
        fh.write(b'{"v":1')
    before = path.read_bytes()
    assert [e["seq"] for e in read_events(path)] == [1, 2]
    assert path.read_bytes() == before
