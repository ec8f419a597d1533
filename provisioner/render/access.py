"""The access delta as a reviewer reads it: most dangerous first, by person, risk and account.

Low-risk permissions are many and routine (every agent gets `chat.reply`): renderers count them
per row (`+7 low-risk`) unless asked for the full list. `shared` merges one person's rows that
grant the same at the same risk on several accounts.

The plan lists one AccessChange per permission; a reviewer wants "王 gains finance.view and
shop.settings on acme-tmall/小王 (critical)", so permissions sharing a person, an account, a
direction and a risk level are gathered on one line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from provisioner.catalog import RISK_ORDER, load_catalog
from provisioner.plan.model import AccessChange, Direction
from provisioner.render.values import clean

_DIRECTIONS: tuple[Direction, ...] = ("gain", "loss")  # a new grant is the riskier news


@dataclass(frozen=True)
class AccessLine:
    agent: str
    shop: str
    nickname: str
    direction: Direction
    risk: str
    permissions: tuple[str, ...]

    @property
    def account(self) -> str:
        return f"{self.shop}/{self.nickname}"

    @property
    def verb(self) -> str:
        return "gains" if self.direction == "gain" else "loses"


def risk_rank(risk: str) -> int:
    """0 for critical up to 3 for low; a risk the catalog does not know sorts last."""
    return RISK_ORDER.index(risk) if risk in RISK_ORDER else len(RISK_ORDER)


def is_high(risk: str) -> bool:
    return risk_rank(risk) <= RISK_ORDER.index("high")


def access_lines(delta: Iterable[AccessChange]) -> tuple[AccessLine, ...]:
    """Grouped lines, critical first, then high, …; gains before losses at the same risk."""
    groups: dict[tuple[str, str, str, Direction, str], set[str]] = {}
    for change in delta:
        key = (change.agent, change.shop, change.nickname, change.direction, change.risk)
        groups.setdefault(key, set()).add(change.permission)
    lines = [AccessLine(*key, tuple(sorted(perms))) for key, perms in groups.items()]
    return tuple(sorted(lines, key=_order))


def by_person(lines: Iterable[AccessLine]) -> dict[str, tuple[AccessLine, ...]]:
    """Lines per person; given `access_lines` order, the most dangerous person comes first."""
    people: dict[str, list[AccessLine]] = {}
    for line in lines:
        people.setdefault(line.agent, []).append(line)
    return {agent: tuple(items) for agent, items in people.items()}


@dataclass(frozen=True)
class SharedLine:
    """One person's same grant (or loss) at one risk on several accounts: one row for all."""

    direction: Direction
    risk: str
    permissions: tuple[str, ...]
    accounts: tuple[str, ...]

    @property
    def verb(self) -> str:
        return "gains" if self.direction == "gain" else "loses"


def shared(lines: Iterable[AccessLine]) -> tuple[SharedLine, ...]:
    """One person's lines with the same direction, risk and permissions merged across accounts
    (马丽 gains the same on five shops: one row naming five accounts), in `access_lines` order."""
    merged: dict[tuple[Direction, str, tuple[str, ...]], list[str]] = {}
    for line in lines:
        merged.setdefault((line.direction, line.risk, line.permissions), []).append(line.account)
    return tuple(SharedLine(*key, tuple(accounts)) for key, accounts in merged.items())


def is_low(risk: str) -> bool:
    """Low risk: counted, not listed, unless the reader asks (`--verbose`)."""
    return risk_rank(risk) == RISK_ORDER.index("low")


def low_risk_count(line: AccessLine | SharedLine) -> str:
    """`+5 low-risk` for gains, `-3 low-risk` for losses."""
    sign = "+" if line.direction == "gain" else "-"
    return f"{sign}{len(line.permissions)} low-risk"


def person_label(agent: str, names: Mapping[str, str]) -> str:
    """`马丽 (ma.li)`: the config's name, then the id; the id alone when no name is known (an
    agent offboarded from the config); printable, like every name that reaches a terminal."""
    if not agent:
        return "(no agent)"
    name = names.get(agent)
    return clean(f"{name} ({agent})" if name and name != agent else agent)


def permission_label(permission: str) -> str:
    """`finance.view (财务查看)`: the canonical name for scripts, the label for people."""
    known = load_catalog().get(permission)
    return f"{permission} ({known.label})" if known else permission


def _order(line: AccessLine) -> tuple[int, int, str, str, str]:
    direction = _DIRECTIONS.index(line.direction)
    return risk_rank(line.risk), direction, line.agent, line.shop, line.nickname
