"""The access delta: who gains and who loses which permission. What an access reviewer reads first.

It is computed from reality, not from the config: for every account of a shop, what it holds
now (`current`: live where the platform reads it, else recorded; a disabled account grants
nothing) against what it will hold once the plan's changes are done (`current` with each
change applied). So whatever the cause — a config change, a drift undo, a re-enable, a
handover, an edited role template, an unmanaged account removed — a gain or loss shows.

Manual tasks opened by an earlier apply and still open are not this plan's work: an account
holds their result neither now nor after this apply, so they add nothing here (the plan lists
them as pending).

What an account's roles grant:
- where role templates are managed (Tmall, Pinduoduo, ...): the role's permissions as recorded
  (no platform reads a role's permissions back), as declared for a role found live and not
  recorded, as changed when the plan changes the role;
- where templates bind to the platform's own roles (Kuaishou): every permission the catalog
  lists for that platform role, plus the permissions of every template whose platform roles
  the account holds all of (never less than what the config believes it grants).
A role whose permissions nobody knows (made in a back office, never recorded) grants nothing
known; the report names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from provisioner.catalog import load_catalog
from provisioner.connectors.base import RoleBinding
from provisioner.model import Config
from provisioner.plan.model import AccessChange, Direction
from provisioner.resources import Address, Change, FieldValue, Resource

UNMANAGED = "(unmanaged)"  # the holder of an account nobody declared or recorded

Fields = Mapping[str, FieldValue]


@dataclass(frozen=True)
class RoleGrants:
    """What each role name grants on one shop, before and after the plan."""

    roles_managed: bool
    before: Mapping[str, frozenset[str]] = field(default_factory=dict)
    after: Mapping[str, frozenset[str]] = field(default_factory=dict)
    native: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # (platform roles a template binds to, its permissions): an account holding all of them
    # holds the template's permissions too.
    bound: tuple[tuple[frozenset[str], frozenset[str]], ...] = ()

    def knows(self, role: str) -> bool:
        """Whether what `role` grants now is known (a role made by hand may not be)."""
        if self.roles_managed:
            return role in self.before
        return role in self.native or any(role in needed for needed, _ in self.bound)

    def granted(self, roles: FieldValue, *, after: bool) -> frozenset[str]:
        names = roles if isinstance(roles, tuple) else ()
        table = self.native if not self.roles_managed else (self.after if after else self.before)
        found = {p for name in names for p in table.get(name, ())}
        if self.bound and names:
            held = frozenset(names)
            for needed, permissions in self.bound:
                if needed <= held:
                    found |= permissions
        return frozenset(found)


def role_grants(
    platform: str,
    roles_managed: bool,
    current: Mapping[Address, Resource],
    desired: Mapping[Address, Resource],
    changes: Iterable[Change],
    bindings: Mapping[str, RoleBinding],
) -> RoleGrants:
    """The permissions of every role of one shop that any account may hold."""
    if not roles_managed:
        bound = tuple(
            (frozenset(b.native_roles), frozenset(b.permissions))
            for b in bindings.values()
            if b.native_roles
        )
        return RoleGrants(False, native=native_role_permissions(platform), bound=bound)
    before: dict[str, frozenset[str]] = {}
    for address, resource in [*desired.items(), *current.items()]:  # current wins
        permissions = resource.get("permissions")
        if address.kind == "role" and isinstance(permissions, tuple):
            before[address.name] = frozenset(permissions)
    after = dict(before)
    for change in changes:
        if change.address.kind != "role":
            continue
        if change.action == "delete":
            after.pop(change.address.name, None)
            continue
        permissions = change.after().get("permissions")
        if isinstance(permissions, tuple):
            after[change.address.name] = frozenset(permissions)
    return RoleGrants(True, before, after)


def native_role_permissions(platform: str) -> dict[str, frozenset[str]]:
    """Platform role name -> the canonical permissions the catalog says it carries."""
    catalog = load_catalog()
    table: dict[str, set[str]] = {}
    for permission in catalog.permissions:
        mapping = catalog.mapping(platform, permission)
        if mapping is not None and mapping.native:
            table.setdefault(mapping.native, set()).add(permission)
    return {role: frozenset(permissions) for role, permissions in table.items()}


@dataclass(frozen=True)
class Holding:
    """Who holds an account and what it grants them: `held` whatever its status,
    `effective` only while it is enabled (a disabled account grants nothing)."""

    agent: str
    held: frozenset[str]
    active: bool

    @property
    def effective(self) -> frozenset[str]:
        return self.held if self.active else frozenset()


def shop_delta(
    accounts: Iterable[Address],
    current: Mapping[Address, Resource],
    desired: Mapping[Address, Resource],
    changes: Sequence[Change],
    grants: RoleGrants,
    config: Config,
) -> list[AccessChange]:
    """Gains and losses of the accounts at `accounts` of one shop (unsorted)."""
    by_account: dict[Address, list[Change]] = {}
    for change in changes:
        if change.address.kind == "account":
            by_account.setdefault(change.address, []).append(change)
    edited = {name for name in grants.after if grants.after[name] != grants.before.get(name)}
    edited |= {name for name in grants.before if name not in grants.after}
    delta: list[AccessChange] = []
    for address in accounts:
        now = current.get(address)
        account_changes = by_account.get(address, [])
        wanted = desired.get(address)
        owner = wanted.get("agent") if wanted is not None else None
        holder = now.get("agent") if now is not None else None
        # A live account nobody recorded, now declared, is adopted: its holder already had it.
        handed = holder is not None and owner is not None and owner != holder
        if not (account_changes or handed or _holds_any(now, edited)):
            continue
        before = _holding(now, grants, after=False)
        after = _holding(_after(now, account_changes), grants, after=True, agent=owner)
        if account_changes:
            reason = account_changes[0].reason
        elif handed:
            reason = f"account handed over from {holder or UNMANAGED} to {owner}"
        else:
            reason = _edited_reason(now, edited)
        delta += _differences(address, before, after, reason, config)
    return delta


def sort_delta(delta: Iterable[AccessChange]) -> tuple[AccessChange, ...]:
    """Riskiest first (critical, high, ...), gains before losses, then by person and account."""
    catalog = load_catalog()
    rank = {name: catalog.risk_rank(name) for name in catalog.permissions}
    return tuple(
        sorted(
            delta,
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


def _holds_any(resource: Resource | None, roles: set[str]) -> bool:
    held = resource.get("roles") if resource is not None else None
    return bool(roles) and isinstance(held, tuple) and any(role in roles for role in held)


def _edited_reason(resource: Resource | None, edited: set[str]) -> str:
    held = resource.get("roles") if resource is not None else None
    names = sorted(r for r in (held if isinstance(held, tuple) else ()) if r in edited)
    return f"role template {', '.join(names)} changed"


def _after(now: Resource | None, changes: Sequence[Change]) -> Fields | None:
    """The account's fields once `changes` are done (in plan order); None when it is gone."""
    fields: dict[str, FieldValue] | None = dict(now.fields) if now is not None else None
    for change in changes:
        if change.action == "delete":
            fields = None
            continue
        fields = {**(fields or {}), **change.after()}
    return fields


