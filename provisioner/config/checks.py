"""Rules the models cannot express: references, names, schedules and policies (DESIGN §2).

Each check yields Findings located by their path in the merged config; the loader turns them
into `FILE:LINE:COL: path: message`. A message may hold `{related}`, filled with the place of
the other party (e.g. where a nickname was first claimed).
"""

from __future__ import annotations

import fnmatch
import re
import zoneinfo
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache, cached_property
from pathlib import Path

from provisioner.catalog import load_catalog
from provisioner.config.roles import effective_permissions, extends_cycles
from provisioner.config.suggest import did_you_mean
from provisioner.config.timing import parse_duration, parse_moment
from provisioner.config.webhooks import webhook_problem
from provisioner.errors import Severity
from provisioner.model import Account, Config
from provisioner.platforms import (
    builtin_platforms,
    descriptor,
    is_known,
    known_platforms,
    sends_permissions,
)

Loc = tuple[str | int, ...]
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_SHORT_TIME = re.compile(r"^[0-9]:[0-5][0-9]$")
_PHONE = re.compile(r"^\+?[0-9][0-9-]{6,19}$")


@dataclass(frozen=True)
class Finding:
    loc: Loc
    message: str
    severity: Severity = "error"
    at_key: bool = False
    related: Loc | None = None


@dataclass(frozen=True)
class Unchecked:
    """What the models rejected and the loader left out: references to it are not judged.

    `names` holds (section, name) pairs such as ("shops", "acme-tmall"); `sections` whole
    sections, or "*" when a misspelt top-level key may have hidden any of them.
    """

    names: frozenset[tuple[str, str]] = frozenset()
    sections: frozenset[str] = frozenset()

    def covers(self, section: str, name: str) -> bool:
        return bool(self.sections & {section, "*"}) or (section, name) in self.names


