"""Every environment variable drp-console reads, in one settings object.

Read with `settings()` when needed (not at import), so a test's environment applies. The README
table of environment variables is this module's `VARIABLES`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

VARIABLES: dict[str, str] = {
    "DRP_RUNS_DIR": "Where runs are kept (default: the user state directory); `--runs-dir` wins.",
    "DRP_OPERATOR": "Your name in the journal when `--operator` is not given (else git's user.name, "
                    "else the login name).",
    "DRP_THEME": "The console's Textual theme, e.g. `textual-light`.",
    "DRP_TZ": "The console's second time zone (IANA name; default UTC).",
    "DRP_FORCE_TUI": "`1`: open the console even when stdin/stdout are not a terminal.",
    "DRP_JOURNAL": "The shared journal database (`postgresql://...`) when `--journal` is not given.",
    "DRP_LEASE_SECONDS": "How long a shared run's lease lasts without a heartbeat (default 15).",
    "DRP_TEST_CRASH_AT": "Tests only: `<event type>:<n>` kills the process (SIGKILL) right after "
                         "the n-th such event is durable.",
    "DRP_UPDATE_GOLDEN": "Tests only: `1` rewrites the report golden files.",
    "DRP_CRASH_STRESS": "Tests only: how many random crash points the crash stress test tries.",
    "DRP_CACHE_DIR": "Where compiled report and plan templates are cached (default: the user "
                     "cache directory; safe to delete).",
    "DRP_FUZZ_CASES": "Tests only: how many fuzzed inputs the hostile-input test tries (default 50).",
}
"""Name -> what it does (the README's table)."""


@dataclass(frozen=True)
class Settings:
    """The environment, parsed: empty variables count as unset."""

    runs_dir: Path | None = None
    """`DRP_RUNS_DIR`, user-expanded."""
    operator: str | None = None
    """`DRP_OPERATOR`."""
    theme: str | None = None
    """`DRP_THEME`."""
    tz: str | None = None
    """`DRP_TZ`."""
    force_tui: bool = False
    """`DRP_FORCE_TUI` set to anything but empty or `0`."""
    journal: str | None = None
    """`DRP_JOURNAL`, stripped."""
    lease_seconds: str | None = None
    """`DRP_LEASE_SECONDS` as written (the journal checks it is a number)."""
    crash_at: tuple[str, int] | None = None
    """`DRP_TEST_CRASH_AT` as (event type, n); None when unset or malformed."""
    update_golden: bool = False
    """`DRP_UPDATE_GOLDEN=1`."""
    crash_stress: int = 0
    """`DRP_CRASH_STRESS` (0 when unset or not a number)."""
    cache_dir: Path | None = None
    """`DRP_CACHE_DIR`, user-expanded."""
    fuzz_cases: int = 0
    """`DRP_FUZZ_CASES` (0 when unset or not a number)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """The settings of an environment (default: this process's)."""
        env = os.environ if env is None else env

        def text(name: str) -> str | None:
            return env.get(name) or None

        runs_dir = text("DRP_RUNS_DIR")
        return cls(
            runs_dir=Path(runs_dir).expanduser() if runs_dir else None,
            operator=(text("DRP_OPERATOR") or "").strip() or None,
            theme=text("DRP_THEME"),
            tz=text("DRP_TZ"),
            force_tui=(text("DRP_FORCE_TUI") or "0") != "0",
            journal=(text("DRP_JOURNAL") or "").strip() or None,
            lease_seconds=(text("DRP_LEASE_SECONDS") or "").strip() or None,
            crash_at=_crash_point(text("DRP_TEST_CRASH_AT")),
            update_golden=text("DRP_UPDATE_GOLDEN") == "1",
            crash_stress=_number(text("DRP_CRASH_STRESS")),
            cache_dir=Path(cache).expanduser() if (cache := text("DRP_CACHE_DIR")) else None,
            fuzz_cases=_number(text("DRP_FUZZ_CASES")),
        )


def settings() -> Settings:
    """The settings of this process's environment, read now."""
    return Settings.from_env()


def _crash_point(raw: str | None) -> tuple[str, int] | None:
    if not raw or ":" not in raw:
        return None
    kind, _, n = raw.rpartition(":")
    try:
        return kind, int(n)
    except ValueError:
        return None


def _number(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError:
        return 0


def pass_to_children(name: str, value: str) -> None:
    """Set a variable for the processes this one starts (e.g. `DRP_JOURNAL` for `drp watch
    --web`'s per-tab consoles, so a database URL is never on a command line)."""
    if name not in VARIABLES:
        raise ValueError(f"{name} is not a drp-console setting")
    os.environ[name] = value
