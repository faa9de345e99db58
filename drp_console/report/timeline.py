"""Step timings from journal events: offsets from the run start, time split, critical path.

Offsets come from monotonic time while consecutive events share a boot id; across a reboot
(a different or unknown `boot`) the wall-clock difference is used instead, never negative, and counted so
the report can say how many spans were measured that way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from drp_console.report.coerce import as_dict, as_int, as_list, as_time

# a finishing step may start its dependents a moment before its own end is journaled
_SLACK = 0.5


def parse_ts(text: object) -> datetime:
    """A journal timestamp (ISO-8601 with offset; `Z` accepted) as an aware datetime;
    ValueError when it is not one (`build_report` checks every event's first)."""
    when = as_time(text)
    if when is None:
        raise ValueError(f"{text!r} is not an ISO-8601 time")
    return when


def offsets(events: list[dict]) -> tuple[list[float], int, int]:
    """Seconds since the first event for each event; also boots seen and wall-clock spans."""
    out: list[float] = []
    boots: set[str] = set()
    wall_spans = 0
    prev: dict | None = None
    t = 0.0
    for event in events:
        boots.add(str(event.get("boot", "")))
        if prev is not None:
            same_boot = event.get("boot") is not None and event.get("boot") == prev.get("boot")
            mono, prev_mono = event.get("mono"), prev.get("mono")
            if (same_boot and isinstance(mono, (int, float)) and isinstance(prev_mono, (int, float))
                    and mono >= prev_mono):
                t += mono - prev_mono
            else:
                wall_spans += 1
                delta = (parse_ts(event["ts"]) - parse_ts(prev["ts"])).total_seconds()
                t += max(0.0, delta)
        out.append(t)
        prev = event
    return out, len(boots), wall_spans


@dataclass
class StepTrack:
    """What the events say about one step, folded in sequence order."""

    id: str
    status: str = "not run"
    start: int | None = None
    end: int | None = None
    attempts: int = 0
    reason: str = ""
    operations: list[str] = field(default_factory=list)
    changed: bool = False
    outputs: dict = field(default_factory=dict)
    waits: list[list[float]] = field(default_factory=list)
    polls: list[list[float]] = field(default_factory=list)


def _close(spans: list[list[float]], t: float) -> None:
    if spans and spans[-1][1] < 0:
        spans[-1][1] = t


def track_steps(events: list[dict], ts: list[float]) -> dict[str, StepTrack]:
    """Fold the step events into one `StepTrack` per step id (indices point into `events`)."""
    steps: dict[str, StepTrack] = {}

    def get(step_id: str) -> StepTrack:
        track = steps.get(step_id)
        if track is None:
            track = steps[step_id] = StepTrack(step_id)
        return track

    for i, event in enumerate(events):
        kind = event.get("type")
        t = ts[i]
        step_id = event.get("step")
        if not isinstance(step_id, str) or not step_id:
            continue
        if kind == "step_started":
            track = get(step_id)
            if track.start is None:
                track.start = i
            track.status = "running"
            track.attempts = max(track.attempts, as_int(event.get("attempt"), 1))
        elif kind == "waiting":
            track = get(step_id)
            if track.start is None:
                track.start = i
            _close(track.waits, t)
            track.waits.append([t, -1.0])
            track.status = "waiting"
        elif kind == "answered":
            track = get(step_id)
            _close(track.waits, t)
            if track.status == "waiting":
                track.status = "running"
        elif kind == "operation_submitted":
            track = get(step_id)
            op = event.get("operation")
            name = as_dict(op).get("name") if isinstance(op, dict) else op
            if name and name not in track.operations:
                track.operations.append(str(name))
            _close(track.polls, t)
            track.polls.append([t, -1.0])
        elif kind == "operation_progress":
            if event.get("status") == "DONE":
                _close(get(step_id).polls, t)
        elif kind in ("call_completed", "attempt_failed"):
            _close(get(step_id).polls, t)
        elif kind == "step_unknown":
            track = get(step_id)
            if track.start is None:
                track.start = i
            _close(track.polls, t)
            track.status = "unknown"
            track.reason = str(event.get("reason") or "")
        elif kind == "step_finished":
            track = get(step_id)
            _close(track.waits, t)
            _close(track.polls, t)
            track.end = i
            if track.start is None and event.get("status") != "skipped":
                track.start = i
            track.status = str(event.get("status") or "succeeded")
            track.reason = str(event.get("reason") or "")
            track.outputs = dict(as_dict(event.get("outputs")))
            track.changed = bool(event.get("changed"))
            track.attempts = max(track.attempts, as_int(event.get("attempts")))
    last = ts[-1] if ts else 0.0
    for track in steps.values():
        _close(track.waits, last)
        _close(track.polls, last)
    return steps


def merged_length(spans: list[list[float]]) -> float:
    """Total length of possibly overlapping spans."""
    total, reach = 0.0, float("-inf")
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def needs_of(doc_steps: list[dict]) -> dict[str, tuple[str, ...]]:
    """Each step's predecessors: its `needs` (absent = the previous step), plus the decision
    or failing step that can choose it (targets run only when chosen)."""
    preds: dict[str, list[str]] = {}
    previous: str | None = None
    for step in doc_steps:
        sid = str(step.get("id"))
        needs = step.get("needs")
        if needs is None:
            preds[sid] = [previous] if previous else []
        else:
            preds[sid] = [str(n) for n in as_list(needs)]
        previous = sid
    for step in doc_steps:
        sid = str(step.get("id"))
        targets = [str(t) for t in as_dict(step.get("options")).values()]
        on_failure = step.get("on_failure")
        if on_failure not in (None, "abort", "continue"):
            targets.append(str(on_failure))
        for target in targets:
            if target in preds and sid not in preds[target]:
                preds[target].append(sid)
    return {k: tuple(v) for k, v in preds.items()}


def critical_path(
    preds: dict[str, tuple[str, ...]], spans: dict[str, tuple[float, float]]
) -> list[str]:
    """The chain of steps that set the run's end: from the step that ended last, back through
    the predecessor that finished last before it started. `spans`: step -> (start, end)."""
    if not spans:
        return []
    current = max(spans, key=lambda s: (spans[s][1], -spans[s][0]))
    path = [current]
    seen = {current}
    while True:
        start = spans[current][0]
        candidates = [
            p for p in preds.get(current, ()) if p in spans and p not in seen
            and spans[p][1] <= start + _SLACK
        ]
        if not candidates:
            break
        current = max(candidates, key=lambda s: spans[s][1])
        path.append(current)
        seen.add(current)
    path.reverse()
    return path
