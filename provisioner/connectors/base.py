"""The connector interface: what every platform module declares and implements.

A connector is made for one shop (`ShopContext`). It declares, per resource kind, which fields
it can read live and which it can change through the platform's API (`Capabilities`); the
planner decides from that alone whether a change is `api` or `manual`. It hands planning a
`ShopReader` (reading never changes anything) and only apply gets a `ShopWriter`. Where a
stand-in back office exists (the sandbox), `desk()` hands it to whoever closes manual tasks.

Third-party connectors subclass `Connector` and register the class under the entry point group
`provisioner.connectors`, named by platform.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import ClassVar, Protocol

from provisioner.config.checks import Finding
from provisioner.model import Schedule, Shop
from provisioner.platforms import (  # re-exported: connectors, third-party ones too, import them here
    NO_API,
    Capabilities,
    KindCapabilities,
    Platform,
    capability_for,
    descriptor,
)
from provisioner.resources import Address, Change, Resource, ResourceKind
from provisioner.secrets import Secret

__all__ = [
    "NO_API",
    "BackOfficeDesk",
    "Capabilities",
    "Connector",
    "KindCapabilities",
    "LiveShop",
    "RoleBinding",
    "ShopContext",
    "ShopReader",
    "ShopWriter",
    "capability_for",
]


@dataclass(frozen=True)
class RoleBinding:
    """A role template as one platform sees it: permissions after `extends`, native extras."""

    name: str
    permissions: tuple[str, ...]
    native_codes: tuple[str, ...] = ()
    native_roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class ShopContext:
    """Everything a connector knows about its shop. `credentials` are resolved secrets.

    `contacts`: each declared nickname's agent phone, for platforms whose create needs one
    (`Platform.needs_contact_phone`); a secret, sent to the platform and shown nowhere.
    `recorded_ids`: the recorded remote ids of the kinds the platform reads back by id because
    it cannot list them (`Platform.read_by_recorded_id`). `language`, `timezone` and
    `schedules` are the team's, for the steps of manual tasks. `trusted`: recorded accounts (by
    nickname) the config does not change, whose per-account details a reader may take from the
    record instead of calling for them (`plan --refresh=changed`); empty for a full refresh.
    """

    name: str
    shop: Shop
    roles: Mapping[str, RoleBinding] = field(default_factory=dict)
    credentials: Mapping[str, Secret] = field(default_factory=dict)
    state_dir: Path = Path(".provisioner")
    contacts: Mapping[str, Secret] = field(default_factory=dict)
    recorded_ids: Mapping[Address, str] = field(default_factory=dict)
    language: str = "zh-CN"  # settings.language: manual-task steps are written in it
    timezone: str = "Asia/Shanghai"  # settings.timezone
    schedules: Mapping[str, Schedule] = field(default_factory=dict)  # to spell them out in steps
    trusted: Mapping[str, Resource] = field(default_factory=dict)

    @property
    def platform(self) -> str:
        return self.shop.platform

    @property
    def descriptor(self) -> Platform:
        return descriptor(self.shop.platform)


@dataclass(frozen=True)
class LiveShop:
    """What was read from the platform: every resource of the kinds in `listed`.

    `unread`: per kind, readable fields this read could not get (say, an API the platform has
    retired or not granted): planning takes their recorded values, as if they were not
    readable, and shows `warnings`.
    """

    resources: Mapping[Address, Resource] = field(default_factory=dict)
    listed: frozenset[ResourceKind] = frozenset()
    unread: Mapping[ResourceKind, frozenset[str]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def degrade(self, capabilities: Capabilities) -> Capabilities:
        """`capabilities` with the fields this read could not get no longer readable."""
        if not self.unread:
            return capabilities
        return {
            kind: replace(cap, readable=cap.readable - self.unread.get(kind, frozenset()))
            for kind, cap in capabilities.items()
        }


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


class BackOfficeDesk(Protocol):
    def perform(self, change: Change) -> None:
        """Do what a person does in the back office for a manual change.

        Only a stand-in for the back office has one (the sandbox, test platforms): when a
        manual task is marked done there, it performs the change so the next plan reads it.
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

    def desk(self) -> BackOfficeDesk | None:
        """The stand-in back office that performs manual changes, where there is one (the
        sandbox); None on a real platform, where a person does them."""
        return None

    @property
    def descriptor(self) -> Platform:
        return descriptor(self.platform)

    def problems(self) -> tuple[Finding | str, ...]:
        """Plan-time configuration problems this platform cannot work with (e.g. unbound roles).

        A `Finding` names the place in the config that caused it (`loc`, as in
        `("roles", "presales", "native", "kuaishou", "roles")`), so the user sees its file,
        line and column; a plain string is shown at the shop's entry.
        """
        return ()

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
