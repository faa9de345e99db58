"""Checks before a run opens: live credentials, an external simulator's health, the incident
start's format; and the error they raise (`SessionError`, with its exit code)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from drp_console.exit_codes import ExitCode


class SessionError(Exception):
    """A run cannot be started or resumed as asked; the message says what to do."""

    def __init__(self, message: str, exit_code: int = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.exit_code = exit_code
        """The `drp` exit code this error maps to (2 usage, 3 invalid document)."""


EXIT_NO_CREDENTIALS = ExitCode.USAGE
"""The `drp` exit code when live mode finds no Google credentials (a usage problem)."""


def check_live_credentials() -> None:
    """Raise SessionError (exit 2) unless Application Default Credentials can be found.

    Called before a live run is created or resumed (before anything is journaled and before
    the project is typed), so an operator without credentials learns it at once."""
    try:
        import google.auth
        from google.auth import exceptions as auth_errors
    except ImportError:  # pragma: no cover - a dependency of the package
        raise SessionError("live mode needs the google-auth library: reinstall drp-console",
                           EXIT_NO_CREDENTIALS) from None
    try:
        google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
    except (auth_errors.GoogleAuthError, ValueError, OSError) as exc:
        detail = " ".join(str(exc).split())
        if len(detail) > 200:
            detail = detail[:197] + "..."
        raise SessionError(
            "live mode needs Google credentials and none could be loaded"
            + (f" ({detail})" if detail else "")
            + ": run `gcloud auth application-default login` (or set "
            "GOOGLE_APPLICATION_CREDENTIALS to a service account key file), then start again; "
            "nothing was started", EXIT_NO_CREDENTIALS) from None


def parse_incident_start(text: str | None) -> str | None:
    """An ISO-8601 time with an offset, normalised; ValueError with a hint otherwise."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO-8601 time: write e.g. "
                         "2026-11-27T14:02:00Z") from None
    if when.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone: add Z or an offset like +01:00")
    return when.isoformat()


def sim_health(endpoint: str) -> dict[str, Any]:
    """The simulator's `/_sim/health` answer ({} when it does not answer)."""
    import urllib.request  # only for an external simulator

    try:
        with urllib.request.urlopen(endpoint.rstrip("/") + "/_sim/health", timeout=5) as resp:
            answer = json.loads(resp.read() or b"{}")
    except (OSError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}
