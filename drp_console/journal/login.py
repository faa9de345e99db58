"""The login name the journal records when no operator is named (a module of its own, so that
naming the operator does not load the journal's writer)."""

from __future__ import annotations

import getpass


def login_name() -> str:
    """The operator's login name, or `unknown` where the system has none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