class Checker:
    """Runs every rule over one structurally valid Config."""

    def __init__(
        self,
        config: Config | None,
        unchecked: Unchecked = Unchecked(),
        base_dir: Path = Path("."),
    ) -> None:
        self.config = config if config is not None else Config(version=1)
        self.unchecked = unchecked
        self.base_dir = base_dir
        self.catalog = load_catalog()

    def _unknown(self, section: str, name: str, known: Iterable[str]) -> bool:
        """`name` is not defined in `section` (and was not left out for another error)."""
        return name not in known and not self.unchecked.covers(section, name)

    @cached_property
    def permissions(self) -> dict[str, frozenset[str]]:
        return effective_permissions(self.config.roles)

    def run(self) -> list[Finding]:
        rules = (
            self.settings, self.shops, self.roles, self.schedules, self.accounts,
            self.nicknames, self.renames, self.policies, self.unmapped, self.windows,
            self.handovers,
        )  # fmt: skip
        return [finding for rule in rules for finding in rule()]

    def settings(self) -> Iterator[Finding]:
        settings = self.config.settings
        if not _valid_timezone(settings.timezone):
            message = f"unknown timezone '{settings.timezone}'{_timezone_hint(settings.timezone)}"
            yield Finding(("settings", "timezone"), message)
        for kind in ("offboarding", "default"):
            value = getattr(settings.tasks.due, kind)
            if parse_duration(value) is None:
                yield Finding(("settings", "tasks", "due", kind), _bad_duration(value))
        for index, bot in enumerate(settings.notify):
            problem = webhook_problem(bot.webhook, self.base_dir)
            if problem is not None:
                yield Finding(("settings", "notify", index, "webhook"), problem)

    def windows(self) -> Iterator[Finding]:
        """valid_from / expires: readable moments, in order; already expired is a warning."""
        timezone = self.config.settings.timezone
        if not _valid_timezone(timezone):
            return
        now = datetime.now(UTC)
        for agent_id, agent in self.config.agents.items():
            loc: Loc = ("agents", agent_id)
            yield from _window_findings(loc, agent.valid_from, agent.expires, timezone, now)
            for index, account in enumerate(agent.accounts):
                yield from _window_findings(
                    (*loc, "accounts", index), account.valid_from, account.expires, timezone, now
                )

    def shops(self) -> Iterator[Finding]:
        for name, shop in self.config.shops.items():
            loc: Loc = ("shops", name)
            if not is_known(shop.platform):
                yield Finding((*loc, "platform"), _unknown_platform(shop.platform))
            elif descriptor(shop.platform).needs_main_account and not shop.main_account:
                message = (
                    f"missing required key 'main_account': a {shop.platform} shop needs it, "
                    "because its sub-accounts are named MAIN_ACCOUNT:NICKNAME"
                )
                yield Finding(loc, message, at_key=True)

    def roles(self) -> Iterator[Finding]:
        roles = self.config.roles
        for name, role in roles.items():
            for index, parent in enumerate(role.extends):
                if self._unknown("roles", parent, roles):
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
                if not is_known(platform):
                    loc = ("roles", name, "native", platform)
                    yield Finding(loc, _unknown_platform(platform), at_key=True)
        for cycle in extends_cycles(roles):
            yield Finding(("roles", cycle[0], "extends"), f"extends cycle: {' -> '.join(cycle)}")

    def schedules(self) -> Iterator[Finding]:
        for name, schedule in self.config.schedules.items():
            loc: Loc = ("schedules", name)
            if not _valid_timezone(schedule.timezone):
                message = (
                    f"unknown timezone '{schedule.timezone}'{_timezone_hint(schedule.timezone)}"
                )
                yield Finding((*loc, "timezone"), message)
            for index, shift in enumerate(schedule.shifts):
                yield from _shift_findings((*loc, "shifts", index), shift.from_, shift.to)

    def accounts(self) -> Iterator[Finding]:
        for agent_id, agent in self.config.agents.items():
            if agent.phone is not None and not _PHONE.match(agent.phone):
                # The number itself is personal data: never repeated in a message.
                message = 'phone must be digits (an optional leading +), e.g. "13800000001"'
                yield Finding(("agents", agent_id, "phone"), message)
            for index, account in enumerate(agent.accounts):
                loc: Loc = ("agents", agent_id, "accounts", index)
                yield from self._account(loc, account)
                yield from self._contact_phone(loc, account, agent.phone)

    def _contact_phone(self, loc: Loc, account: Account, phone: str | None) -> Iterator[Finding]:
        shop = self.config.shops.get(account.shop)
        if shop is None or phone or shop.retired:
            return
        platform = descriptor(shop.platform)
        if platform.needs_contact_phone:
            name = platform.display_name.partition(" ")[0]
            yield Finding(
                loc,
                f"{name} needs a contact phone to create a sub-account: add a phone to this agent",
            )

    def _account(self, loc: Loc, account: Account) -> Iterator[Finding]:
        config = self.config
        shop = config.shops.get(account.shop)
        if shop is None and self._unknown("shops", account.shop, config.shops):
            hint = did_you_mean(account.shop, config.shops)
            yield Finding((*loc, "shop"), f"unknown shop '{account.shop}'{hint}")
        elif shop is not None and shop.retired:
            message = f"shop '{account.shop}' is retired; remove this account"
            yield Finding((*loc, "shop"), message)
        for position, role in enumerate(account.roles):
            if self._unknown("roles", role, config.roles):
                hint = did_you_mean(role, config.roles)
                yield Finding((*loc, "roles", position), f"unknown role '{role}'{hint}")
        schedule = account.schedule
        if schedule is not None and self._unknown("schedules", schedule, config.schedules):
            hint = did_you_mean(schedule, config.schedules)
            yield Finding((*loc, "schedule"), f"unknown schedule '{schedule}'{hint}")
        groups = shop.groups if shop is not None else {}
        for position, group in enumerate(account.groups):
            if shop is not None and group not in groups:
                hint = did_you_mean(group, groups)
                message = f"unknown group '{group}' of shop '{account.shop}'{hint}"
                if not groups:
                    message += f" (shop '{account.shop}' declares no groups)"
                yield Finding((*loc, "groups", position), message)

    def nicknames(self) -> Iterator[Finding]:
        claimed: dict[tuple[str, str], Loc] = {}
        for agent_id, agent in self.config.agents.items():
            for index, account in enumerate(agent.accounts):
                loc: Loc = ("agents", agent_id, "accounts", index, "nickname")
                shop = self.config.shops.get(account.shop)
                if shop is not None:
                    yield from _nickname_rules(loc, account.nickname, shop.platform)
                first = claimed.setdefault((account.shop, account.nickname), loc)
                if first is not loc:
                    yield Finding(loc, _claimed(account, agent_id, first), related=first)
        yield from self._role_names()

    def handovers(self) -> Iterator[Finding]:
        """`handover_from`: a platform that can reset accounts, and a holder who let go of it."""
        for agent_id, agent in self.config.agents.items():
            for index, account in enumerate(agent.accounts):
                old = account.handover_from
                if old is None:
                    continue
                loc: Loc = ("agents", agent_id, "accounts", index, "handover_from")
                shop = self.config.shops.get(account.shop)
                if old == agent_id or old in agent.previously:
                    yield Finding(loc, f"{old} is this person: a handover needs another person")
                elif (kept := self._kept(old, account)) is not None:
                    first = ("agents", old, "accounts", kept)
                    message = (
                        f"{old} still holds {account.shop}/{account.nickname} ({{related}}): "
                        f"remove it from {old} first"
                    )
                    yield Finding(loc, message, related=first)
                if shop is not None and not descriptor(shop.platform).handover:
                    message = (
                        f"{shop.platform} cannot reset an account for a new person (password, "
                        "phone binding), so it cannot be handed over: give the new person "
                        "another nickname"
                    )
                    yield Finding(loc, message)

    def _kept(self, agent_id: str, account: Account) -> int | None:
        """The index of `agent_id`'s declaration of the same shop and nickname, if any."""
        agent = self.config.agents.get(agent_id)
        accounts = agent.accounts if agent is not None else ()
        return next(
            (
                index
                for index, mine in enumerate(accounts)
                if (mine.shop, mine.nickname) == (account.shop, account.nickname)
            ),
            None,
        )

    def _role_names(self) -> Iterator[Finding]:
        used_on: dict[tuple[str, str], str] = {}  # (role, platform) -> first shop using it
        for agent in self.config.agents.values():
            for account in agent.accounts:
                shop = self.config.shops.get(account.shop)
                for role in account.roles:
                    if shop is not None and role in self.config.roles:
                        used_on.setdefault((role, shop.platform), account.shop)
        for (role, platform), shop_name in sorted(used_on.items()):
            limit = descriptor(platform).naming.max_role
            if len(role) > limit:
                message = (
                    f"role name '{role}' is {len(role)} characters; {platform} allows at most "
                    f"{limit} (the role is used on shop '{shop_name}')"
                )
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
                        message = (
                            f"policy '{policy.name}' requires '{field}' for every agent; "
                            f"agent '{agent_id}' has none"
                        )
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
                shown = ", ".join(self._origin(role, permission) for permission in denied)
                message = (
                    f"policy '{policy}' forbids {shown} in role '{role}'"
                    f" (held by {who}; policy at {{related}})"
                )
                yield Finding(("roles", role), message, at_key=True, related=loc)

    def _origin(self, role: str, permission: str) -> str:
        """`permission`, and the role it is inherited from when `role` does not list it."""
        seen, queue = set(), [role]
        while queue:
            name = queue.pop(0)
            template = self.config.roles.get(name)
            if template is None or name in seen:
                continue
            seen.add(name)
            if permission in template.permissions:
                return permission if name == role else f"{permission} (from '{name}')"
            queue.extend(template.extends)
        return permission

    def _holders(self) -> dict[str, list[str]]:
        holders: dict[str, list[str]] = {}
        for agent_id, agent in self.config.agents.items():
            for role in {role for account in agent.accounts for role in account.roles}:
                holders.setdefault(role, []).append(agent_id)
        return holders

    def unmapped(self) -> Iterator[Finding]:
        # Only where an API call must carry the platform's code: a manual task names the
        # permission itself, so a platform without a known box for it loses nothing there.
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
                and sends_permissions(descriptor(platform).capabilities)
                and (missing := self.catalog.unmapped(platform, sorted(self.permissions[role])))
            ]
            if gaps:
                message = f"no native mapping for {'; '.join(gaps)}: manual steps will name them"
                yield Finding(("roles", role), message, "warning", at_key=True)


