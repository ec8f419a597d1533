"""One descriptor per platform: name, API family, naming rules, account-name format,
back-office menus, capabilities and connector (DESIGN §1, §4).

Ranked low in the import order (only `errors` and `resources` come before it), so the config
checks, the permission catalog, the planner and the connectors all read the same facts.
"""

from provisioner.platforms.capabilities import (
    NO_API,
    Capabilities,
    KindCapabilities,
    capability_for,
    sends_permissions,
)
from provisioner.platforms.descriptor import ApiFamily, BackOffice, NamingRule, Platform
from provisioner.platforms.registry import (
    ENTRY_POINT_GROUP,
    builtin_platforms,
    descriptor,
    is_known,
    known_platforms,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "NO_API",
    "ApiFamily",
    "BackOffice",
    "Capabilities",
    "KindCapabilities",
    "NamingRule",
    "Platform",
    "builtin_platforms",
    "capability_for",
    "descriptor",
    "is_known",
    "known_platforms",
    "sends_permissions",
]
