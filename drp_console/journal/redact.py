"""Redaction of secret values and token-shaped strings before anything reaches the journal.

Secret parameter values are replaced wherever they occur, also inside longer strings. A value
shorter than `MIN_SUBSTRING` characters is replaced only where it is a whole string: replacing
every "ab" inside every resource name would make the journal unreadable while protecting
nothing (a two-letter secret is guessable anyway).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from datetime import date, datetime, time
from pathlib import PurePath
from typing import Any

MASK = "***"
"""What every redacted value becomes."""

MIN_SUBSTRING = 4
"""Secrets at least this long are also replaced inside longer strings."""

SECRET_KEYS = frozenset(
    {"private_key", "client_secret", "refresh_token", "access_token", "id_token", "password"}
)
"""Mapping keys whose string values are always masked, whatever they look like."""

_TOKEN_PATTERNS = [
    # PEM private keys, terminated or cut off.
    r"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*\Z)",
    # "private_key": "..." inside JSON text (a service-account key file pasted into a note).
    r"(?<=\"private_key\")\s*:\s*\"(?:[^\"\\]|\\.)*\"",
    # Authorization headers of any scheme.
    r"(?<=[Aa]uthorization:)[ \t]*\S+(?:[ \t]+[^\s,;\"']+)?",
    r"(?<=\b[Bb]earer )[A-Za-z0-9._~+/=-]{8,}",
    r"(?<=\bBEARER )[A-Za-z0-9._~+/=-]{8,}",
    r"(?<=AUTHORIZATION:)[ \t]*\S+(?:[ \t]+[^\s,;\"']+)?",
    # Google OAuth access tokens, refresh tokens, API keys, OAuth client secrets.
    r"\bya29\.[0-9A-Za-z_.\-]+",
    r"\b1//0[0-9A-Za-z_\-]{20,}",
    r"\bAIza[0-9A-Za-z_\-]{35}",
    r"\bGOCSPX-[0-9A-Za-z_\-]{20,}",
    # JWT-like: three base64url segments, the first a JSON header.
    r"\beyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}",
]


def _replacement(match: re.Match[str]) -> str:
    text = match.group(0)
    if text.lstrip().startswith(":"):
        return ': "***"'
    if match.start() > 0 and match.string[match.start() - 1] == ":":
        return " " + MASK
    return MASK


class Redactor:
    """Replaces secret values and token-shaped strings with `***` in nested data."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._whole: set[str] = set()
        self._sub: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: object) -> None:
        """Also redact these values from now on (empty values are ignored)."""
        for secret in secrets:
            if secret is None:
                continue
            text = str(secret)
            if not text or text == MASK:
                continue
            self._whole.add(text)
            if len(text) >= MIN_SUBSTRING:
                self._sub.add(text)
        parts = [re.escape(s) for s in sorted(self._sub, key=len, reverse=True)]
        parts += _TOKEN_PATTERNS
        self._pattern = re.compile("|".join(f"(?:{p})" for p in parts), re.DOTALL)

    def redact_text(self, text: str) -> str:
        """The text with every secret and token replaced."""
        if text in self._whole:
            return MASK
        assert self._pattern is not None
        return self._pattern.sub(_replacement, text)

    def redact(self, obj: Any) -> Any:
        """A redacted, JSON-ready copy of `obj` (dicts, lists, scalars); the input is untouched.

        Tuples and sets become lists; paths, dates, enums and objects with `to_dict()` become
        their JSON form first, so nothing escapes redaction by being stringified later.
        """
        if isinstance(obj, str):
            return self.redact_text(obj)
        if obj is None or isinstance(obj, bool):
            return obj
        if isinstance(obj, (int, float)):
            return MASK if self._whole and str(obj) in self._whole else obj
        if isinstance(obj, dict):
            out = {}
            for key, value in obj.items():
                key = key if isinstance(key, str) else str(_plain_key(key))
                name = self.redact_text(key)
                if key.lower() in SECRET_KEYS and _is_secret_value(value):
                    out[name] = MASK
                else:
                    out[name] = self.redact(value)
            return out
        if isinstance(obj, (list, tuple, set, frozenset)):
            return [self.redact(item) for item in obj]
        return self.redact(_plain(obj))


def _is_secret_value(value: Any) -> bool:
    """A value under a secret-looking key that is itself secret: not empty, and not a template
    (a runbook's `{{ params.x }}` must survive into `runbook_doc` so a resumed run can render it;
    the rendered value is a secret parameter and redacted as such)."""
    if value is None or value == "":
        return False
    return not (isinstance(value, str) and "{{" in value)


def _plain_key(key: Any) -> Any:
    """A mapping key as JSON writes it."""
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    if isinstance(key, (int, float)):
        return key
    return _plain(key)


def _plain(obj: Any) -> Any:
    """The JSON form of a value json cannot encode itself; TypeError when there is none."""
    to_dict = getattr(obj, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (datetime, date, time)):
        return obj.isoformat()
    if isinstance(obj, PurePath):
        return str(obj)
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    model_dump = getattr(obj, "model_dump", None)
    if callable(model_dump):
        return model_dump(mode="json")
    raise TypeError(f"cannot journal a value of type {type(obj).__name__}: {obj!r:.80}")


def redact_events(events: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """Events with token-shaped strings masked again (as `Redactor` masks them) and every text
    clipped to `limit` characters, for readers that show them (the report); the journal's own
    header fields are kept as written.

    Walks the events itself so that each distinct string is matched once: a 1,000-step journal
    holds ~60,000 strings but only a few thousand distinct ones (keys, ids, statuses).
    """
    from drp_console.journal.events import HEADER_FIELDS

    kept = tuple(f for f in HEADER_FIELDS if f != "operator")  # a person's name is text
    redact_text = Redactor(()).redact_text
    seen: dict[str, str] = {}
    keys: dict[str, tuple[str, bool]] = {}

    def text(value: str) -> str:
        out = seen.get(value)
        if out is None:
            out = redact_text(value)
            if len(out) > limit:  # clipped after redaction, so no token is cut in two
                out = out[:limit] + f"… [{len(out) - limit} more characters in the journal]"
            seen[value] = out
        return out

    def walk(obj: object) -> object:
        kind = type(obj)
        if kind is str:
            return text(obj)  # type: ignore[arg-type]
        if kind is dict:
            out = {}
            for k, v in obj.items():  # type: ignore[attr-defined]
                k = k if type(k) is str else str(k)
                name = keys.get(k)
                if name is None:
                    name = keys[k] = (text(k), k.lower() in SECRET_KEYS)
                out[name[0]] = MASK if name[1] and v not in (None, "") else walk(v)
            return out
        if kind is list or kind is tuple:
            return [walk(v) for v in obj]  # type: ignore[attr-defined]
        return obj

    def event_of(event: dict[str, Any]) -> dict[str, Any]:
        out = {k: event[k] for k in kept if k in event}
        body = walk({k: v for k, v in event.items() if k not in kept})
        assert isinstance(body, dict)  # a dict walks to a dict
        out.update(body)
        return out

    return [event_of(event) for event in events]
