"""The milestones of an incident and the clocks measured between them, declared once.

The console's header, the run-state fold, the report and the validator all read these names
and rules from here.
"""

from __future__ import annotations

MILESTONES = ("detected", "aware", "declared", "mitigated", "restored", "verified", "closed")
"""The standard milestones, in the order an incident reaches them."""

RTO_ORIGINS = ("detected", "declared")
"""Where the RTO is measured from: the first of these recorded, else the run's start."""

RTO_END = "restored"
"""The milestone that stops the RTO clock."""

BREACH_START = "aware"
"""The milestone that starts the GDPR Art. 33 72-hour clock."""

BREACH_WINDOW_S = 72 * 3600
"""Seconds from awareness to the supervisory authority's notification."""

AUTHORITY_MILESTONES = ("authority-notified", "notified-authority", "dpa-notified")
"""Milestones a runbook records when the supervisory authority has been notified."""

SUBJECTS_MILESTONES = ("subjects-notified", "notified-subjects", "customers-notified")
"""Milestones a runbook records when the data subjects have been notified."""

AUTHORITY_WORDS = ("authority", "dpa", "regulator", "supervisory")
"""Failing a milestone: a succeeded step whose id holds `notif` and one of these words."""

SUBJECTS_WORDS = ("subject", "customer", "individual", "user")
"""Failing a milestone: a succeeded step whose id holds `notif` and one of these words."""


def rto_origin_name(recorded: object) -> str | None:
    """The milestone the RTO counts from among those `recorded` (a container of names), None
    when it counts from the run's start."""
    return next((name for name in RTO_ORIGINS if name in recorded), None)  # type: ignore[operator]


def notification_step(step_id: str, words: tuple[str, ...]) -> bool:
    """Whether a step's id names a notification of the kind `words` describe."""
    low = step_id.lower()
    return "notif" in low and any(w in low for w in words)
