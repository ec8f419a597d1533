"""`StateReader`: what planning gets. Reading never writes, and opening never creates a store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from types import TracebackType
from typing import Any, Self

from provisioner.errors import TaskError
from provisioner.resources import Address, Resource, ResourceKind
from provisioner.state import journal, recorded, runlog, snapshot, tasklog, transfer
from provisioner.state.digest import digest
from provisioner.state.location import Location, readonly
from provisioner.state.snapshot import StateSnapshot
from provisioner.state.sql import Database
from provisioner.state.values import ApplyRun, Intent, LockInfo, Task, TaskStatus


class StateReader:
    """Read-only access to the recorded state, tasks, history and lock.

    Every method is one consistent snapshot. Safe to share between threads.
    """

    def __init__(self, db: Database, location: Location) -> None:
        self._db = db
        self.location = location

    @classmethod
    def open(cls, where: Location) -> StateReader:
        """Open the store at `where` read-only. A missing file or schema reads as an empty state.

        Raises StateError naming `where` if it is not a provisioner state store or its schema is
        newer (upgrade provisioner) or older (a writer must migrate it first), or (PostgreSQL)
        the server cannot be reached.
        """
        return cls(readonly(where), where)

    @property
    def where(self) -> str:
        """The store, as messages name it: a file path, or a PostgreSQL host/database/schema."""
        return self._db.where

    def resources(self, shop: str | None = None) -> dict[Address, Resource]:
        """Recorded resources (fields and remote ids), of one shop or all, in address order."""
        with self._db.reading() as conn:
            return recorded.select(conn, shop)

    def remote_ids(self, shop: str, kinds: Iterable[ResourceKind]) -> dict[Address, str]:
        """Recorded remote ids of `shop`'s resources of these kinds, for platforms that read
        them back by id instead of listing them."""
        with self._db.reading() as conn:
            return recorded.remote_ids(conn, shop, kinds)

    def shops(self) -> frozenset[str]:
        """Shops that have recorded resources."""
        with self._db.reading() as conn:
            return recorded.shops(conn)

    def intents(self) -> dict[Address, Intent]:
        """Creates and deletes sent by an apply that did not live to record their results."""
        with self._db.reading() as conn:
            return journal.intents(conn)

    def protected(self, shop: str) -> frozenset[str]:
        """The protected nicknames recorded for `shop`."""
        with self._db.reading() as conn:
            return recorded.protected(conn, shop)

    def tasks(self, status: TaskStatus | None = None) -> tuple[Task, ...]:
        """Manual tasks, all or those with `status`, in id order."""
        with self._db.reading() as conn:
            return tasklog.select(conn, status)

    def open_tasks_by_key(self) -> dict[str, Task]:
        """Open tasks keyed by the `Change.key` they were opened for."""
        return {task.key: task for task in self.tasks("open")}

    def task(self, task_id: int) -> Task:
        """The task with id `task_id`; TaskError if there is none."""
        with self._db.reading() as conn:
            found = tasklog.get(conn, task_id)
        if found is None:
            raise TaskError(f"there is no task {task_id}")
        return found

    def history(self, limit: int = 20) -> tuple[ApplyRun, ...]:
        """The last `limit` runs, newest first, each with its change results in order.

        A run recorded as "running" while no live process holds the apply lock died before
        it finished: it reads as "interrupted" (the next lock holder records it so).
        """
        with self._db.reading() as conn:
            runs = runlog.latest(conn, limit)
        if self._db.live_holder() is not None:
            return runs
        return tuple(
            replace(run, status="interrupted") if run.status == "running" else run for run in runs
        )

    def lock_info(self) -> LockInfo | None:
        """Who holds the apply lock, or None."""
        return self._db.lock_info()

    def digest(self) -> str:
        """`sha256:<hex>` over recorded resources, protected names, open tasks and intents.

        It changes exactly when one of those does; history, closed tasks and the lock do not
        count. A missing file has the digest of an empty store.
        """
        with self._db.reading() as conn:
            return digest(
                (
                    ("resources", recorded.canonical_resources(conn)),
                    ("protected", recorded.canonical_protected(conn)),
                    ("open_tasks", tasklog.canonical_open(conn)),
                    ("pending", journal.canonical(conn)),
                )
            )

    def snapshot(self) -> StateSnapshot:
        """What planning reads (resources, protected names, intents, open tasks and their
        `digest`), in one read transaction of one query per table, whatever the shop count."""
        with self._db.reading() as conn:
            return snapshot.read(conn)

    def export(self) -> dict[str, Any]:
        """The whole state (but the lock) as a `transfer` document, from one snapshot."""
        with self._db.reading() as conn:
            return transfer.export(conn)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
