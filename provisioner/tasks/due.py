"""When a manual task is due: offboarding work fast (`settings.tasks.due.offboarding`), the rest
in the default time. Any task that removes access counts as offboarding: a deletion, a disable,
fewer roles on an account, fewer permissions on a role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from provisioner.config.timing import parse_duration
from provisioner.model import Due
from provisioner.resources import FieldChange
from provisioner.state import Task


def removes_access(kind: str, action: str, fields: tuple[FieldChange, ...]) -> bool:
    """Whether a change takes access away from someone. Deleting a role template or a group
    does not: the planner deletes a role only once no account holds it."""
    if kind != "account" and action == "delete":
        return False
    if action == "delete":
        return True
    for change in fields:
        if change.field == "status" and change.after == "disabled":
            return True
        if change.field in ("roles", "permissions") and _fewer(change):
            return True
    return False


def _fewer(change: FieldChange) -> bool:
    before = change.before if isinstance(change.before, tuple) else ()
    after = change.after if isinstance(change.after, tuple) else ()
    return bool(set(before) - set(after))


def opened_at(task: Task) -> datetime:
    moment = datetime.fromisoformat(task.created_at)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Deadline:
    """A task's due time and what kind of work it is."""

    at: datetime
    offboarding: bool

    def overdue(self, now: datetime) -> bool:
        return now >= self.at

    def left(self, now: datetime) -> timedelta:
        return self.at - now


def deadline(task: Task, due: Due) -> Deadline:
    offboarding = removes_access(task.address.kind, task.action, task.fields)
    allowed = parse_duration(due.offboarding if offboarding else due.default)
    assert allowed is not None  # the config checks reject bad durations
    return Deadline(opened_at(task) + allowed, offboarding)


def overdue_offboarding(tasks: tuple[Task, ...], due: Due, now: datetime) -> list[Task]:
    """Open tasks that remove access and are past due: what `provisioner check` fails on."""
    found = []
    for task in tasks:
        if not task.is_open:
            continue
        limit = deadline(task, due)
        if limit.offboarding and limit.overdue(now):
            found.append(task)
    return found
