"""Rules the models cannot express: references, names, schedules and policies (DESIGN §2).

Each check yields Findings located by their path in the merged config; the loader turns them
into `FILE:LINE:COL: path: message`. A message may hold `{related}`, filled with the place of
the other party (e.g. where a nickname was first claimed).
"""

from __future__ import annotations

import fnmatch
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from provisioner.catalog import load_catalog
from provisioner.config.platforms import known_platforms, naming_rule, needs_main_account
from provisioner.config.roles import effective_permissions, extends_cycles
from provisioner.config.suggest import did_you_mean
from provisioner.errors import Severity
from provisioner.model import Config

Loc = tuple[str | int, ...]
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_PHONE = re.compile(r"^\+?[0-9][0-9-]{6,19}$")


@dataclass(frozen=True)
class Finding:
    loc: Loc
    message: str
    severity: Severity = "error"
    at_key: bool = False
    related: Loc | None = None


class Checker:
    """Runs every rule over one structurally valid Config."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.catalog = load_catalog()

    @cached_property
    def permissions(self) -> dict[str, frozenset[str]]:
        return effective_permissions(self.config.roles)

    def run(self) -> list[Finding]:
        rules = (
            self.shops, self.roles, self.schedules, self.accounts, self.nicknames,
            self.renames, self.policies, self.unmapped,
        )  # fmt: skip
        return [finding for rule in rules for finding in rule()]

    def shops(self) -> Iterator[Finding]:
        platforms = known_platforms()
        for name, shop in self.config.shops.items():
            loc: Loc = ("shops", name)
            if shop.platform not in platforms:
                hint = did_you_mean(shop.platform, platforms)
                known = ", ".join(platforms)
                yield Finding(
                    (*loc, "platform"), f"unknown platform '{shop.platform}'{hint} (known: {known})"
                )
            elif needs_main_account(shop.platform) and not shop.main_account:
                yield Finding(
                    loc,
                    f"a {shop.platform} shop needs main_account (sub-accounts are MAIN:NICKNAME)",
                )

    def roles(self) -> Iterator[Finding]:
        roles, platforms = self.config.roles, known_platforms()
        for name, role in roles.items():
            for index, parent in enumerate(role.extends):
                if parent not in roles:
                    hint = did_you_mean(parent, roles)
                    yield Finding(
                        ("roles", name, "extends", index), f"unknown role '{parent}'{hint}"
                    )
            for index, permission in enumerate(role.permissions):
                if permission not in self.catalog:
                    hint = did_you_mean(permission, self.catalog.permissions)
                    yield Finding(
                        ("roles", name, "permissions", index),
                        f"unknown permission '{permission}'{hint}",
                    )
            for platform in role.native:
                if platform not in platforms:
                    hint = did_you_mean(platform, platforms)
                    yield Finding(
                        ("roles", name, "native", platform),
                        f"unknown platform '{platform}'{hint}",
                        at_key=True,
                    )
        for cycle in extends_cycles(roles):
            yield Finding(("roles", cycle[0], "extends"), f"extends cycle: {' -> '.join(cycle)}")

    def schedules(self) -> Iterator[Finding]:
        for name, schedule in self.config.schedules.items():
            loc: Loc = ("schedules", name)
            if not _valid_timezone(schedule.timezone):
                yield Finding(
                    (*loc, "timezone"),
                    f"unknown timezone '{schedule.timezone}' (use an IANA name such as Asia/Shanghai)",
                )
            for index, shift in enumerate(schedule.shifts):
                yield from _shift_findings((*loc, "shifts", index), shift.from_, shift.to)

    def accounts(self) -> Iterator[Finding]:
        config = self.config
        for agent_id, agent in config.agents.items():
            for index, account in enumerate(agent.accounts):
                loc: Loc = ("agents", agent_id, "accounts", index)
                shop = config.shops.get(account.shop)
                if shop is None:
                    yield Finding(
                        (*loc, "shop"),
                        f"unknown shop '{account.shop}'{did_you_mean(account.shop, config.shops)}",
                    )
                elif shop.retired:
                    yield Finding(
                        (*loc, "shop"), f"shop '{account.shop}' is retired; remove this account"
                    )
                for position, role in enumerate(account.roles):
                    if role not in config.roles:
                        yield Finding(
                            (*loc, "roles", position),
                            f"unknown role '{role}'{did_you_mean(role, config.roles)}",
                        )
                if account.schedule is not None and account.schedule not in config.schedules:
                    hint = did_you_mean(account.schedule, config.schedules)
                    yield Finding(
                        (*loc, "schedule"), f"unknown schedule '{account.schedule}'{hint}"
                    )
                groups = shop.groups if shop is not None else {}
                for position, group in enumerate(account.groups):
                    if shop is not None and group not in groups:
                        hint = did_you_mean(group, groups)
                        yield Finding(
                            (*loc, "groups", position),
                            f"unknown group '{group}' of shop '{account.shop}'{hint}",
                        )
                if agent.phone is not None and not _PHONE.match(agent.phone):
                    yield Finding(
                        ("agents", agent_id, "phone"), 'phone must be digits, e.g. "13800000001"'
                    )

    def nicknames(self) -> Iterator[Finding]:
        claimed: dict[tuple[str, str], Loc] = {}
        for agent_id, agent in self.config.agents.items():
            for index, account in enumerate(agent.accounts):
                loc: Loc = ("agents", agent_id, "accounts", index, "nickname")
                shop = self.config.shops.get(account.shop)
                if shop is not None:
                    yield from _nickname_rules(loc, account.nickname, shop.platform)
                key = (account.shop, account.nickname)
                first = claimed.setdefault(key, loc)
                if first is not loc:
                    owner = first[1]
                    message = f"nickname '{account.nickname}' on shop '{account.shop}' is already claimed by agent '{owner}' at {{related}}"
                    yield Finding(loc, message, related=first)
        yield from self._role_names()

    def _role_names(self) -> Iterator[Finding]:
        used_on: dict[str, set[str]] = {}
        for agent in self.config.agents.values():
            for account in agent.accounts:
                shop = self.config.shops.get(account.shop)
                for role in account.roles:
                    if shop is not None:
                        used_on.setdefault(role, set()).add(shop.platform)
        for role, platforms in sorted(used_on.items()):
            for platform in sorted(platforms):
                limit = naming_rule(platform).max_role
                if role in self.config.roles and len(role) > limit:
                    message = f"role name '{role}' is {len(role)} characters; {platform} allows at most {limit}"
                    yield Finding(("roles", role), message, at_key=True)

    def renames(self) -> Iterator[Finding]:
        agents = self.config.agents
        previous: dict[str, str] = {}
        for agent_id, agent in agents.items():
            for index, old in enumerate(agent.previously):
                loc: Loc = ("agents", agent_id, "previously", index)
                if old in agents:
                    yield Finding(
                        loc, f"'{old}' is still a current agent; a renamed person appears once"
                    )
                elif old in previous:
                    yield Finding(
                        loc, f"'{old}' is already claimed as a former id by agent '{previous[old]}'"
                    )
                previous.setdefault(old, agent_id)

    def policies(self) -> Iterator[Finding]:
        for index, policy in enumerate(self.config.settings.policies):
            loc: Loc = ("settings", "policies", index)
            if policy.deny:
                yield from self._denied(
                    loc, policy.name, policy.roles, policy.except_roles, policy.deny
                )
            for field in policy.require_agent_fields:
                for agent_id, agent in self.config.agents.items():
                    if getattr(agent, field) in (None, ""):
                        message = f"policy '{policy.name}' requires '{field}' for every agent; agent '{agent_id}' has none"
                        yield Finding(("agents", agent_id), message, at_key=True)

    def _denied(
        self,
        loc: Loc,
        policy: str,
        globs: tuple[str, ...],
        exempt: tuple[str, ...],
        deny: tuple[str, ...],
    ) -> Iterator[Finding]:
        holders = self._holders()
        for role in self.config.roles:
            if not _matches(role, globs) or _matches(role, exempt):
                continue
            denied = sorted(p for p in self.permissions[role] if _matches(p, deny))
            if denied:
                who = _names(holders.get(role, []))
                message = (
                    f"policy '{policy}' forbids {', '.join(denied)} in role '{role}'"
                    f" (held by {who}; policy at {{related}})"
                )
                yield Finding(("roles", role), message, at_key=True, related=loc)

    def _holders(self) -> dict[str, list[str]]:
        holders: dict[str, list[str]] = {}
        for agent_id, agent in self.config.agents.items():
            for role in {role for account in agent.accounts for role in account.roles}:
                holders.setdefault(role, []).append(agent_id)
        return holders

    def unmapped(self) -> Iterator[Finding]:
        platforms_of: dict[str, set[str]] = {}
        for agent in self.config.agents.values():
            for account in agent.accounts:
                shop = self.config.shops.get(account.shop)
                for role in account.roles:
                    if shop is not None and role in self.permissions:
                        platforms_of.setdefault(role, set()).add(shop.platform)
        for role, platforms in platforms_of.items():
            gaps = [
                f"{', '.join(missing)} on {platform}"
                for platform in sorted(platforms)
                if platform in self.catalog.mappings
                and (missing := self.catalog.unmapped(platform, sorted(self.permissions[role])))
            ]
            if gaps:
                message = f"no native mapping for {'; '.join(gaps)}: manual steps will name them"
                yield Finding(("roles", role), message, "warning", at_key=True)


def _nickname_rules(loc: Loc, nickname: str, platform: str) -> Iterator[Finding]:
    rule = naming_rule(platform)
    if len(nickname) > rule.max_nickname:
        yield Finding(
            loc,
            f"nickname '{nickname}' is {len(nickname)} characters; {platform} allows at most {rule.max_nickname}",
        )
    bad = sorted({char for char in nickname if char in rule.forbidden or char.isspace()})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        yield Finding(loc, f"nickname '{nickname}' contains {shown}, not allowed on {platform}")


def _shift_findings(loc: Loc, start: str, end: str) -> Iterator[Finding]:
    for key, value in (("from", start), ("to", end)):
        if not _TIME.match(value):
            yield Finding(
                (*loc, key),
                f"bad time '{value}': write \"HH:MM\" with hours 00-23 and minutes 00-59",
            )
    if start == end:
        yield Finding(loc, f"shift from {start} to {end} is empty")


def _valid_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _matches(name: str, globs: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(name, glob) for glob in globs)


def _names(agents: list[str]) -> str:
    if not agents:
        return "no agent"
    shown = ", ".join(sorted(agents)[:5])
    more = f" and {len(agents) - 5} more" if len(agents) > 5 else ""
    return f"agent{'s' if len(agents) > 1 else ''} {shown}{more}"
