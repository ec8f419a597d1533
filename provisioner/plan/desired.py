"""The config as the resources each shop should have: the "desired" side of every diff."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from provisioner.config.roles import effective_permissions
from provisioner.config.timing import Window, window
from provisioner.connectors.base import Capabilities, RoleBinding, capability_for
from provisioner.model import Account, Agent, Config, Shop
from provisioner.resources import Address, FieldValue, Resource


@dataclass(frozen=True)
class DesiredShop:
    """What one shop should look like, plus which person each account belongs to."""

    name: str
    shop: Shop
    resources: Mapping[Address, Resource] = field(default_factory=dict)


def role_bindings(config: Config, platform: str) -> dict[str, RoleBinding]:
    """Every role template as `platform` sees it."""
    permissions = effective_permissions(config.roles)
    bindings = {}
    for name, role in config.roles.items():
        native = role.native.get(platform)
        bindings[name] = RoleBinding(
            name=name,
            permissions=tuple(sorted(permissions.get(name, ()))),
            native_codes=tuple(sorted(native.permission_codes)) if native else (),
            native_roles=tuple(sorted(native.roles)) if native else (),
        )
    return bindings


Placed = tuple[str, Agent, Account]


def accounts_by_shop(config: Config) -> dict[str, list[Placed]]:
    """Every declared account, grouped by shop, in config order (one pass over the agents)."""
    index: dict[str, list[Placed]] = {}
    for agent_id, agent in config.agents.items():
        for account in agent.accounts:
            index.setdefault(account.shop, []).append((agent_id, agent, account))
    return index


def desired_shop(
    config: Config, name: str, capabilities: Capabilities, accounts: list[Placed]
) -> DesiredShop:
    """The resources shop `name` should have. Accounts of disabled agents are desired disabled."""
    return DesiredState(config).shop(name, capabilities, accounts)


def account_window(config: Config, agent: Agent, account: Account) -> Window:
    """When an account may exist: its own valid_from/expires within its agent's."""
    zone = config.settings.timezone
    own = window(account.valid_from, account.expires, zone)
    return own.narrowed(window(agent.valid_from, agent.expires, zone))


class DesiredState:
    """Builds each shop's desired resources, sharing per-platform work across shops.

    Temporary staff: an account outside its window at `now` (before `valid_from`, after
    `expires`) is not desired, so it is not created, or is offboarded like a removed agent's.
    """

    def __init__(self, config: Config, now: datetime | None = None) -> None:
        self.config = config
        self.now = now or datetime.now(UTC)
        self._bindings: dict[str, dict[str, RoleBinding]] = {}
        self._grants: dict[
            tuple[str, bool, tuple[str, ...]], tuple[tuple[str, ...], tuple[str, ...]]
        ] = {}

    def bindings(self, platform: str) -> dict[str, RoleBinding]:
        if platform not in self._bindings:
            self._bindings[platform] = role_bindings(self.config, platform)
        return self._bindings[platform]

    def shop(self, name: str, capabilities: Capabilities, accounts: list[Placed]) -> DesiredShop:
        shop = self.config.shops[name]
        roles_managed = capability_for(capabilities, "role").managed
        resources: dict[Address, Resource] = {}
        accounts = [placed for placed in accounts if self.current(placed)]
        for agent_id, agent, account in accounts:
            if account.nickname not in shop.protected:
                roles, permissions = self._grant(shop.platform, roles_managed, account.roles)
                resource = _account(name, agent_id, agent, account, roles, permissions)
                resources[resource.address] = resource
        if roles_managed:
            bindings = self.bindings(shop.platform)
            for role in sorted({role for _, _, account in accounts for role in account.roles}):
                resources[Address(name, "role", role)] = _role(name, bindings[role])
        for group, spec in shop.groups.items():
            members = sorted(
                a.nickname
                for _, agent, a in accounts
                if group in a.groups and agent.status == "active"
            )
            fields: dict[str, FieldValue] = {
                "description": spec.description,
                "members": tuple(members),
            }
            resources[Address(name, "group", group)] = Resource(
                Address(name, "group", group), fields
            )
        return DesiredShop(name, shop, resources)

    def current(self, placed: Placed) -> bool:
        """Whether the account is inside its valid_from/expires window now."""
        _, agent, account = placed
        if not (agent.valid_from or agent.expires or account.valid_from or account.expires):
            return True
        return account_window(self.config, agent, account).contains(self.now)

    def _grant(
        self, platform: str, roles_managed: bool, templates: tuple[str, ...]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(the account's `roles` field, its canonical permissions), once per distinct role list."""
        key = (platform, roles_managed, templates)
        known = self._grants.get(key)
        if known is None:
            bindings = self.bindings(platform)
            names = sorted(set(templates))
            if roles_managed:
                roles = tuple(names)
            else:
                roles = tuple(
                    sorted({native for t in names for native in bindings[t].native_roles})
                )
            permissions = tuple(sorted({p for t in names for p in bindings[t].permissions}))
            known = self._grants[key] = (roles, permissions)
        return known


def _account(
    shop: str,
    agent_id: str,
    agent: Agent,
    account: Account,
    roles: tuple[str, ...],
    permissions: tuple[str, ...],
) -> Resource:
    fields: dict[str, FieldValue] = {"status": agent.status, "roles": roles}
    for name in ("dispatch", "reception_limit", "schedule"):
        value = getattr(account, name)
        if value is not None:
            fields[name] = value
    fields["agent"] = agent_id
    fields["name"] = agent.name or ""  # "" so a holder without a name never keeps another's
    fields["permissions"] = permissions
    return Resource(Address(shop, "account", account.nickname), fields)


def _role(shop: str, binding: RoleBinding) -> Resource:
    fields: dict[str, FieldValue] = {
        "permissions": binding.permissions,
        "native": binding.native_codes,
    }
    return Resource(Address(shop, "role", binding.name), fields)
