"""Every account that exists on every shop, with what it grants: the access report's data.

Built from reality, like the access delta: each shop's accounts as they are now (live where
the platform lists them, else as recorded), whoever holds them: declared and managed,
unmanaged (on the platform, never declared), protected, disabled, or waiting for a manual task
(a deletion or another change still open). What an account grants is what its roles grant
(see `provisioner.plan.delta`), disabled or not: a disabled account keeps its roles, and the
report shows them with the account's status.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from provisioner.catalog import RISK_ORDER, load_catalog
from provisioner.connectors.base import capability_for
from provisioner.model import Config
from provisioner.plan.delta import UNMANAGED, RoleGrants, role_grants
from provisioner.plan.planner import Observed, Parts
from provisioner.resources import Address, Resource
from provisioner.state import Task

STATUSES = (
    "managed",
    "unmanaged",
    "protected",
    "disabled",
    "pending deletion",
    "pending change",
)


@dataclass(frozen=True)
class AccountAccess:
    """One account of one shop: who holds it and what it grants, riskiest permission first.

    `management` is "managed" (declared in the config), "unmanaged" or "protected"; `status`
    "active" or "disabled"; `pending` the open manual tasks on it ("deletion #12",
    "change #13"); `unknown_roles` the roles whose permissions nobody knows (made in a back
    office, never recorded); `risk` the highest risk of its permissions ("" for none).
    """

    shop: str
    platform: str
    nickname: str
    agent: str
    name: str
    management: str
    status: str
    pending: tuple[str, ...]
    roles: tuple[str, ...]
    permissions: tuple[str, ...]
    risk: str
    unknown_roles: tuple[str, ...] = ()

    @property
    def statuses(self) -> tuple[str, ...]:
        """What the report's status filter matches: management, disabled, pending work."""
        found = [self.management]
        if self.status == "disabled":
            found.append("disabled")
        if any(p.startswith("deletion") for p in self.pending):
            found.append("pending deletion")
        if any(p.startswith("change") for p in self.pending):
            found.append("pending change")
        return tuple(found)


def inventory(
    config: Config,
    found: Parts,
    observed: Observed,
    open_tasks: Iterable[Task],
    protected: Mapping[str, frozenset[str]],
) -> tuple[AccountAccess, ...]:
    """Every existing account of the planned shops, by person, shop and nickname."""
    tasks: dict[Address, list[Task]] = {}
    for task in open_tasks:
        tasks.setdefault(task.address, []).append(task)
    rows: list[AccountAccess] = []
    for name, part in zip(found.shops, found.parts, strict=True):
        shop = config.shops[name]
        if shop.retired:
            continue
        wanted = {a: r for a, r in found.desired.items() if a.shop == name}
        grants = role_grants(
            shop.platform,
            capability_for(observed.capabilities[name], "role").managed,
            part.current,
            wanted,
            (),
            found.desired_state.bindings(shop.platform),
        )
        for address, resource in part.current.items():
            if address.kind == "account":
                rows.append(
                    _row(config, shop.platform, resource, wanted.get(address), grants,
                         tasks.get(address, ()), protected.get(name, frozenset()))
                )  # fmt: skip
    return tuple(sorted(rows, key=_order))


def highest_risk(permissions: Iterable[str]) -> str:
    catalog = load_catalog()
    risks = {catalog.risk(p) for p in permissions if p in catalog}
    return next((risk for risk in RISK_ORDER if risk in risks), "")


def _row(
    config: Config,
    platform: str,
    resource: Resource,
    wanted: Resource | None,
    grants: RoleGrants,
    tasks: Sequence[Task],
    protected: frozenset[str],
) -> AccountAccess:
    address = resource.address
    agent = (wanted or resource).get("agent")
    holder = agent if isinstance(agent, str) and agent else UNMANAGED
    roles = resource.get("roles")
    held = tuple(sorted(roles)) if isinstance(roles, tuple) else ()
    permissions = _riskiest_first(grants.granted(held, after=False))
    person = config.agents.get(holder)
    if address.name in protected:
        management = "protected"
    else:
        management = "managed" if wanted is not None else "unmanaged"
    return AccountAccess(
        shop=address.shop,
        platform=platform,
        nickname=address.name,
        agent=holder,
        name=(person.name or "") if person is not None else "",
        management=management,
        status="disabled" if resource.get("status") == "disabled" else "active",
        pending=tuple(
            f"{'deletion' if t.action == 'delete' else 'change'} #{t.id}"
            for t in sorted(tasks, key=lambda t: t.id)
        ),
        roles=held,
        permissions=permissions,
        risk=highest_risk(permissions),
        unknown_roles=tuple(r for r in held if not grants.knows(r)),
    )


def _riskiest_first(permissions: Iterable[str]) -> tuple[str, ...]:
    catalog = load_catalog()
    return tuple(
        sorted(permissions, key=lambda p: (catalog.risk_rank(p) if p in catalog else 9, p))
    )


def _order(row: AccountAccess) -> tuple[bool, str, str, str]:
    return row.agent == UNMANAGED, row.agent, row.shop, row.nickname
