"""`StateStore`: the writer, for apply and `tasks`. Every method is one transaction."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager

from provisioner.errors import StateError, TaskError
from provisioner.resources import Address, Change, Resource
from provisioner.state import journal, recorded, runlog, tasklog, transfer
from provisioner.state.location import Location, writable
from provisioner.state.lock import held
from provisioner.state.reader import StateReader
from provisioner.state.sql import Connection
from provisioner.state.timestamps import now
from provisioner.state.values import (
    ClosedHow,
    LockInfo,
    ResultStatus,
    RunStatus,
    Task,
    TaskStatus,
)

log = logging.getLogger(__name__)


class StateStore(StateReader):
    """Read and write access. Safe to share between threads; writers in other processes queue."""

    @classmethod
    def open(cls, where: Location) -> StateStore:
        """Open the store at `where`, creating it (a SQLite file and its parent directories,
        or a PostgreSQL schema and its tables), migrating an older schema.

        Raises StateError naming `where` if it is not a provisioner state store, its schema is
        newer than this provisioner's, or (PostgreSQL) the server cannot be reached.
        """
        return cls(writable(where), where)

    # Recorded state ------------------------------------------------------------------------

    def record(self, resource: Resource) -> None:
        """Insert or replace the recorded fields and remote id of `resource.address`.

        Raises ValueError, recording nothing, if a field is not one `provisioner.resources`
        declares for the kind, or a value is not a FieldValue.
        """
        self.record_many((resource,))

    def record_many(self, resources: Iterable[Resource]) -> None:
        """`record` for many resources in one transaction: all of them or none."""
        with self._db.writing() as conn:
            recorded.upsert(conn, (recorded.row(resource) for resource in resources))

    def forget(self, address: Address) -> None:
        """Drop what is recorded for `address`; a no-op if nothing is."""
        with self._db.writing() as conn:
            recorded.delete(conn, address)

    def forget_shop(self, shop: str) -> None:
        """Drop every recorded resource and protected name of `shop` (tasks and history stay)."""
        with self._db.writing() as conn:
            recorded.delete_shop(conn, shop)

    def intend(self, change: Change, resource: Resource | None, run_id: int) -> None:
        """Write down, before it is sent, that `change` (a create or delete) is about to happen.

        `resource` is what a create records once done. Its own transaction: it must be on disk
        before the platform hears of the change.
        """
        with self._db.writing() as conn:
            journal.mark(conn, change.address, change.action, resource, run_id, now())

    def settle(self, address: Address) -> None:
        """The intent for `address` is resolved: its result is recorded (or it surely failed)."""
        with self._db.writing() as conn:
            journal.clear(conn, address)

    def settle_shops(self, shops: Iterable[str]) -> None:
        """Every intent of these shops was resolved by the plan being applied."""
        with self._db.writing() as conn:
            journal.clear_shops(conn, shops)

    def set_protected(self, shop: str, names: Iterable[str]) -> None:
        """Replace the protected nicknames recorded for `shop`."""
        self.set_protected_many({shop: names})

    def set_protected_many(self, names_by_shop: Mapping[str, Iterable[str]]) -> None:
        """`set_protected` for many shops in one transaction."""
        with self._db.writing() as conn:
            for shop, names in names_by_shop.items():
                recorded.set_protected(conn, shop, names)

    # Manual tasks --------------------------------------------------------------------------

    def open_task(
        self,
        change: Change,
        steps: tuple[str, ...],
        run_id: int | None,
        who: str | None = None,
        waits_for: tuple[int, ...] = (),
    ) -> Task:
        """Open a manual task for `change`, with the back-office `steps` to carry it out.

        Idempotent: while a task for `change.key` is open, that task is returned unchanged.
        `who` defaults to whoever started run `run_id`. `waits_for`: ids of the tasks that
        must be done before this one.
        """
        with self._db.writing() as conn:
            return _opened(conn, change, steps, run_id, who, waits_for)

    def open_task_in_run(
        self, run_id: int, change: Change, steps: tuple[str, ...], waits_for: tuple[int, ...] = ()
    ) -> Task:
        """`open_task` and its "task_opened" result in run `run_id`, in one transaction: one
        commit per manual change instead of two, and never a task without its result."""
        with self._db.writing() as conn:
            task = _opened(conn, change, steps, run_id, None, waits_for)
            runlog.add_result(
                conn, run_id, change, "task_opened", message=f"task #{task.id}", at=now()
            )
            return task

    def complete_task(
        self,
        task_id: int,
        who: str,
        note: str | None = None,
        *,
        resource: Resource | None = None,
        forget: bool = False,
        how: ClosedHow | None = None,
    ) -> Task:
        """Mark an open task done, in the same transaction recording its outcome: upsert
        `resource`, or drop the task's address when `forget`. `how` it was confirmed is kept
        with it. TaskError if it is not open."""
        return self._close(task_id, "done", who, note, resource=resource, forget=forget, how=how)

    def cancel_task(self, task_id: int, who: str, note: str | None = None) -> Task:
        """Mark an open task cancelled; TaskError if it is not open."""
        return self._close(task_id, "cancelled", who, note, resource=None, forget=False)

    def _close(
        self,
        task_id: int,
        status: TaskStatus,
        who: str,
        note: str | None,
        *,
        resource: Resource | None,
        forget: bool,
        how: ClosedHow | None = None,
    ) -> Task:
        with self._db.writing() as conn:
            task = _open(conn, task_id)
            _update_recorded(conn, task.address, resource, forget)
            tasklog.close(conn, task_id, status, who=who, note=note, at=now(), how=how)
            return _get(conn, task_id)

    # Apply history -------------------------------------------------------------------------

    def begin_run(
        self,
        who: str,
        commit: str | None,
        plan_digest: str,
        operation: str = "apply",
        *,
        dirty: bool | None = None,
    ) -> int:
        """Start a run in the history; returns its id. Its status is "running" until finished.

        `dirty`: whether the checkout at `commit` had uncommitted changes (None: unknown).
        """
        with self._db.writing() as conn:
            return runlog.begin(conn, who, commit, plan_digest, operation, at=now(), dirty=dirty)

    def record_result(
        self,
        run_id: int,
        change: Change,
        status: ResultStatus,
        message: str = "",
        *,
        resource: Resource | None = None,
        forget: bool = False,
        settle: bool = False,
    ) -> None:
        """Record what became of `change` and, in the same transaction, its effect on the
        recorded state: upsert `resource`, or drop `change.address` when `forget`; and when
        `settle`, resolve its intent (see `intend`). A process killed at any moment leaves all
        of them or none."""
        with self._db.writing() as conn:
            _update_recorded(conn, change.address, resource, forget)
            runlog.add_result(conn, run_id, change, status, message=message, at=now())
            if settle:
                journal.clear(conn, change.address)

    def finish_run(self, run_id: int, status: RunStatus) -> None:
        """Close run `run_id` with its final status; StateError if there is no such run."""
        with self._db.writing() as conn:
            if not runlog.finish(conn, run_id, status, now()):
                raise StateError(f"{self.where}: there is no run {run_id}")

    # Moving state ----------------------------------------------------------------------------

    def import_state(self, text: str, source: str, *, replace: bool = False) -> int:
        """Load a `state export` document (JSON `text`, read from `source`); returns the rows.

        Everything is checked before anything is written, then written in one transaction.
        StateError if the document is malformed or foreign, or the store already holds state
        and `replace` is not given (then what it held is dropped in that same transaction).
        """
        tables = transfer.parse(text, source)
        with self._db.writing() as conn:
            if not transfer.is_empty(conn):
                if not replace:
                    raise StateError(
                        f"{self.where} already holds state; import only into an empty store, "
                        "or pass --replace to drop what it holds"
                    )
                transfer.clear(conn)
            return transfer.load(conn, tables, source, self._db.reset_ids)

    # The apply lock ------------------------------------------------------------------------

    @contextmanager
    def lock(self, holder: str, operation: str, timeout: float = 0.0) -> Iterator[None]:
        """Hold the apply lock for the `with` block; released on exit, also on an exception.

        Waits up to `timeout` seconds for another holder, then raises LockHeldError naming it.
        SQLite: a lock left by a dead process on this host is taken over with a logged
        warning; PostgreSQL: the lock dies with its holder's connection. Runs still "running"
        once the lock is taken were left by a process that died (SIGKILL, power loss): they are
        marked "interrupted", keeping the results they recorded.
        """
        with held(self._db, holder, operation, timeout):
            self._interrupt_dead_runs()
            yield

    def _interrupt_dead_runs(self) -> None:
        with self._db.writing() as conn:
            dead = runlog.interrupt_running(conn)
        for run_id, who, results in dead:
            log.warning(
                "run #%d by %s stopped before it finished (its process is gone): marked "
                "interrupted, with the %d change result(s) it had recorded",
                run_id,
                who,
                results,
            )

    def unlock(self) -> LockInfo | None:
        """Force-release the apply lock, whoever holds it; returns what was held, if anything."""
        return self._db.force_unlock()


def _update_recorded(
    conn: Connection, address: Address, resource: Resource | None, forget: bool
) -> None:
    if resource is not None and forget:
        raise ValueError(f"{address}: give a resource to record or forget=True, not both")
    if resource is not None:
        recorded.upsert(conn, (recorded.row(resource),))
    elif forget:
        recorded.delete(conn, address)


def _opened(
    conn: Connection,
    change: Change,
    steps: tuple[str, ...],
    run_id: int | None,
    who: str | None,
    waits_for: tuple[int, ...],
) -> Task:
    existing = tasklog.open_by_key(conn, change.key)
    if existing is not None:
        return existing
    if who is None and run_id is not None:
        who = runlog.who(conn, run_id)
    task_id = tasklog.insert(
        conn, change, steps, run_id=run_id, who=who, at=now(), waits_for=waits_for
    )
    return _get(conn, task_id)


def _open(conn: Connection, task_id: int) -> Task:
    task = tasklog.get(conn, task_id)
    if task is None:
        raise TaskError(f"there is no task {task_id}")
    if not task.is_open:
        raise TaskError(
            f"task {task_id} is already {task.status} (by {task.closed_by}, {task.closed_at})"
        )
    return task


def _get(conn: Connection, task_id: int) -> Task:
    task = tasklog.get(conn, task_id)
    assert task is not None  # read back inside the transaction that wrote it
    return task
