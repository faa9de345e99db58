"""The residency guard: where a catalog call acts, and whether that is an allowed region.

Pure functions over a call's arguments (no Google imports, no I/O but reading `drp.toml`):
`drp validate` checks literal arguments, `drp plan` the arguments resolved with parameters,
and the engine's gcp executor the rendered arguments just before a call is sent.

A rule comes from the runbook's `allowed_regions:` and from the project-wide default in a
`drp.toml` found in the runbook's directory or one of its parents:

    [residency]
    allowed_regions = ["europe-west1", "europe-west4"]

Both apply when both are written (a runbook may narrow the company rule, never widen it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_FILE = "drp.toml"
"""The project-wide settings file, looked for from the runbook's directory upwards."""

ZONE_KEYS = frozenset({"zone", "gceZone", "secondaryGceZone", "secondaryZone", "preferredZone",
                       "preferredSecondaryZone"})
"""Argument or body keys whose value is a zone (Compute and Cloud SQL spellings)."""
REGION_KEYS = frozenset({"region"})
"""Argument or body keys whose value is a region."""
_URL_PART = re.compile(r"(?:^|/)(zones|regions)/([a-z][a-z0-9-]*)")
_ZONE = re.compile(r"^([a-z]+-[a-z]+[0-9]+)-[a-z]$")


class ResidencyConfigError(ValueError):
    """A `drp.toml` that cannot be read; the message names the file and what to fix."""


@dataclass(frozen=True)
class Rule:
    """Regions a run may act in, and where that rule is written."""

    regions: tuple[str, ...]
    """Allowed regions, e.g. ("europe-west1", "europe-west4")."""
    source: str
    """Words naming the rule: `allowed_regions of runbook 'x'` or `... in /path/drp.toml`."""

    def to_dict(self) -> dict[str, Any]:
        """JSON form (journaled in `run_started.residency`)."""
        return {"regions": list(self.regions), "source": self.source}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rule:
        """Back from `to_dict()`."""
        return cls(tuple(str(r) for r in data.get("regions") or ()), str(data.get("source")))


def region_of(location: str) -> str:
    """The region of a zone (`europe-west1-b` -> `europe-west1`); a region is returned as is."""
    match = _ZONE.match(location)
    return match.group(1) if match else location


def locations(args: Any, path: str = "") -> list[tuple[str, str]]:
    """Every (argument path, zone or region) a call's arguments name: `zone`/`region` keys
    (also inside bodies such as Cloud SQL `settings.locationPreference`) and `zones/X` or
    `regions/X` inside resource URLs. Values still holding a template are left out."""
    found: list[tuple[str, str]] = []
    if isinstance(args, Mapping):
        for key, value in args.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, str) and (key in ZONE_KEYS or key in REGION_KEYS):
                if value and "{{" not in value:
                    found.append((where, value))
                continue
            found.extend(locations(value, where))
    elif isinstance(args, list):
        for i, value in enumerate(args):
            found.extend(locations(value, f"{path}[{i}]"))
    elif isinstance(args, str) and "{{" not in args:
        found.extend((path, m.group(2)) for m in _URL_PART.finditer(args))
    return found


def check(step_id: str, args: Any, rules: Iterable[Rule]) -> str | None:
    """The refusal sentence when a step's arguments name a location outside a rule, else None."""
    for rule in rules:
        for where, location in locations(args):
            region = region_of(location)
            if region not in rule.regions:
                said = location if region == location else f"{location}, region {region}"
                return (f"step '{step_id}' would act in {said} (argument {where}), outside "
                        f"{rule.source} [{', '.join(rule.regions)}]: use a location in those "
                        "regions, or change the rule")
    return None


def runbook_rule(runbook: Any) -> Rule | None:
    """The rule of a runbook's own `allowed_regions:`, if written."""
    regions = getattr(runbook, "allowed_regions", None)
    if regions is None:
        return None
    return Rule(tuple(regions), f"allowed_regions of runbook '{runbook.id}'")


def project_file(start: Path) -> Path | None:
    """The nearest `drp.toml` in `start` (a directory) or one of its parents."""
    for folder in (start, *start.parents):
        candidate = folder / PROJECT_FILE
        if candidate.is_file():
            return candidate
    return None


def project_rule(start: Path | None) -> Rule | None:
    """The project-wide rule of the nearest `drp.toml` (None without one, or without a
    `[residency]` table). Raises ResidencyConfigError for a file that cannot be used."""
    path = project_file(start) if start is not None else None
    if path is None:
        return None
    import tomllib  # only when there is a drp.toml

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ResidencyConfigError(f"{path}: cannot be read as TOML ({exc}): fix the file") \
            from None
    table = data.get("residency")
    if table is None:
        return None
    regions = table.get("allowed_regions") if isinstance(table, dict) else None
    if not isinstance(regions, list) or not all(isinstance(r, str) and r for r in regions):
        raise ResidencyConfigError(f"{path}: [residency] allowed_regions must be a list of "
                                   'region names, e.g. ["europe-west1", "europe-west4"]')
    return Rule(tuple(regions), f"allowed_regions in {path}")


def rules_for(runbook: Any) -> list[Rule]:
    """Every rule that applies to a runbook: its own, then its project's `drp.toml`."""
    rules = [r for r in (runbook_rule(runbook),) if r is not None]
    source = getattr(runbook, "source_path", None)
    project = project_rule(Path(source).resolve().parent if source else None)
    if project is not None:
        rules.append(project)
    return rules


def refusals(runbook: Any, rules: Iterable[Rule] | None = None,
             render: Any = None) -> list[tuple[int, str, str]]:
    """(step index, first argument key, refusal) for every gcp or wait step whose arguments
    name a location outside the rules. Without `render`, only literal values count (validate);
    with it, each step's `with` is first passed through it (plan: parameters filled in)."""
    rules = list(rules if rules is not None else rules_for(runbook))
    out: list[tuple[int, str, str]] = []
    if not rules:
        return out
    for i, step in enumerate(runbook.steps):
        args = getattr(step, "with_", None)
        if not args or getattr(step, "call", None) is None:
            continue
        if render is not None:
            args = render(args)
        refusal = check(step.id, args, rules)
        if refusal is not None:
            where = next(w for w, loc in locations(args)
                         if any(region_of(loc) not in r.regions for r in rules))
            out.append((i, where.split(".")[0].split("[")[0], refusal))
    return out
