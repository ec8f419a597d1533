"""Which connector class serves which platform: built-ins plus the `provisioner.connectors` entry points."""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from provisioner.config.platforms import ENTRY_POINT_GROUP
from provisioner.connectors.base import Connector
from provisioner.errors import ProvisionerError

BUILTIN: dict[str, str] = {
    "tmall": "provisioner.connectors.top:TmallConnector",
    "taobao": "provisioner.connectors.top:TaobaoConnector",
    "kuaishou": "provisioner.connectors.kuaishou:KuaishouConnector",
    "pinduoduo": "provisioner.connectors.manual:PinduoduoConnector",
    "douyin": "provisioner.connectors.manual:DouyinConnector",
    "jd": "provisioner.connectors.manual:JdConnector",
    "memory": "provisioner.connectors.memory:MemoryConnector",
}


@cache
def connector_class(platform: str) -> type[Connector]:
    """The connector for `platform`; a plugin of the same name overrides a built-in."""
    plugins = {entry.name: entry for entry in entry_points(group=ENTRY_POINT_GROUP)}
    if platform in plugins:
        loaded = plugins[platform].load()
    elif platform in BUILTIN:
        module, _, name = BUILTIN[platform].partition(":")
        loaded = getattr(importlib.import_module(module), name)
    else:
        raise ProvisionerError(f"no connector for platform '{platform}'")
    if not (isinstance(loaded, type) and issubclass(loaded, Connector)):
        raise ProvisionerError(f"connector for '{platform}' is not a provisioner Connector class")
    return loaded
