"""The shared vocabulary of desired, recorded and live state: addresses, resources and changes.

Every layer speaks these types: the config is turned into desired Resources, the state store
records Resources, connectors read live Resources and apply Changes, the planner emits Changes.

Fields per kind (absent fields mean "not declared", never "empty"):

- account: ``status`` ("active" | "disabled"), ``roles`` (tuple of role template names, sorted;
  on platforms whose roles are not managed, the native role names the templates bind to),
  ``dispatch`` (bool), ``reception_limit`` (int), ``schedule`` (str, schedule name).
  Group membership is a field of the group, not of the account.
- role: ``permissions`` (tuple of canonical permission names, sorted, after ``extends``),
  ``native`` (tuple of platform-specific codes or role names, sorted)
- group: ``description`` (str), ``members`` (tuple of account nicknames, sorted)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypeAlias, get_args

ResourceKind = Literal["account", "role", "group"]
Action = Literal["create", "update", "delete"]
Execution = Literal["api", "manual"]
FieldValue: TypeAlias = str | int | bool | tuple[str, ...] | None

KINDS: tuple[ResourceKind, ...] = get_args(ResourceKind)

ACCOUNT_FIELDS = ("status", "roles", "dispatch", "reception_limit", "schedule")
ROLE_FIELDS = ("permissions", "native")
GROUP_FIELDS = ("description", "members")
FIELDS: Mapping[ResourceKind, tuple[str, ...]] = {
    "account": ACCOUNT_FIELDS,
    "role": ROLE_FIELDS,
    "group": GROUP_FIELDS,
}

# Bookkeeping kept with a recorded account, never sent to a platform nor diffed: whose account it
# is and their display name (so a plan still says 赵磊 once the config no longer declares them),
# which canonical permissions it granted when last applied, and when its holder left (the time
# the change that removed them was done; a plan sets it to "" and apply fills it in).
META_FIELDS = ("agent", "name", "permissions", "left")

# Apply order within a shop: roles before the accounts that use them, accounts before the
# groups that list them; deletions run in the reverse order.
KIND_ORDER: Mapping[ResourceKind, int] = {"role": 0, "account": 1, "group": 2}


class Address(NamedTuple):
    """`SHOP/KIND/NAME`: the identity of a resource, independent of its values.

    A named tuple, not a dataclass: plans of 50,000 accounts hash and compare addresses
    millions of times, and tuples do that in C.
    """

    shop: str
    kind: ResourceKind
    name: str

    def __str__(self) -> str:
        return f"{self.shop}/{self.kind}/{self.name}"

    @classmethod
    def parse(cls, text: str) -> Address:
        shop, kind, name = text.split("/", 2)
        for known in KINDS:
            if kind == known:
                return cls(shop, known, name)
        raise ValueError(f"unknown resource kind {kind!r} in address {text!r}")


@dataclass(frozen=True)
class Resource:
    """One account, role or group with its field values; `fields` must not be mutated."""

    address: Address
    fields: Mapping[str, FieldValue]
    remote_id: str | None = None

    def get(self, name: str) -> FieldValue:
        return self.fields.get(name)


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: FieldValue
    after: FieldValue


@dataclass(frozen=True)
class Change:
    """One step of a plan: an action on one resource, carried out by API or by a person.

    `fields` lists only what differs (for a create: every declared field, `before` None; for a
    delete: every recorded field, `after` None). `meta` is bookkeeping recorded with the
    resource once the change is done (see META_FIELDS). `depends_on` holds the keys of changes
    that must succeed before this one runs; when one fails, this one is skipped.
    """

    address: Address
    platform: str
    action: Action
    execution: Execution
    reason: str
    fields: tuple[FieldChange, ...] = ()
    remote_id: str | None = None
    agent: str | None = None
    meta: tuple[tuple[str, FieldValue], ...] = ()
    depends_on: tuple[str, ...] = ()
    key: str = field(default="")

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", f"{self.address}#{self.action}:{self.execution}")

    def after(self) -> dict[str, FieldValue]:
        return {change.field: change.after for change in self.fields}

    def before(self) -> dict[str, FieldValue]:
        return {change.field: change.before for change in self.fields}
