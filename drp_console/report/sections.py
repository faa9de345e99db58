"""The report's narrative sections (people, deviations, notes, problems, resources, breach clock,
actions), each a pure function of the journal's events."""

from __future__ import annotations

from datetime import timedelta

from drp_console.report.coerce import as_dict
from drp_console.report.moments import Moments, utc_text
from drp_console.report.parts import (
    ActionItem,
    Approval,
    BreachClock,
    Deviation,
    NoteRow,
    Person,
    Problem,
    ResourceRow,
)
from drp_console.runbook.durations import format_duration

BREACH_WINDOW_S = 72 * 3600

# how a breach-clock runbook marks its notifications: a milestone of these names, or else a
# succeeded step whose id holds one of the words (see docs/ARCHITECTURE.md, report/)
AUTHORITY_MILESTONES = ("authority-notified", "notified-authority", "dpa-notified")
SUBJECTS_MILESTONES = ("subjects-notified", "notified-subjects", "customers-notified")
AUTHORITY_WORDS = ("authority", "dpa", "regulator", "supervisory")
SUBJECTS_WORDS = ("subject", "customer", "individual", "user")


def _text(value: object) -> str:
    return "" if value is None else str(value)


def people(events: list[dict], when: Moments, doc_steps: dict[str, dict]) -> tuple[Person, ...]:
    """Everyone named in the journal, with the roles they answered in."""
    seen: dict[str, dict] = {}

    def entry(name: str, i: int) -> dict:
        return seen.setdefault(name, {"roles": [], "answers": 0, "events": 0, "first": i})

    for i, event in enumerate(events):
        operator = event.get("operator")
        if operator:
            entry(str(operator), i)["events"] += 1
        if event.get("type") == "answered":
            by = event.get("by") or operator
            if not by:
                continue
            person = entry(str(by), i)
            person["answers"] += 1
            role = event.get("role") or doc_steps.get(_text(event.get("step")), {}).get("role")
            if role and role not in person["roles"]:
                person["roles"].append(str(role))
    return tuple(
        Person(
            name=name,
            roles=tuple(e["roles"]),
            answers=e["answers"],
            events=e["events"],
            first=when.at(e["first"]),
        )
        for name, e in seen.items()
    )


def approvals(events: list[dict], when: Moments, doc_steps: dict[str, dict]) -> tuple[Approval, ...]:
    """Every go/no-go answer, in order."""
    out = []
    for i, event in enumerate(events):
        if event.get("type") == "answered" and event.get("kind") == "approval":
            step = doc_steps.get(_text(event.get("step")), {})
            out.append(
                Approval(
                    step=_text(event.get("step")),
                    title=_text(step.get("title")),
                    answer=_text(event.get("answer")),
                    by=_text(event.get("by") or event.get("operator")),
                    role=_text(event.get("role") or step.get("role")),
                    reason=_text(event.get("reason")),
                    at=when.at(i),
                )
            )
    return tuple(out)


def deviations(
    events: list[dict], when: Moments, doc_steps: dict[str, dict], recovery_targets: dict[str, str]
) -> tuple[Deviation, ...]:
    """Skips, retries, recovery paths, decisions, UNKNOWN steps, overrides, pauses, resumes."""
    out: list[Deviation] = []

    def add(kind: str, i: int, text: str, step: object = "", by: object = "") -> None:
        out.append(Deviation(kind=kind, step=_text(step), at=when.at(i), text=text, by=_text(by)))

    started: set[str] = set()
    for i, event in enumerate(events):
        kind, step = event.get("type"), _text(event.get("step"))
        if kind == "step_finished" and event.get("status") == "skipped":
            reason = _text(event.get("reason")) or "no reason given"
            by_hand = as_dict(event.get("outputs")).get("skipped_by")
            if by_hand:  # the operator skipped it (engine.skip), not the runbook's logic
                add("override", i, f"skipped by hand: {reason}", step, by_hand)
            else:
                add("skip", i, f"skipped: {reason}", step)
        elif kind == "attempt_failed":
            error = as_dict(event.get("error"))
            retry_in = event.get("retry_in")
            then = (
                f"retried in {format_duration(float(retry_in))}"
                if isinstance(retry_in, (int, float))
                else "not retried"
            )
            add("retry" if retry_in is not None else "failure", i,
                f"attempt {event.get('attempt')} failed ({_text(error.get('message'))}); {then}",
                step)
        elif kind == "step_started" and step in recovery_targets and step not in started:
            add("recovery", i, f"recovery path taken after {recovery_targets[step]} failed", step)
        elif kind == "step_unknown":
            add("unknown", i, "UNKNOWN on resume: " + (_text(event.get("reason")) or "it may have acted"),
                step)
        elif kind == "answered":
            answer, by = _text(event.get("answer")), event.get("by") or event.get("operator")
            reason = _text(event.get("reason"))
            why = f" ({reason})" if reason else ""
            ask = event.get("kind")
            if ask == "decision":
                recommended = _text(doc_steps.get(step, {}).get("recommended"))
                note = ""
                if recommended and recommended != answer:
                    note = f"; the runbook recommends {recommended!r}"
                add("decision", i, f"chose {answer!r}{note}{why}", step, by)
            elif ask == "unknown":
                words = {"verified": "verified as done", "rerun": "run again", "skip": "skipped"}
                add("unknown", i, f"UNKNOWN resolved: {words.get(answer, answer)}{why}", step, by)
            elif ask == "failed":
                add("override", i, f"after the failure, the operator chose {answer!r}{why}", step, by)
            elif ask == "approval" and answer != "approve":
                add("override", i, f"approval answered {answer!r}{why}", step, by)
            elif ask == "confirm" and answer != "go":
                add("override", i, f"confirmation answered {answer!r}{why}", step, by)
        elif kind == "milestone" and event.get("source") == "operator":
            add("override", i, f"milestone {_text(event.get('name'))!r} set by hand", "",
                event.get("operator"))
        elif kind == "run_paused":
            add("pause", i, "run paused" + (f": {event['reason']}" if event.get("reason") else ""),
                "", event.get("operator"))
        elif kind == "run_unpaused":
            add("pause", i, "run continued", "", event.get("operator"))
        elif kind == "run_resumed":
            gap = when.t[i] - when.t[i - 1] if i else 0.0
            add("resume", i, f"run resumed on {_text(event.get('host'))} after "
                f"{format_duration(gap)} without the console", "", event.get("operator"))
        if kind == "step_started":
            started.add(step)
    return tuple(out)


