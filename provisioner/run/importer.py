"""`provisioner import`: a readable shop's live accounts, roles and groups as config YAML.

Merged into the config, the output plans to "No changes.": every account becomes an agent
(its person id a placeholder to rename), each live role a template, and on platforms that bind
templates to native roles (Kuaishou) each distinct set of native roles a template bound to it.
Scalars are written as JSON strings, which YAML reads as the same values.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from provisioner.config.loader import LoadedConfig
from provisioner.connectors.base import Connector, LiveShop, capability_for
from provisioner.errors import ProvisionerError
from provisioner.plan.desired import role_bindings
from provisioner.platforms import Platform
from provisioner.resources import FieldValue, Resource

SCHEMA_LINE = "# yaml-language-server: $schema=../schemas/provisioner.schema.json"


@dataclass(frozen=True)
class Imported:
    yaml: str
    accounts: int
    roles: int
    groups: int


def import_shop(loaded: LoadedConfig, name: str, connector: Connector) -> Imported:
    live = connector.reader().read()
    if "account" not in live.listed:
        raise ProvisionerError(
            f"{name}: {connector.platform} cannot list accounts; there is nothing to import"
        )
    shop = loaded.config.shops[name]
    declared = {
        a.nickname
        for agent in loaded.config.agents.values()
        for a in agent.accounts
        if a.shop == name
    }
    skip = declared | set(shop.protected)
    accounts = [
        r for a, r in sorted(live.resources.items()) if a.kind == "account" and a.name not in skip
    ]
    native = not capability_for(connector.capabilities, "role").managed
    templates = _Templates(loaded, name, connector.platform, native)
    memberships = _memberships(live, set(shop.groups))
    agents = {
        f"{name}.{a.address.name}": _agent(name, a, templates, memberships.get(a.address.name, []))
        for a in accounts
    }
    roles = templates.new_roles(_live_role_names(live))
    groups = [
        r
        for a, r in sorted(live.resources.items())
        if a.kind == "group" and a.name not in shop.groups
    ]
    text = _document(name, connector.platform, roles, agents, groups, connector.descriptor)
    return Imported(text, len(agents), len(roles), len(groups))


class _Templates:
    """Maps what an account holds live to role template names, inventing the missing ones."""

    def __init__(self, loaded: LoadedConfig, shop: str, platform: str, native: bool) -> None:
        self.shop, self.native = shop, native
        self.known = set(loaded.config.roles)
        self.by_native = {
            b.native_roles: b.name
            for b in role_bindings(loaded.config, platform).values()
            if b.native_roles
        }
        self.invented: dict[str, tuple[str, ...]] = {}

    def names(self, held: tuple[str, ...]) -> list[str]:
        if not held:
            return []
        if not self.native:
            for role in held:
                if role not in self.known:
                    self.invented.setdefault(role, ())
            return list(held)
        template = self.by_native.get(held) or f"{self.shop}-" + "+".join(held)
        if template not in self.known:
            self.invented.setdefault(template, held)
        return [template]

    def new_roles(self, live_roles: Iterable[str]) -> dict[str, tuple[str, ...]]:
        if not self.native:
            for role in live_roles:
                if role not in self.known:
                    self.invented.setdefault(role, ())
        return dict(sorted(self.invented.items()))


def _live_role_names(live: LiveShop) -> list[str]:
    return sorted(a.name for a in live.resources if a.kind == "role")


def _memberships(live: LiveShop, declared: set[str]) -> dict[str, list[str]]:
    """nickname -> the declared groups that list it live (undeclared groups cannot be referenced)."""
    groups: dict[str, list[str]] = {}
    for address, resource in sorted(live.resources.items()):
        members = resource.get("members")
        if address.kind == "group" and address.name in declared and isinstance(members, tuple):
            for member in members:
                groups.setdefault(member, []).append(address.name)
    return groups


def _agent(
    shop: str, account: Resource, templates: _Templates, groups: list[str]
) -> dict[str, object]:
    roles = account.get("roles")
    entry: dict[str, object] = {"shop": shop, "nickname": account.address.name}
    entry["roles"] = templates.names(roles if isinstance(roles, tuple) else ())
    for field in ("dispatch", "reception_limit", "schedule"):
        if account.get(field) is not None:
            entry[field] = account.get(field)
    if groups:
        entry["groups"] = groups
    agent: dict[str, object] = {"accounts": [entry]}
    if account.get("status") == "disabled":
        agent = {"status": "disabled", **agent}
    return agent


def _document(
    shop: str,
    platform: str,
    roles: Mapping[str, tuple[str, ...]],
    agents: Mapping[str, dict[str, object]],
    groups: list[Resource],
    descriptor: Platform,
) -> str:
    lines = [
        SCHEMA_LINE,
        f"# Imported from shop {shop} ({platform}) by `provisioner import`.",
        "# Rename each placeholder person id to the employee's id (keep the nicknames), and fill in",
        "# the permissions of imported role templates: they cannot be read from the platform. Add",
        "# what your policies require (e.g. phone) before merging this file into the config.",
    ]
    if descriptor.needs_contact_phone and agents:
        # Phones are personal data: never read back and printed, so the person adds them.
        who = descriptor.display_name.partition(" ")[0]
        lines.append(f"# {who} needs each agent's contact phone: add phone: to every agent below.")
    if roles:
        lines += ["", "roles:"]
        for name, native in roles.items():
            binding = f", native: {{{platform}: {{roles: {_flow(native)}}}}}" if native else ""
            lines.append(
                f"  {_key(name)}: {{description: {_scalar('imported from ' + shop)}, permissions: []{binding}}}"
            )
    if agents:
        lines += ["", "agents:"]
        for person, agent in agents.items():
            lines.append(f"  {_key(person)}:")
            if "status" in agent:
                lines.append(f"    status: {_scalar(str(agent['status']))}")
            lines.append("    accounts:")
            for entry in agent["accounts"]:  # type: ignore[attr-defined]
                lines.append(f"      - {_mapping(entry)}")
    if groups:
        lines += ["", f"# Dispatch groups found on the shop: add them under shops.{shop}.groups:"]
        lines += [f"#   {_key(g.address.name)}: {{}}" for g in groups]
    return "\n".join(lines) + "\n"


def _key(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _scalar(value: FieldValue | object) -> str:
    if isinstance(value, tuple | list):
        return _flow(tuple(value))
    return json.dumps(value, ensure_ascii=False)


def _flow(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(_key(v) for v in values) + "]"


def _mapping(entry: Mapping[str, object]) -> str:
    return "{" + ", ".join(f"{key}: {_scalar(value)}" for key, value in entry.items()) + "}"
