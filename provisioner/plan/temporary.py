"""Temporary staff (618, 双11): what the plan says about accounts with valid_from / expires."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from provisioner.config.timing import show
from provisioner.model import Config
from provisioner.plan.desired import Placed, account_window

SOON = timedelta(days=7)


@dataclass(frozen=True)
class WindowNotes:
    """Per shop: why accounts are gone (nickname -> reason); plan-wide: what to tell the reviewer."""

    ended: dict[str, dict[str, str]]
    notes: list[str]


def window_notes(
    config: Config, placed: Iterable[tuple[str, Placed]], now: datetime
) -> WindowNotes:
    """`placed`: (shop, (agent id, agent, account)) of every shop being planned."""
    zone = config.settings.timezone
    ended: dict[str, dict[str, str]] = {}
    notes: list[str] = []
    for shop, (agent_id, agent, account) in placed:
        if not (agent.valid_from or agent.expires or account.valid_from or account.expires):
            continue
        window = account_window(config, agent, account)
        address = f"{shop}/account/{account.nickname}"
        if window.end is not None and window.end <= now:
            ended.setdefault(shop, {})[account.nickname] = (
                f"temporary account of agent {agent_id} expired {show(window.end, zone)}"
            )
        elif window.start is not None and now < window.start:
            notes.append(
                f"{address}: not created before valid_from {show(window.start, zone)} "
                f"({_in(window.start - now)}; agent {agent_id})"
            )
        elif window.end is not None and window.end - now <= SOON:
            notes.append(
                f"{address}: expires {_in(window.end - now)} ({show(window.end, zone)}; "
                f"agent {agent_id}); it is offboarded by the first apply after that"
            )
    return WindowNotes(ended, notes)


def _in(left: timedelta) -> str:
    days = left.days
    if days >= 1:
        return f"in {days} day{'s' if days != 1 else ''}"
    hours = int(left.total_seconds() // 3600)
    return f"in {hours} hour{'s' if hours != 1 else ''}" if hours else "within the hour"
