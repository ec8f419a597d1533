"""Which platform names a config may use, and each platform's naming rules."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.metadata import entry_points

from provisioner.model import BUILTIN_PLATFORMS

ENTRY_POINT_GROUP = "provisioner.connectors"
TEST_PLATFORMS = ("memory",)  # the in-memory connector the test-suite and demos use


@dataclass(frozen=True)
class NamingRule:
    max_nickname: int
    max_role: int
    forbidden: str = ""


# Tmall/Taobao: sub-accounts are "<main>:<nickname>", so ':' cannot appear in a nickname,
# and TOP refuses role names over 20 characters. Other limits are the back offices' form limits.
NAMING: dict[str, NamingRule] = {
    "tmall": NamingRule(max_nickname=20, max_role=20, forbidden=":"),
    "taobao": NamingRule(max_nickname=20, max_role=20, forbidden=":"),
    "kuaishou": NamingRule(max_nickname=20, max_role=30),
    "pinduoduo": NamingRule(max_nickname=20, max_role=30),
    "douyin": NamingRule(max_nickname=20, max_role=30),
    "jd": NamingRule(max_nickname=20, max_role=30),
}
DEFAULT_RULE = NamingRule(max_nickname=64, max_role=64)


@cache
def known_platforms() -> tuple[str, ...]:
    """Built-in platforms plus every connector registered by an installed package."""
    plugins = {entry.name for entry in entry_points(group=ENTRY_POINT_GROUP)}
    return tuple(sorted({*BUILTIN_PLATFORMS, *TEST_PLATFORMS, *plugins}))


def naming_rule(platform: str) -> NamingRule:
    return NAMING.get(platform, DEFAULT_RULE)


def needs_main_account(platform: str) -> bool:
    return platform in ("tmall", "taobao")
