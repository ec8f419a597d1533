"""`StateSnapshot`: everything planning reads of the state, read at once into one value.

Planning used to ask the store per shop (protected names, remote ids) and then hash every row
again in another transaction for the digest: on PostgreSQL each question is a round trip, so
a 1,000-shop plan made thousands. `read` asks one query per table, all shops at once, inside
the one read transaction it is given, and the digest is computed from the very rows read, so
it is the value `StateReader.digest()` gives for that state and binds a saved plan to exactly
what was planned from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from provisioner.resources import Address, Resource, ResourceKind
from provisioner.state import journal, recorded, tasklog
from provisioner.state.digest import digest
from provisioner.state.sql import Connection
from provisioner.state.values import Intent, Task


@dataclass(frozen=True)
class StateSnapshot:
    """Recorded resources (address order), protected names by shop, intents, open tasks (id
    order) and their digest, as one consistent read. Immutable; safe to share between threads.
    """

    recorded: Mapping[Address, Resource]
    protected_by_shop: Mapping[str, frozenset[str]]
    pending: Mapping[Address, Intent]
    open_tasks: tuple[Task, ...]
    digest: str
    _by_shop: Mapping[str, Mapping[Address, Resource]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        by_shop: dict[str, dict[Address, Resource]] = {}
        for address, resource in self.recorded.items():
            by_shop.setdefault(address.shop, {})[address] = resource
        object.__setattr__(self, "_by_shop", MappingProxyType(by_shop))

    def resources(self, shop: str | None = None) -> dict[Address, Resource]:
        """Recorded resources, of one shop or all, in address order (a copy to keep)."""
        return dict(self.recorded if shop is None else self._by_shop.get(shop, {}))

    def shops(self) -> frozenset[str]:
        """Shops that have recorded resources."""
        return frozenset(self._by_shop)

    def protected(self, shop: str) -> frozenset[str]:
        return self.protected_by_shop.get(shop, frozenset())

    def intents(self) -> dict[Address, Intent]:
        return dict(self.pending)

    def open_tasks_by_key(self) -> dict[str, Task]:
        """Open tasks keyed by the `Change.key` they were opened for."""
        return {task.key: task for task in self.open_tasks}

    def remote_ids(self, shop: str, kinds: Iterable[ResourceKind]) -> dict[Address, str]:
        """Recorded remote ids of `shop`'s resources of these kinds (those that have one)."""
        wanted = frozenset(kinds)
        return {
            address: resource.remote_id
            for address, resource in self._by_shop.get(shop, {}).items()
            if address.kind in wanted and resource.remote_id is not None
        }


def read(conn: Connection) -> StateSnapshot:
    """The snapshot, from `conn` already inside one read transaction: four queries in all."""
    resource_rows = recorded.canonical_rows(conn)
    protected_rows = list(recorded.canonical_protected(conn))
    task_rows = tasklog.open_rows(conn)
    pending_rows = journal.rows(conn)
    by_shop: dict[str, set[str]] = {}
    for shop, name in protected_rows:
        by_shop.setdefault(str(shop), set()).add(str(name))
    return StateSnapshot(
        recorded=MappingProxyType(recorded.decoded(resource_rows)),
        protected_by_shop=MappingProxyType({s: frozenset(n) for s, n in by_shop.items()}),
        pending=MappingProxyType(journal.decoded(pending_rows)),
        open_tasks=tuple(tasklog.decoded(row) for row in task_rows),
        digest=digest(
            (
                ("resources", resource_rows),
                ("protected", protected_rows),
                ("open_tasks", (tasklog.defining(row) for row in task_rows)),
                ("pending", pending_rows),
            )
        ),
    )
