"""Instants of a run as the report shows them: UTC, the reader's zone, and T+ offsets."""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from drp_console.report.parts import Moment
from drp_console.report.timeline import offsets, parse_ts
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
        return timezone.utc, "UTC"
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
    probes = list(instants) + [datetime(year, 1, 15, 12, tzinfo=timezone.utc),
                               datetime(year, 7, 15, 12, tzinfo=timezone.utc)]
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
    return at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


class Moments:
    """Turns events (by index, in sequence order) into `Moment`s, in UTC and one zone."""

    def __init__(self, events: list[dict], zone: tzinfo) -> None:
        self.events = events
        self.zone = zone
        self.t, self.boots, self.wall_spans = offsets(events)
        self.utc_only = same_as_utc(zone, [self.wall(0), self.wall(len(events) - 1)])
        """The zone shows the same clock as UTC: texts name each time once, in UTC."""
        self._cache: dict[int, Moment] = {}

    def local_text(self, at: datetime) -> str:
        """An instant in the report's zone for people."""
        return at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S %Z")

    def at(self, index: int) -> Moment:
        """The moment of the event at `index`."""
        moment = self._cache.get(index)
        if moment is None:
            ts = str(self.events[index]["ts"])
            when = parse_ts(ts)
            t = self.t[index]
            moment = Moment(
                utc=ts,
                utc_text=utc_text(when),
                local_text=self.local_text(when),
                clock=when.astimezone(timezone.utc).strftime("%H:%M:%S"),
                t=round(t, 3),
                t_text=t_text(t),
            )
            self._cache[index] = moment
        return moment

    def wall(self, index: int) -> datetime:
        """The wall-clock time of the event at `index`."""
        return parse_ts(str(self.events[index]["ts"]))
