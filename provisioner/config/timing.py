"""Durations (`settings.tasks.due`) and moments (`valid_from`, `expires`) as the config writes them.

A moment is a date (`2026-06-01`) or a date-time (`2026-06-01 09:00`, `2026-06-01T09:00`), read
in the team's time zone (`settings.timezone`) unless it carries its own offset. As a `valid_from`
a date means the start of that day; as an `expires` it means the end of it: `expires:
2026-06-20` is the last day the account works.
"""

from __future__ import annotations

import re
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import Literal

_UNITS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_DURATION = re.compile(r"^(?:\d+[wdhms])+$")
_PART = re.compile(r"(\d+)([wdhms])")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Edge = Literal["start", "end"]


def parse_duration(text: str) -> timedelta | None:
    """`4h`, `3d`, `90m`, `1d12h`: None when it is not one, or is zero."""
    compact = text.strip()
    if not _DURATION.match(compact):
        return None
    seconds = sum(int(number) * _UNITS[unit] for number, unit in _PART.findall(compact))
    return timedelta(seconds=seconds) if seconds > 0 else None


@cache
def zone(name: str) -> tzinfo:
    """The IANA zone `name`; the checks have made sure it exists."""
    return zoneinfo.ZoneInfo(name)


def parse_moment(text: str, timezone: str, edge: Edge) -> datetime | None:
    """The instant `text` names, in UTC-aware form; None when it is neither a date nor a date-time."""
    value = text.strip()
    if _DATE.match(value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        if edge == "end":
            day += timedelta(days=1)
        return datetime(day.year, day.month, day.day, tzinfo=zone(timezone))
    if len(value) < 16 or value[10] not in " T":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=zone(timezone))


@dataclass(frozen=True)
class Window:
    """When an account may exist: from `start` (inclusive) until `end` (exclusive); None: open."""

    start: datetime | None = None
    end: datetime | None = None

    def contains(self, moment: datetime) -> bool:
        return (self.start is None or moment >= self.start) and (
            self.end is None or moment < self.end
        )

    def narrowed(self, other: Window) -> Window:
        """Both windows at once: an account inside an agent's window."""
        starts = [moment for moment in (self.start, other.start) if moment is not None]
        ends = [moment for moment in (self.end, other.end) if moment is not None]
        return Window(max(starts) if starts else None, min(ends) if ends else None)


def window(valid_from: str | None, expires: str | None, timezone: str) -> Window:
    """The window two config values describe; unparsable values (the checks report them) are open."""
    start = parse_moment(valid_from, timezone, "start") if valid_from else None
    end = parse_moment(expires, timezone, "end") if expires else None
    return Window(start, end)


def show(moment: datetime, timezone: str) -> str:
    """`2026-12-02 08:37 (UTC+8)`: readable, and unambiguous when a team spans zones."""
    here = moment.astimezone(zone(timezone))
    offset = here.utcoffset() or timedelta()
    minutes = int(offset.total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{here:%Y-%m-%d %H:%M} (UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") + ")"
