"""Times as the team reads them: in `settings.timezone`, to the minute, with the offset."""

from __future__ import annotations

from datetime import datetime, timedelta

from provisioner.config.timing import show, zone

__all__ = ["iso", "local", "show", "span"]


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(zone(timezone))


def iso(moment: datetime, timezone: str) -> str:
    """ISO 8601 with the team's offset, for JSON: `2026-12-02T08:37:39+08:00`."""
    return local(moment, timezone).isoformat(timespec="seconds")


def span(delta: timedelta, language: str) -> str:
    """A rough length of time: `2 天 3 小时`, `45 分钟`; `2 d 3 h`, `45 min`."""
    minutes = max(int(abs(delta).total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    zh = language == "zh-CN"
    units = (("天", "d"), ("小时", "h"), ("分钟", "min"))
    parts = []
    for amount, (chinese, english) in zip((days, hours, mins), units, strict=True):
        if amount:
            parts.append(f"{amount} {chinese if zh else english}")
    # Two units at most, and never days with minutes: "2 天 3 小时", "3 小时 59 分钟".
    keep = 1 if days and not hours else 2
    return " ".join(parts[:keep]) or ("不到 1 分钟" if zh else "under a minute")
