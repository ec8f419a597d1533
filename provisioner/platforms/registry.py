"""Which platforms exist: the built-in descriptors plus connectors installed by other packages.

Third parties register a `Connector` subclass under the entry point group
`provisioner.connectors`, named by platform. A plugin named like a built-in platform replaces
its connector and keeps its descriptor; any other gets generic naming rules and back-office
words. Finding the names reads package metadata only: no connector is imported until a shop
connects.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from provisioner.platforms.builtin import BUILTIN
from provisioner.platforms.descriptor import Platform

ENTRY_POINT_GROUP = "provisioner.connectors"


def builtin_platforms() -> tuple[str, ...]:
    """The platforms this package ships, in the order the docs list them."""
    return tuple(BUILTIN)


@cache
def plugins() -> dict[str, EntryPoint]:
    """Connectors registered by installed packages, by platform name."""
    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


@cache
def known_platforms() -> tuple[str, ...]:
    """Built-in platforms plus every connector registered by an installed package, sorted."""
    return tuple(sorted({*BUILTIN, *plugins()}))


def descriptor(platform: str) -> Platform:
    """The platform's descriptor (generic for a plugin platform, or one nobody knows)."""
    entry = plugins().get(platform)
    connector = entry.value if entry is not None else ""
    if platform in BUILTIN:
        builtin = BUILTIN[platform]
        return builtin if entry is None else replace(builtin, connector=connector)
    return Platform(name=platform, display_name=platform, connector=connector)
