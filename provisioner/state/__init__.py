"""The state store: what provisioner has recorded, in one SQLite file.

By default `.provisioner/state.db` beside the config; callers pass the path. It holds the
recorded field values and remote ids per address, protected names per shop, manual tasks,
apply history and the apply lock.

Planning gets a `StateReader` (opening it never writes; a missing file is an empty state);
only apply and `tasks` get the `StateStore`, the writer::

    reader = StateReader.open(path)
    reader.resources(shop=None) -> dict[Address, Resource]
    reader.shops() -> frozenset[str]
    reader.protected(shop) -> frozenset[str]
    reader.tasks(status=None) -> tuple[Task, ...]           # id order
    reader.open_tasks_by_key() -> dict[str, Task]           # keyed by Change.key
    reader.task(task_id) -> Task                            # TaskError if unknown
    reader.history(limit=20) -> tuple[ApplyRun, ...]        # newest first
    reader.lock_info() -> LockInfo | None
    reader.intents() -> dict[Address, Intent]               # creates/deletes sent, not settled
    reader.digest() -> "sha256:..."                         # resources, protected, open tasks
    reader.snapshot() -> StateSnapshot                      # all planning reads, one transaction

    store = StateStore.open(path)                           # creates, migrates
    store.record(resource) / store.record_many(resources)
    store.forget(address) / store.forget_shop(shop)
    store.set_protected(shop, names) / store.set_protected_many({shop: names})
    store.open_task(change, steps, run_id, who=None, waits_for=()) -> Task  # idempotent per key
    store.open_task_in_run(run_id, change, steps, waits_for=()) -> Task  # + its result, one commit
    store.complete_task(task_id, who, note=None, *, resource=None, forget=False, how=None) -> Task
    store.cancel_task(task_id, who, note=None) -> Task
    run_id = store.begin_run(who, commit, plan_digest, operation="apply")
    store.record_result(run_id, change, status, message="", *, resource=None, forget=False,
                        settle=False)                   # settle: resolve its intent with it
    store.finish_run(run_id, status)
    store.intend(change, resource, run_id) / store.settle(address) / store.settle_shops(shops)
    with store.lock(holder, operation, timeout=0.0): ...   # LockHeldError names the holder
    store.unlock() -> LockInfo | None
    store.close()                                           # or use either as a context manager

Guarantees: every write is one transaction, and `record_result` / `complete_task` change the
history and the recorded state together, so a process killed at any moment leaves them in step.
Only the fields `provisioner.resources` declares per kind are ever stored. Durability and
locking choices are explained in `database` and `lock`; the schema and its migrations in
`schema`.
"""

from provisioner.state.reader import StateReader
from provisioner.state.snapshot import StateSnapshot
from provisioner.state.store import StateStore
from provisioner.state.values import (
    ApplyRun,
    ChangeResult,
    ClosedHow,
    Intent,
    LockInfo,
    ResultStatus,
    RunStatus,
    Task,
    TaskStatus,
)

DEFAULT_PATH = ".provisioner/state.db"

__all__ = [
    "DEFAULT_PATH",
    "ApplyRun",
    "ChangeResult",
    "ClosedHow",
    "Intent",
    "LockInfo",
    "ResultStatus",
    "RunStatus",
    "StateReader",
    "StateSnapshot",
    "StateStore",
    "Task",
    "TaskStatus",
]
