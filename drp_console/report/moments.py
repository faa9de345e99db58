"""Instants of a run as the report shows them: UTC, the reader's zone, and T+ offsets."""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drp_console.journal.timing import Instant
from drp_console.report.parts import Moment
from drp_console.runbook.durations import format_duration


class UnknownZone(ValueError):
    """The time zone asked for is not an IANA zone name this machine knows."""


def resolve_zone(tz: str | tzinfo | None) -> tuple[tzinfo, str]:
    """The report's second zone and its name: the one given, else `$TZ`, else the machine's
    zone, else UTC. Raises UnknownZone with what to do when a name is not known."""
    if isinstance(tz, tzinfo):
        return tz, str(getattr(tz, "key", None) or tz.tzname(None) or "UTC")
    if tz is None:
        for name in (os.environ.get("TZ", "").lstrip(":"), _machine_zone()):
            if name:
                try:
                    return ZoneInfo(name), name
                except (ZoneInfoNotFoundError, ValueError):
                    continue
        return UTC, "UTC"
    try:
        return ZoneInfo(tz), tz
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(
            f"unknown time zone {tz!r}: give an IANA name such as Europe/Berlin or UTC"
        ) from None


def same_as_utc(zone: tzinfo, instants: list[datetime]) -> bool:
    """Whether `zone` shows the same wall clock as UTC for these instants and all year round
    (UTC, Etc/UTC, GMT, Africa/Abidjan ...; not Europe/London, whose summer is UTC+1): the
    report then prints each time once."""
    if not instants:
        return False
    year = instants[0].year
    probes = list(instants) + [datetime(year, 1, 15, 12, tzinfo=UTC),
                               datetime(year, 7, 15, 12, tzinfo=UTC)]
    for at in probes:
        offset = at.astimezone(zone).utcoffset()
        if offset is None or offset.total_seconds() != 0:
            return False
    return True


def _machine_zone() -> str:
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return ""
    marker = "/zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""


def t_text(t: float) -> str:
    """An offset from the run start for people: `T+4m05s`."""
    return "T+" + format_duration(t)


def utc_text(at: datetime) -> str:
    """An instant in UTC for people."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class Moments:
    """Turns instants of the run (as the run-state fold stores them) into `Moment`s, in UTC and
    one zone."""

    def __init__(self, zone: tzinfo, first: Instant, last: Instant) -> None:
        self.zone = zone
        self.utc_only = same_as_utc(zone, [w for w in (first.wall, last.wall) if w is not None])
        """The zone shows the same clock as UTC: texts name each time once, in UTC."""
        self._cache: dict[tuple[object, float, int], Moment] = {}

    def local_text(self, at: datetime) -> str:
        """An instant in the report's zone for people."""
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    def of(self, instant: Instant) -> Moment:
        """The moment of an instant (its journaled time must be readable: `intake.prepare`
        checks every event's)."""
        key = (instant.ts, instant.t, instant.seq)
        moment = self._cache.get(key)
        if moment is None:
            when = instant.wall
            if when is None:
                raise ValueError(f"{instant.ts!r} is not an ISO-8601 time")
            in_utc = utc_text(when)
            moment = Moment(
                utc=str(instant.ts),
                utc_text=in_utc,
                local_text=self.local_text(when),
                clock=in_utc[11:19],
                t=round(instant.t, 3),
                t_text=t_text(instant.t),
            )
            self._cache[key] = moment
        return moment

    def maybe(self, instant: Instant | None) -> Moment | None:
        """The moment of an instant, None for none."""
        return None if instant is None else self.of(instant)
