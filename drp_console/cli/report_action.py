"""`drp report RUN --action A1 owner=NAME due=YYYY-MM-DD`: set an improvement action's owner or
due date, journaled as `action_updated` in the run's own journal (also after the run finished)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from drp_console.journal.event_types import ActionUpdated

_ID = re.compile(r"[Aa][1-9][0-9]*")
_KEYS = ("owner", "due")


class ActionError(Exception):
    """A `--action` request that cannot be journaled; the message says what to do."""


def parse(action: str, assignments: tuple[str, ...]) -> ActionUpdated:
    """The event for `--action ID key=value ...`; raises ActionError on bad input."""
    if not action:
        raise ActionError(f"{' '.join(assignments)!r}: say which action, e.g. --action A1 "
                          "owner=NAME due=YYYY-MM-DD")
    if not _ID.fullmatch(action):
        raise ActionError(f"--action {action!r}: give an action id as the report numbers them, "
                          "like A1")
    values: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or key not in _KEYS:
            raise ActionError(f"{item!r}: write owner=NAME or due=YYYY-MM-DD after --action "
                              f"{action}")
        value = value.strip()
        if not value:
            raise ActionError(f"{key}= is empty: give a value (owner=ana, due=2026-12-31)")
        if key == "due":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ActionError(f"due={value!r} is not a date: write it as YYYY-MM-DD, "
                                  "e.g. due=2026-12-31") from None
        values[key] = value
    if not values:
        raise ActionError(f"--action {action} needs owner=NAME and/or due=YYYY-MM-DD")
    return ActionUpdated(action=action.upper(), owner=values.get("owner"), due=values.get("due"))


def known_ids(run_dir: Path) -> list[str]:
    """The ids of the run's improvement actions (A1, A2, ...), from its report."""
    from drp_console.report.writer import load_report

    return [a.id for a in load_report(run_dir, "UTC", in_progress=False).actions]


def journal_update(run_dir: Path, update: ActionUpdated, operator: str | None = None) -> None:
    """Append `update` to the run's journal under the run's lock (refused while a console has
    the run open: the note dialog sets owners there); raises ActionError or JournalError."""
    from drp_console.journal.lock import RunLock, RunLocked
    from drp_console.journal.redact import Redactor
    from drp_console.journal.writer import Journal

    ids = known_ids(run_dir)
    if update.action not in ids:
        have = ", ".join(ids) if ids else "none (no note is tagged `action`)"
        raise ActionError(f"the run has no action {update.action}: its actions are {have}")
    lock = RunLock(run_dir)
    try:
        lock.acquire(operator)
    except RunLocked as exc:
        raise ActionError(f"{exc} Set the owner after the console closes the run.") from None
    try:
        with Journal.open(run_dir, Redactor(()), operator=operator) as journal:
            journal.write_sync(update)
    finally:
        lock.release()
