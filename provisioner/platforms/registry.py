"""Which platforms exist: the built-in descriptors plus connectors installed by other packages.

Third parties register a `Connector` subclass under the entry point group
`provisioner.connectors`, named by platform. A plugin named like a built-in platform replaces
its connector and keeps its descriptor; any other gets generic naming rules and back-office
words. Finding the names reads package metadata only: no connector is imported until a shop
connects. A built-in name needs no metadata at all (scanning every installed distribution costs
~10 ms of each start-up): plugins are looked up only for a name that is not built in, a
connector about to be imported, or the full list.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from provisioner.platforms.builtin import BUILTIN
from provisioner.platforms.descriptor import Platform

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

ENTRY_POINT_GROUP = "provisioner.connectors"


def builtin_platforms() -> tuple[str, ...]:
    """The platforms this package ships, in the order the docs list them."""
    return tuple(BUILTIN)


@cache
def plugins() -> dict[str, EntryPoint]:
    """Connectors registered by installed packages, by platform name."""
    from importlib.metadata import entry_points

    return {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}


@cache
def known_platforms() -> tuple[str, ...]:
    """Built-in platforms plus every connector registered by an installed package, sorted."""
    return tuple(sorted({*BUILTIN, *plugins()}))


def is_known(platform: str) -> bool:
    """Built in, or registered by an installed package."""
    return platform in BUILTIN or platform in plugins()


def descriptor(platform: str) -> Platform:
    """The platform's descriptor (generic for a plugin platform, or one nobody knows).

    A built-in's `connector` is its own; `connectors.registry` lets a plugin of the same name
    take precedence when the connector is imported."""
    if platform in BUILTIN:
        return BUILTIN[platform]
    entry = plugins().get(platform)
    connector = entry.value if entry is not None else ""
    return Platform(name=platform, display_name=platform, connector=connector)