def _claimed(account: Account, agent_id: str, first: Loc) -> str:
    where = f"nickname '{account.nickname}' on shop '{account.shop}'"
    if first[1] == agent_id:
        return f"{where} is declared twice for this agent (first at {{related}})"
    return (
        f"{where} is already claimed by agent '{first[1]}' at {{related}}; "
        "two people cannot share one account"
    )


def _nickname_rules(loc: Loc, nickname: str, platform: str) -> Iterator[Finding]:
    rule = descriptor(platform).naming
    if len(nickname) > rule.max_nickname:
        message = (
            f"nickname '{nickname}' is {len(nickname)} characters; "
            f"{platform} allows at most {rule.max_nickname}"
        )
        yield Finding(loc, message)
    bad = sorted({char for char in nickname if char in rule.forbidden or char.isspace()})
    if bad:
        shown = ", ".join(repr(char) for char in bad)
        yield Finding(loc, f"nickname '{nickname}' contains {shown}, not allowed on {platform}")


def _bad_duration(value: str) -> str:
    return (
        f"bad duration '{value}': write a number and a unit, e.g. 4h, 3d, 90m or 1d12h "
        "(units: w d h m s)"
    )


_MOMENT_HINT = 'write "YYYY-MM-DD" or "YYYY-MM-DD HH:MM"'