def notes(events: list[dict], when: Moments) -> tuple[NoteRow, ...]:
    """Notes and decisions, with author and time."""
    return tuple(
        NoteRow(at=when.at(i), by=_text(e.get("operator")), tag=_text(e.get("tag")),
                step=_text(e.get("step")), text=_text(e.get("text")))
        for i, e in enumerate(events)
        if e.get("type") == "note"
    )


def problems(events: list[dict], when: Moments) -> tuple[Problem, ...]:
    """Failed attempts, failed steps, warnings and a failed end."""
    out = []
    for i, event in enumerate(events):
        kind, step = event.get("type"), _text(event.get("step"))
        if kind == "attempt_failed":
            error = as_dict(event.get("error"))
            http = error.get("http_status")
            code = _text(error.get("code")) or (f"HTTP {http}" if http else "")
            out.append(Problem(level="error", step=step, at=when.at(i),
                               text=_text(error.get("message")), code=code,
                               hint=_text(error.get("hint"))))
        elif kind == "step_finished" and event.get("status") == "failed":
            out.append(Problem(level="error", step=step, at=when.at(i),
                               text="step failed: " + (_text(event.get("reason")) or "no reason"),
                               code="", hint=""))
        elif kind == "warning":
            out.append(Problem(level="warning", step=step, at=when.at(i),
                               text=_text(event.get("message")), code="", hint=""))
        elif kind == "run_finished" and event.get("status") in ("failed", "aborted"):
            out.append(Problem(level="error", step="", at=when.at(i),
                               text=f"run {event.get('status')}: {_text(event.get('reason'))}",
                               code="", hint=""))
    return tuple(out)


def resources(events: list[dict], when: Moments) -> tuple[ResourceRow, ...]:
    """Resources created in the run, each with its teardown (or none)."""
    made: dict[tuple, dict] = {}
    for i, event in enumerate(events):
        kind = event.get("type")
        if kind not in ("resource_created", "resource_deleted"):
            continue
        res = as_dict(event.get("resource"))
        key = (_text(res.get("kind")), _text(res.get("name")), _text(res.get("location")))
        if kind == "resource_created":
            made[key] = {"step": _text(event.get("step")), "at": i, "del_step": "", "del": None}
        elif key in made:
            made[key].update(del_step=_text(event.get("step")), **{"del": i})
    return tuple(
        ResourceRow(kind=k[0], name=k[1], location=k[2], created_by=m["step"],
                    created=when.at(m["at"]), deleted_by=m["del_step"],
                    deleted=None if m["del"] is None else when.at(m["del"]))
        for k, m in made.items()
    )


def _notified(events: list[dict], names: tuple[str, ...], words: tuple[str, ...]) -> int | None:
    for i, event in enumerate(events):
        if event.get("type") == "milestone" and event.get("name") in names:
            return i
    for i, event in enumerate(events):
        step = _text(event.get("step")).lower()
        if (event.get("type") == "step_finished" and event.get("status") == "succeeded"
                and "notif" in step and any(w in step for w in words)):
            return i
    return None


def breach_clock(events: list[dict], when: Moments, milestones: dict[str, int]) -> BreachClock:
    """The 72-hour clock from milestone `aware` to the notifications."""
    aware = milestones.get("aware")
    authority = _notified(events, AUTHORITY_MILESTONES, AUTHORITY_WORDS)
    subjects = _notified(events, SUBJECTS_MILESTONES, SUBJECTS_WORDS)
    if aware is None:
        return BreachClock(aware=None, deadline_utc="", deadline_local="",
                           authority=None if authority is None else when.at(authority),
                           subjects=None if subjects is None else when.at(subjects),
                           status="milestone 'aware' never recorded: the clock cannot be placed",
                           margin_s=None)
    deadline = when.wall(aware) + timedelta(seconds=BREACH_WINDOW_S)
    if authority is not None:
        margin = BREACH_WINDOW_S - (when.t[authority] - when.t[aware])
        status = ("authority notified in time, " + format_duration(margin) + " before the deadline"
                  if margin >= 0 else f"authority notified {format_duration(-margin)} late")
    else:
        margin = BREACH_WINDOW_S - (when.t[-1] - when.t[aware])
        status = ("authority not yet notified: " + format_duration(margin) + " left at the report's end"
                  if margin >= 0 else f"authority not notified: deadline overrun by {format_duration(-margin)}")
    return BreachClock(
        aware=when.at(aware), deadline_utc=utc_text(deadline),
        deadline_local=when.local_text(deadline),
        authority=None if authority is None else when.at(authority),
        subjects=None if subjects is None else when.at(subjects),
        status=status, margin_s=round(margin, 3),
    )


def actions(notes_: tuple[NoteRow, ...]) -> tuple[ActionItem, ...]:
    """The improvement plan: each note tagged `action`."""
    return tuple(
        ActionItem(text=n.text, raised_by=n.by, at=n.at, step=n.step, owner="", due="")
        for n in notes_
        if n.tag == "action"
    )
