"""What every journal backend offers, and how a person chooses one.

Two backends keep a run's events: the local fsynced JSONL file (`Journal`, the default) and a
shared PostgreSQL database (`PgJournal`, chosen with `--journal postgresql://...` or the
`DRP_JOURNAL` environment variable). Both follow the same rules: an event is durable (fsynced,
committed) before `write` returns; sequence numbers run 1, 2, 3... with no gap; fields are
redacted before they leave the process; every event has the same header and the same JSON line.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any, Protocol, runtime_checkable
from urllib.parse import urlsplit

from drp_console.journal.event_types import Record
from drp_console.journal.redact import Redactor
from drp_console.settings import settings

JOURNAL_ENV = "DRP_JOURNAL"
"""The environment variable naming the shared journal database (a `postgresql://` URL)."""

DATABASE_SCHEMES = ("postgresql", "postgres")
"""URL schemes that name a PostgreSQL journal."""


@runtime_checkable
class JournalBackend(Protocol):
    """One run's durable, append-only event journal, wherever it is kept."""

    operator: str
    """The name written into every event's `operator` field; may be changed between events."""
    redactor: Redactor
    """Applied to every event's fields before they leave the process."""

    @property
    def run_id(self) -> str:
        """The run this journal belongs to."""

    @property
    def last_seq(self) -> int:
        """The sequence number of the last durable event (0 when empty)."""

    async def write(self, event: Record | str, **fields: Any) -> dict[str, Any]:
        """Journal one event; returns it (with seq, ts, mono) once it is durable."""

    def submit(self, events: list[tuple[str, dict[str, Any]]]) -> list[asyncio.Future[dict[str, Any]]]:
        """Queue events (type, fields) at once, in order, to be written in one commit; each
        future resolves with its event once durable."""

    def write_sync(self, event: Record | str, **fields: Any) -> dict[str, Any]:
        """Journal one event from a thread without a running loop; returns it once durable."""

    def events(self) -> list[dict[str, Any]]:
        """Every durable event of this run, in sequence order (a new list)."""

    def close(self) -> None:
        """Write what is queued and let go of the journal (idempotent)."""


def is_database_url(value: str | None) -> bool:
    """True when `value` names a PostgreSQL journal (`postgresql://...` or `postgres://...`)."""
    if not value:
        return False
    return urlsplit(value.strip()).scheme.lower() in DATABASE_SCHEMES


def journal_url(option: str | None = None) -> str | None:
    """The shared journal a command should use: its `--journal` option, else `DRP_JOURNAL`, else
    None (local files). ValueError, in one sentence, when the value is not a PostgreSQL URL."""
    value = (option or settings().journal or "").strip()
    if not value:
        return None
    if not is_database_url(value):
        where = "--journal" if option else JOURNAL_ENV
        raise ValueError(
            f"{where} must be a PostgreSQL URL such as postgresql://user@host/dbname "
            f"(got {safe_url(value)!r}); leave it unset to keep runs in local files"
        )
    return value


def safe_url(url: str) -> str:
    """The URL without its password (in the user part or `?password=`), for messages and listings
    (secrets are never printed)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    masked = url
    if parts.password is not None:
        host = parts.netloc.rsplit("@", 1)[-1]
        masked = masked.replace(parts.netloc, f"{parts.username or ''}:***@{host}", 1)
    return re.sub(r"(?i)([?&]password=)[^&#]*", r"\1***", masked)