def _window_findings(
    loc: Loc, valid_from: str | None, expires: str | None, timezone: str, now: datetime
) -> Iterator[Finding]:
    start = parse_moment(valid_from, timezone, "start") if valid_from is not None else None
    end = parse_moment(expires, timezone, "end") if expires is not None else None
    if valid_from is not None and start is None:
        yield Finding((*loc, "valid_from"), f"bad date '{valid_from}': {_MOMENT_HINT}")
    if expires is not None and end is None:
        yield Finding((*loc, "expires"), f"bad date '{expires}': {_MOMENT_HINT}")
    if start is not None and end is not None and end <= start:
        message = f"expires {expires} is not after valid_from {valid_from}"
        yield Finding((*loc, "expires"), message)
    elif end is not None and end <= now:
        days = (now - end).days
        ago = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
        message = (
            f"expired {expires} ({ago}): offboarded at the next apply; "
            "remove it from the config once it is"
        )
        yield Finding((*loc, "expires"), message, severity="warning")


def _unknown_platform(platform: str) -> str:
    # The hint knows installed plugins too; the list shows what this package ships.
    shown = sorted(builtin_platforms())
    hint = did_you_mean(platform, known_platforms())
    return f"unknown platform '{platform}'{hint} (known: {', '.join(shown)})"


def _shift_findings(loc: Loc, start: str, end: str) -> Iterator[Finding]:
    for key, value in (("from", start), ("to", end)):
        if not _TIME.match(value):
            yield Finding((*loc, key), _bad_time(value))
    if start == end:
        yield Finding(loc, f"shift from {start} to {end} is empty")


def _bad_time(value: str) -> str:
    if _SHORT_TIME.match(value):
        return f"bad time '{value}': write the hour with two digits, \"0{value}\""
    if value.startswith("24:"):
        return f"bad time '{value}': hours go up to 23; midnight is \"00:00\""
    return f'bad time \'{value}\': write "HH:MM", hours 00-23 and minutes 00-59, e.g. "09:30"'


# Names people write for China time that are not IANA zones.
_CHINA_TIME = ("Asia/Beijing", "Beijing", "China", "CST", "UTC+8", "GMT+8", "UTC+08:00")


def _timezone_hint(name: str) -> str:
    if name.casefold() in {alias.casefold() for alias in _CHINA_TIME}:
        return "; did you mean 'Asia/Shanghai'? (China's IANA zone is named after Shanghai)"
    return did_you_mean(name, _timezones()) or " (write an IANA name such as Asia/Shanghai)"


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _valid_timezone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a name too long
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