def _holding(
    source: Resource | Fields | None, grants: RoleGrants, *, after: bool, agent: FieldValue = None
) -> Holding | None:
    if source is None:
        return None
    fields = source.fields if isinstance(source, Resource) else source
    if agent is None:
        agent = fields.get("agent")
    return Holding(
        agent if isinstance(agent, str) and agent else UNMANAGED,
        grants.granted(fields.get("roles"), after=after),
        fields.get("status") != "disabled",
    )


def _differences(
    address: Address,
    before: Holding | None,
    after: Holding | None,
    reason: str,
    config: Config,
) -> list[AccessChange]:
    if before is not None and after is not None and _same_person(before.agent, after.agent, config):
        return [
            *_entries(after.agent, address, after.effective - before.effective, "gain", reason),
            *_entries(after.agent, address, before.effective - after.effective, "loss", reason),
        ]
    changes: list[AccessChange] = []
    if before is not None:
        # The account leaves this person: what its roles grant leaves with it, enabled or not.
        changes += _entries(before.agent, address, before.held, "loss", reason)
    if after is not None:
        changes += _entries(after.agent, address, after.effective, "gain", reason)
    return changes


def _same_person(old: str, new: str, config: Config) -> bool:
    agent = config.agents.get(new)
    return old in (new, UNMANAGED) or (agent is not None and old in agent.previously)


def _entries(
    agent: str,
    address: Address,
    permissions: frozenset[str],
    direction: Direction,
    reason: str,
) -> list[AccessChange]:
    catalog = load_catalog()
    return [
        AccessChange(
            agent,
            address.shop,
            address.name,
            p,
            catalog.risk(p) if p in catalog else "low",
            direction,
            reason,
        )
        for p in sorted(permissions)
    ]
