"""Closing manual tasks: a person did (or dropped) the back-office work; record what it changed."""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.apply.recording import recorded_after
from provisioner.connectors.base import Connector
from provisioner.errors import TaskError
from provisioner.state import StateStore, Task


def complete_task(
    store: StateStore, connectors: Mapping[str, Connector], task_id: int, who: str, note: str | None
) -> Task:
    """Mark a task done and record its change; the sandbox also performs it, as the back office would."""
    task = store.task(task_id)
    if not task.is_open:
        raise TaskError(f"task #{task_id} is {task.status}, not open")
    _check_not_waiting(store, task)
    change = task.change()
    connector = connectors.get(change.address.shop)
    if connector is None:
        raise TaskError(
            f"task #{task_id} belongs to shop {change.address.shop}, which is not in the config"
        )
    desk = connector.desk()  # only a stand-in back office (the sandbox) performs the work
    if desk is not None:
        desk.perform(change)
    previous = store.resources(change.address.shop).get(change.address)
    resource = recorded_after(previous, change)
    return store.complete_task(task_id, who, note, resource=resource, forget=resource is None)


def _check_not_waiting(store: StateStore, task: Task) -> None:
    """A task that depends on another cannot be done before it: the back office would refuse
    (a role must exist before an account can hold it), or the record would be wrong."""
    for other_id in task.waits_for:
        other = store.task(other_id)
        if other.is_open:
            raise TaskError(
                f"task #{task.id} waits for task #{other.id} ({other.action} {other.address}): "
                f"do that one first and mark it done (`provisioner tasks done {other.id} {task.id}`)"
            )
