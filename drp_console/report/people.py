"""Sections 2 and 8: who acted and how they answered, and their notes; read from the run-state
fold (the improvement plan raised in the notes is in `facts`)."""

from __future__ import annotations

from drp_console.journal.state import RunState
from drp_console.report.coerce import text
from drp_console.report.moments import Moments
from drp_console.report.parts import Approval, NoteRow, Person


def people(state: RunState, when: Moments) -> tuple[Person, ...]:
    """Everyone named in the journal, with the roles they answered in."""
    return tuple(
        Person(name=text(p.name), roles=tuple(text(r) for r in p.roles), answers=p.answers,
               events=p.events, first=when.of(p.first))
        for p in state.people.values()
    )


def approvals(state: RunState, when: Moments, docs: dict[str, dict]) -> tuple[Approval, ...]:
    """Every go/no-go answer, in order (`docs`: the runbook's steps by id)."""
    return tuple(
        Approval(
            step=text(a["step"]),
            title=text(docs.get(a["step"], {}).get("title")),
            answer=text(a["answer"]),
            by=text(a["by"]),
            role=text(a["role"]),
            reason=text(a["reason"]),
            at=when.of(a["at"]),
        )
        for a in state.answers
        if a["kind"] == "approval"
    )


def notes(state: RunState, when: Moments) -> tuple[NoteRow, ...]:
    """Notes and decisions, with author and time."""
    return tuple(
        NoteRow(at=when.of(n["at"]), by=text(n["by"]), tag=text(n["tag"]), step=text(n["step"]),
                text=text(n["text"]))
        for n in state.notes
    )

