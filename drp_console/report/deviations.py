"""Sections 7, 9 and 10: what did not go as planned, errors and warnings, and the resources the
run left behind; read from the run-state fold and put in the order they happened."""

from __future__ import annotations

from drp_console.journal.state import RunState
from drp_console.journal.timing import Instant
from drp_console.report.coerce import as_dict, text
from drp_console.report.moments import Moments
from drp_console.report.parts import Deviation, Problem, ResourceRow
from drp_console.runbook.durations import format_duration

Row = tuple[Instant, str, str, str, object]
"""(when, kind, step, text, by) of one deviation."""

_UNKNOWN_WORDS = {"verified": "verified as done", "rerun": "run again", "skip": "skipped"}


def _in_order(rows: list[Row]) -> list[Row]:
    """Rows in the order their events were journaled (the run's clock, then the sequence)."""
    return sorted(rows, key=lambda row: (row[0].t, row[0].seq))


def deviations(
    state: RunState, when: Moments, docs: dict[str, dict], recovery: dict[str, str]
) -> tuple[Deviation, ...]:
    """Skips, retries, recovery paths, decisions, UNKNOWN steps, overrides, pauses, resumes.
    `docs`: the runbook's steps by id; `recovery`: recovery step -> the step whose failure
    leads to it."""
    rows = _step_rows(state, recovery) + _answer_rows(state, docs) + _run_rows(state)
    return tuple(Deviation(kind=kind, step=step, at=when.of(at), text=words, by=text(by))
                 for at, kind, step, words, by in _in_order(rows))


def _step_rows(state: RunState, recovery: dict[str, str]) -> list[Row]:
    rows: list[Row] = []
    for sid, step in state.steps.items():
        if step.status == "skipped" and step.finished is not None:
            reason = text(step.reason) or "no reason given"
            by_hand = as_dict(step.outputs).get("skipped_by")
            if by_hand:  # the operator skipped it (engine.skip), not the runbook's logic
                rows.append((step.finished, "override", sid, f"skipped by hand: {reason}", by_hand))
            else:
                rows.append((step.finished, "skip", sid, f"skipped: {reason}", ""))
        for failure in step.failures:
            error, retry_in = as_dict(failure["error"]), failure["retry_in"]
            then = (f"retried in {format_duration(float(retry_in))}"
                    if isinstance(retry_in, (int, float)) else "not retried")
            words = f"attempt {failure['attempt']} failed ({text(error.get('message'))}); {then}"
            rows.append((failure["at"], "retry" if retry_in is not None else "failure", sid,
                         words, ""))
        if sid in recovery and step.started is not None:
            rows.append((step.started, "recovery", sid,
                         f"recovery path taken after {recovery[sid]} failed", ""))
        for unknown in step.unknowns:
            rows.append((unknown["at"], "unknown", sid, "UNKNOWN on resume: "
                         + (text(unknown["reason"]) or "it may have acted"), ""))
    return rows


def _answer_rows(state: RunState, docs: dict[str, dict]) -> list[Row]:
    rows: list[Row] = []
    for a in state.answers:
        answer, ask, sid = text(a["answer"]), a["kind"], text(a["step"])
        reason = text(a["reason"])
        why = f" ({reason})" if reason else ""
        if ask == "decision":
            recommended = text(as_dict(docs.get(sid)).get("recommended"))
            note = ""
            if recommended and recommended != answer:
                note = f"; the runbook recommends {recommended!r}"
            words = f"chose {answer!r}{note}{why}"
            kind = "decision"
        elif ask == "unknown":
            kind, words = "unknown", f"UNKNOWN resolved: {_UNKNOWN_WORDS.get(answer, answer)}{why}"
        elif ask == "failed":
            kind, words = "override", f"after the failure, the operator chose {answer!r}{why}"
        elif ask == "approval" and answer != "approve":
            kind, words = "override", f"approval answered {answer!r}{why}"
        elif ask == "confirm" and answer != "go":
            kind, words = "override", f"confirmation answered {answer!r}{why}"
        else:
            continue
        rows.append((a["at"], kind, sid, words, a["by"]))
    return rows


def _run_rows(state: RunState) -> list[Row]:
    rows: list[Row] = [
        (m.at, "override", "", f"milestone {m.name!r} set by hand", m.by)
        for m in state.milestones.values() if m.source == "operator"
    ]
    for pause in state.pauses:
        words = ("run paused" + (f": {pause['reason']}" if pause["reason"] else "")
                 if pause["paused"] else "run continued")
        rows.append((pause["at"], "pause", "", words, pause["by"]))
    for resume in state.resumes:
        words = (f"run resumed on {text(resume['host'])} after "
                 f"{format_duration(resume['gap'])} without the console")
        if resume.get("took_over_from"):
            words += f", taken over from {text(resume['took_over_from'])}"
        rows.append((resume["at"], "resume", "", words, resume["operator"]))
    return rows


def problems(state: RunState, when: Moments) -> tuple[Problem, ...]:
    """Failed attempts, failed steps, warnings and a failed end, in order."""
    rows: list[tuple[Instant, str, str, str, str, str]] = []
    for sid, step in state.steps.items():
        for failure in step.failures:
            error = as_dict(failure["error"])
            http = error.get("http_status")
            code = text(error.get("code")) or (f"HTTP {http}" if http else "")
            rows.append((failure["at"], "error", sid, text(error.get("message")), code,
                         text(error.get("hint"))))
        if step.status == "failed" and step.finished is not None:
            rows.append((step.finished, "error", sid,
                         "step failed: " + (text(step.reason) or "no reason"), "", ""))
    for warning in state.warnings:
        rows.append((warning["at"], "warning", text(warning["step"]), text(warning["message"]),
                     "", ""))
    if state.ended is not None and state.status in ("failed", "aborted"):
        rows.append((state.ended, "error", "", f"run {state.status}: {text(state.reason)}", "",
                     ""))
    rows.sort(key=lambda row: (row[0].t, row[0].seq))
    return tuple(Problem(level=level, step=step, at=when.of(at), text=words, code=code, hint=hint)
                 for at, level, step, words, code, hint in rows)


def resources(state: RunState, when: Moments) -> tuple[ResourceRow, ...]:
    """Resources created in the run, each with its teardown (or none)."""
    changes = sorted([(r["at"], True, r) for r in state.created]
                     + [(r["at"], False, r) for r in state.deleted],
                     key=lambda change: (change[0].t, change[0].seq))
    made: dict[tuple[str, str, str], dict] = {}
    for at, created, record in changes:
        key = (text(record.get("kind")), text(record.get("name")), text(record.get("location")))
        if created:
            made[key] = {"step": text(record.get("step")), "at": at, "del_step": "", "del": None}
        elif key in made:
            made[key].update(del_step=text(record.get("step")), **{"del": at})
    return tuple(
        ResourceRow(kind=k[0], name=k[1], location=k[2], created_by=m["step"],
                    created=when.of(m["at"]), deleted_by=m["del_step"],
                    deleted=when.maybe(m["del"]))
        for k, m in made.items()
    )
