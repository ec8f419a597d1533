"""What a platform's API can do with each kind of resource (DESIGN §1: readable and writable).

The planner decides from these alone whether a change is `api` or `manual`; connectors declare
them through their platform's descriptor (`provisioner.platforms.builtin`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from provisioner.resources import ResourceKind


@dataclass(frozen=True)
class KindCapabilities:
    """What a platform can do with one kind of resource.

    - `listable`: the platform lists these resources, so their existence is read live and
      resources that exist but are not declared can be reported as unmanaged;
    - `readable`: fields whose current value is read live (others: the recorded value counts);
    - `writable`: fields an API call can change on an existing resource;
    - `create`: the API can create one, setting `create_fields` (other declared fields
      follow as a manual update); `delete`: the API can delete one;
    - `managed`: False when templates bind to resources the platform owns (Kuaishou roles):
      then no resource of this kind is planned at all.
    """

    listable: bool = False
    readable: frozenset[str] = frozenset()
    writable: frozenset[str] = frozenset()
    create: bool = False
    create_fields: frozenset[str] = frozenset()
    delete: bool = False
    managed: bool = True

    @property
    def can_disable(self) -> bool:
        return "status" in self.writable


Capabilities = Mapping[ResourceKind, KindCapabilities]

NO_API: Capabilities = {
    "account": KindCapabilities(),
    "role": KindCapabilities(),
    "group": KindCapabilities(),
}


def capability_for(capabilities: Capabilities, kind: ResourceKind) -> KindCapabilities:
    return capabilities.get(kind, KindCapabilities())


def sends_permissions(capabilities: Capabilities) -> bool:
    """Whether an API call carries permissions as the platform's own codes: roles created or
    changed with their permissions (TOP), or templates bound to the platform's roles
    (Kuaishou). Elsewhere a person ticks the boxes the manual steps name."""
    role = capability_for(capabilities, "role")
    return not role.managed or "permissions" in role.create_fields | role.writable
