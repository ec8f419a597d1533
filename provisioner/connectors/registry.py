"""Which connector class serves which platform: the descriptors' import strings, where the
`provisioner.connectors` entry points of installed packages take precedence."""

from __future__ import annotations

import importlib
from functools import cache

from provisioner.connectors.base import Connector
from provisioner.errors import ProvisionerError
from provisioner.platforms import descriptor
from provisioner.platforms.registry import plugins


@cache
def connector_class(platform: str) -> type[Connector]:
    """The connector for `platform`, imported on first use; a plugin of the same name overrides
    a built-in."""
    entry = plugins().get(platform)
    if entry is not None:
        loaded = entry.load()
    else:
        module, _, name = descriptor(platform).connector.partition(":")
        if not module:
            raise ProvisionerError(f"no connector for platform '{platform}'")
        loaded = getattr(importlib.import_module(module), name)
    if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
        raise ProvisionerError(f"connector for '{platform}' is not a provisioner Connector class")
    return loaded
