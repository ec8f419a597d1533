"""The access delta: who gains and who loses which permission. What an access reviewer reads first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from provisioner.catalog import load_catalog
from provisioner.model import Config
from provisioner.plan.model import AccessChange, Direction
from provisioner.resources import Address, Resource

Holder = tuple[str | None, frozenset[str]]


def holder(resource: Resource | None) -> Holder:
    """(agent, permissions) of an account; a disabled or missing account grants nothing."""
    if resource is None:
        return None, frozenset()
    agent = resource.get("agent")
    permissions = resource.get("permissions")
    granted = (
        frozenset(permissions)
        if isinstance(permissions, tuple) and resource.get("status") != "disabled"
        else frozenset()
    )
    return (agent if isinstance(agent, str) else None), granted


def access_delta(
    addresses: Iterable[Address],
    before: Mapping[Address, Resource],
    after: Mapping[Address, Resource],
    config: Config,
) -> tuple[AccessChange, ...]:
    """Gains and losses for the accounts at `addresses`, riskiest first."""
    changes: list[AccessChange] = []
    for address in addresses:
        old_agent, old = holder(before.get(address))
        new_agent, new = holder(after.get(address))
        if old_agent and new_agent and _same_person(old_agent, new_agent, config):
            old_agent = new_agent
        if old_agent == new_agent:
            changes += _entries(new_agent, address, new - old, "gain")
            changes += _entries(old_agent, address, old - new, "loss")
        else:
            changes += _entries(old_agent, address, old, "loss")
            changes += _entries(new_agent, address, new, "gain")
    catalog = load_catalog()
    rank = {name: catalog.risk_rank(name) for name in catalog.permissions}
    return tuple(
        sorted(
            changes,
            key=lambda c: (
                rank.get(c.permission, 9),
                c.direction,
                c.agent,
                c.shop,
                c.nickname,
                c.permission,
            ),
        )
    )


def _same_person(old: str, new: str, config: Config) -> bool:
    agent = config.agents.get(new)
    return old == new or (agent is not None and old in agent.previously)


def _entries(
    agent: str | None, address: Address, permissions: frozenset[str], direction: Direction
) -> list[AccessChange]:
    catalog = load_catalog()
    who = agent or "(unknown)"
    return [
        AccessChange(
            who,
            address.shop,
            address.name,
            p,
            catalog.risk(p) if p in catalog else "low",
            direction,
        )
        for p in sorted(permissions)
    ]
