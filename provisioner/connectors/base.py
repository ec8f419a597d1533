"""The connector interface: what every platform module declares and implements.

A connector is made for one shop (`ShopContext`). It declares, per resource kind, which fields
it can read live and which it can change through the platform's API (`Capabilities`); the
planner decides from that alone whether a change is `api` or `manual`. It hands planning a
`ShopReader` (reading never changes anything) and only apply gets a `ShopWriter`.

Third-party connectors subclass `Connector` and register the class under the entry point group
`provisioner.connectors`, named by platform.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

from provisioner.model import Shop
from provisioner.resources import Address, Change, Resource, ResourceKind
from provisioner.secrets import Secret


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


@dataclass(frozen=True)
class RoleBinding:
    """A role template as one platform sees it: permissions after `extends`, native extras."""

    name: str
    permissions: tuple[str, ...]
    native_codes: tuple[str, ...] = ()
    native_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShopContext:
    """Everything a connector knows about its shop. `credentials` are resolved secrets."""

    name: str
    shop: Shop
    roles: Mapping[str, RoleBinding] = field(default_factory=dict)
    credentials: Mapping[str, Secret] = field(default_factory=dict)
    state_dir: Path = Path(".provisioner")

    @property
    def platform(self) -> str:
        return self.shop.platform


@dataclass(frozen=True)
class LiveShop:
    """What was read from the platform: every resource of the kinds in `listed`."""

    resources: Mapping[Address, Resource] = field(default_factory=dict)
    listed: frozenset[ResourceKind] = frozenset()


class ShopReader(Protocol):
    def read(self) -> LiveShop:
        """Read every listable resource with its readable fields. Never changes anything."""
        ...


class ShopWriter(Protocol):
    def apply(self, change: Change) -> str | None:
        """Carry out one `api` change; return the remote id of a created resource.

        Raises a `ConnectorError` subclass on failure; `CallTimeoutError` when the outcome is
        unknown (the caller then uses `find` before retrying a create).
        """
        ...

    def find(self, address: Address) -> Resource | None:
        """Look a resource up by its natural key (nickname, role or group name)."""
        ...

    def perform_manual(self, change: Change) -> None:
        """Do what a person does in the back office for a manual change.

        Only the sandbox can: it stands in for the back office. Real platforms do nothing.
        """
        ...


class Connector(ABC):
    """One platform. Subclasses set `platform` and `capabilities` and implement the rest."""

    platform: ClassVar[str]
    capabilities: ClassVar[Capabilities]
    display_name: ClassVar[str] = ""

    def __init__(self, context: ShopContext) -> None:
        self.context = context

    @abstractmethod
    def reader(self) -> ShopReader:
        """A read-only client for planning."""

    @abstractmethod
    def writer(self) -> ShopWriter:
        """A client that changes the platform, for apply and for completing manual tasks."""

    def problems(self) -> tuple[str, ...]:
        """Plan-time configuration problems this platform cannot work with (e.g. unbound roles)."""
        return ()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


def capability_for(capabilities: Capabilities, kind: ResourceKind) -> KindCapabilities:
    return capabilities.get(kind, KindCapabilities())
