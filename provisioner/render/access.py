"""The access delta as a reviewer reads it: most dangerous first, one line per account and risk.

The plan lists one AccessChange per permission; a reviewer wants "王 gains finance.view and
shop.settings on acme-tmall/小王 (critical)", so permissions sharing a person, an account, a
direction and a risk level are gathered on one line.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from provisioner.catalog import RISK_ORDER, load_catalog
from provisioner.plan.model import AccessChange, Direction

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


def permission_label(permission: str) -> str:
    """`finance.view (财务查看)`: the canonical name for scripts, the label for people."""
    known = load_catalog().get(permission)
    return f"{permission} ({known.label})" if known else permission


def _order(line: AccessLine) -> tuple[int, int, str, str, str]:
    direction = _DIRECTIONS.index(line.direction)
    return risk_rank(line.risk), direction, line.agent, line.shop, line.nickname
