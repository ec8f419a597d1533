"""The Plan: the single source of truth for every renderer and for apply.

A Plan is immutable and self-contained: it can be written to a file (`plan --out`), read back
and applied later, and it never holds a secret or a phone number.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

from provisioner.resources import Address, Change, FieldValue, Resource

Direction = Literal["gain", "loss"]
UnmanagedMode = Literal["report", "remove", "ignore"]
Offboarding = Literal["delete", "disable"]


@dataclass(frozen=True)
class Drift:
    """A readable field whose live value differs from what was last applied: a change outside git."""

    address: Address
    field: str
    recorded: FieldValue
    live: FieldValue


@dataclass(frozen=True)
class Unmanaged:
    """An account that exists on the platform but is neither declared nor recorded."""

    address: Address
    platform: str
    mode: UnmanagedMode
    fields: tuple[tuple[str, FieldValue], ...] = ()


@dataclass(frozen=True)
class AccessChange:
    """One person gaining or losing one canonical permission through one account.

    `agent` is the person id, or "(unmanaged)" for an account nobody declared; `reason` is
    why (the account change's reason, or the role template edit that causes it).
    """

    agent: str
    shop: str
    nickname: str
    permission: str
    risk: str
    direction: Direction
    reason: str = ""


@dataclass(frozen=True)
class PendingTask:
    """A manual task opened by an earlier apply and not yet done: shown, not planned again."""

    task_id: int
    address: Address
    action: str
    summary: str


@dataclass(frozen=True)
class ProtectedNames:
    """A shop whose protected names apply records differently from the state: `names` is what
    it records, `added` and `removed` the difference (a removed name is managed from then on)."""

    shop: str
    names: tuple[str, ...]
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Summary:
    create: int
    update: int
    delete: int
    manual: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.create + self.update + self.delete


def action_counts(changes: Iterable[Change]) -> Counter[str]:
    """Resources to create, update and delete. A create split in two (the API part, then a
    manual part for fields no API can set) is one create, not a create and an update."""
    changes = tuple(changes)
    created = {change.address for change in changes if change.action == "create"}
    return Counter(
        change.action
        for change in changes
        if not (change.action == "update" and change.address in created)
    )


@dataclass(frozen=True)
class Plan:
    """Every change, in apply order, with everything a reviewer needs to judge it.

    `digest` binds a saved plan to its content: every change, adopt and forget, the shops,
    the safety verdict and the digests of the config and of the recorded and live state the
    plan was made from (plan/binding.py says what it leaves out, and why). `unsafe` holds the reasons apply refuses
    without `--force`; `adopt` lists declared resources found live and unrecorded with nothing
    to change, which apply records so they become managed. `people` pairs each person id the
    plan names with their display name (`("ma.li", "马丽")`), for renderers: the config's, else
    the one recorded with their accounts (someone offboarded); no entry when none is known.
    """

    changes: tuple[Change, ...] = ()
    unchanged: int = 0
    drift: tuple[Drift, ...] = ()
    unmanaged: tuple[Unmanaged, ...] = ()
    access_delta: tuple[AccessChange, ...] = ()
    pending: tuple[PendingTask, ...] = ()
    warnings: tuple[str, ...] = ()
    unsafe: tuple[str, ...] = ()
    adopt: tuple[Resource, ...] = ()
    forget: tuple[Address, ...] = ()
    protect: tuple[ProtectedNames, ...] = ()
    steps: tuple[tuple[str, tuple[str, ...]], ...] = ()
    platforms: tuple[tuple[str, str], ...] = ()
    people: tuple[tuple[str, str], ...] = ()
    config_digest: str = ""
    state_digest: str = ""
    digest: str = ""
    config_path: str = ""
    created_at: str = ""
    format_version: str = field(default="1")

    @cached_property
    def summary(self) -> Summary:
        actions = action_counts(self.changes)
        manual = sum(1 for change in self.changes if change.execution == "manual")
        return Summary(
            actions["create"], actions["update"], actions["delete"], manual, self.unchanged
        )

    @cached_property
    def names(self) -> dict[str, str]:
        """Display name by person id: `{"ma.li": "马丽"}`."""
        return dict(self.people)

    @cached_property
    def steps_by_key(self) -> dict[str, tuple[str, ...]]:
        return dict(self.steps)

    @property
    def has_bookkeeping(self) -> bool:
        """Apply also records something without changing any platform (adopt, forget, protect)."""
        return bool(self.adopt or self.forget or self.protect)

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def has_pending_work(self) -> bool:
        """Changes to make, or manual tasks still open: what --detailed-exitcode reports as 2."""
        return bool(self.changes or self.pending)

    @property
    def is_safe(self) -> bool:
        return not self.unsafe
