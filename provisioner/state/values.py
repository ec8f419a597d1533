"""The values the state store hands out: manual tasks, apply runs with their results, the lock.

All are frozen; timestamps are ISO 8601 strings in UTC (`2025-01-31T09:30:00+00:00`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from provisioner.resources import Action, Address, Change, Execution, FieldChange, FieldValue

TaskStatus: TypeAlias = Literal["open", "done", "cancelled"]
ClosedHow: TypeAlias = Literal["verified", "attested", "forced"]
ResultStatus: TypeAlias = Literal["ok", "failed", "skipped", "task_opened"]
RunStatus: TypeAlias = Literal["running", "ok", "failed", "interrupted"]


@dataclass(frozen=True)
class Task:
    """A manual change a person carries out in a merchant back office, then marks done.

    It keeps the full change (`fields`, `meta`, `remote_id`, `agent`, `key`) so that `tasks done`
    can rebuild it with `change()` and record its outcome. `id` is a positive integer,
    assigned in order and never reused. `run_id` is the apply run that opened it, if any.
    `waits_for` holds the ids of the tasks that must be done first; `closed_how` says how a
    done task was confirmed (None for cancelled ones and tasks closed before it was kept).
    """

    id: int
    key: str
    address: Address
    platform: str
    action: Action
    execution: Execution
    reason: str
    fields: tuple[FieldChange, ...]
    steps: tuple[str, ...]
    status: TaskStatus
    created_at: str
    created_by: str | None
    closed_at: str | None = None
    closed_by: str | None = None
    note: str | None = None
    run_id: int | None = None
    remote_id: str | None = None
    agent: str | None = None
    meta: tuple[tuple[str, FieldValue], ...] = ()
    waits_for: tuple[int, ...] = ()
    closed_how: ClosedHow | None = None

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def change(self) -> Change:
        """The change this task stands for, as the planner made it (without `depends_on`)."""
        return Change(
            address=self.address,
            platform=self.platform,
            action=self.action,
            execution=self.execution,
            reason=self.reason,
            fields=self.fields,
            remote_id=self.remote_id,
            agent=self.agent,
            meta=self.meta,
            key=self.key,
        )


@dataclass(frozen=True)
class ChangeResult:
    """What became of one change during one apply run."""

    key: str
    address: Address
    action: Action
    execution: Execution
    status: ResultStatus
    message: str
    at: str


@dataclass(frozen=True)
class ApplyRun:
    """One apply (or other writing operation): who, when, from which commit and plan.

    `status` is "interrupted" when the run stopped before it finished: Ctrl-C or SIGTERM
    (recorded by the run itself), or a process that died (SIGKILL, power loss: recorded by
    the next command that takes the lock, and read so by `history` until then). `results`
    are in the order they were recorded: what the run had done.
    """

    id: int
    who: str
    started_at: str
    finished_at: str | None
    commit: str | None
    plan_digest: str
    operation: str
    status: RunStatus
    results: tuple[ChangeResult, ...] = ()
    git_dirty: bool | None = None  # uncommitted changes in the checkout; None: unknown


@dataclass(frozen=True)
class LockInfo:
    """Who holds the apply lock: a process on a host, since when, doing what, in which CI job."""

    holder: str
    operation: str
    pid: int
    host: str
    since: str
    ci_url: str | None = None

    def describe(self) -> str:
        job = f", job {self.ci_url}" if self.ci_url else ""
        return (
            f"{self.holder} ({self.operation}, pid {self.pid} on {self.host}, "
            f"since {self.since}{job})"
        )


@dataclass(frozen=True)
class Intent:
    """A create or delete written down before it was sent and not yet settled by its result."""

    address: Address
    action: str  # "create" | "delete"
    fields: Mapping[str, FieldValue]  # for a create: the resource as it would be recorded
