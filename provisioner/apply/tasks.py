"""Closing manual tasks: a person did (or dropped) the back-office work; record what it changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from provisioner.apply.recording import recorded_after
from provisioner.apply.verify import can_check, check_live
from provisioner.connectors.base import Connector, LiveShop
from provisioner.errors import ConnectorError, TaskError
from provisioner.state import ClosedHow, StateStore, Task


def complete_task(
    store: StateStore,
    connectors: Mapping[str, Connector],
    task_id: int,
    who: str,
    note: str | None,
    *,
    force: bool = False,
) -> Task:
    """Mark a task done and record its change, once the live shop shows it where it can be read.

    The sandbox first performs it, as the back office would. Where the platform can read what
    the task changes, the shop is read and a task it does not show done is refused (TaskError)
    unless `force` (with a `note`: recorded as an override). Where nothing can be read, the
    task is closed on `who`'s word ("attested").
    """
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
    how, remote_id = _confirmation(task, connector, force)
    return close_done(store, task, who, note, how, remote_id)


def close_done(
    store: StateStore,
    task: Task,
    who: str,
    note: str | None,
    how: ClosedHow,
    remote_id: str | None = None,
) -> Task:
    change = task.change()
    previous = store.resources(change.address.shop).get(change.address)
    resource = recorded_after(previous, change, remote_id)
    return store.complete_task(
        task.id, who, note, resource=resource, forget=resource is None, how=how
    )


def _confirmation(task: Task, connector: Connector, force: bool) -> tuple[ClosedHow, str | None]:
    change = task.change()
    if not can_check(connector, change):
        return "attested", None
    try:
        check = check_live(connector, change, connector.reader().read())
    except ConnectorError as exc:
        if force:
            return "forced", None
        raise TaskError(
            f"task #{task.id}: cannot read {change.address.shop} to check it ({exc}); try again, "
            "or close it anyway with --force --note WHY"
        ) from exc
    if check.confirmed:
        return "verified", check.remote_id
    if not check.readable:
        return "attested", None
    if force:
        return "forced", check.remote_id
    raise TaskError(
        f"task #{task.id} ({task.action} {task.address}): the live shop does not show it done yet: "
        f"{'; '.join(check.missing)}. Do it in the back office first, or close it anyway with "
        "--force --note WHY"
    )


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


Outcome = Literal["verified", "not_yet", "unreadable", "waiting", "unreachable"]


@dataclass(frozen=True)
class Verdict:
    """What `verify_open` made of one open task; `detail` says what is missing or why not."""

    task: Task
    outcome: Outcome
    detail: str = ""


def verify_open(store: StateStore, connectors: Mapping[str, Connector], who: str) -> list[Verdict]:
    """Close every open task the live shop shows done; each shop is read at most once.

    Tasks go in id order, so one closed here lets the task waiting for it be closed too.
    """
    live: dict[str, LiveShop | ConnectorError] = {}
    verdicts = []
    for task in store.tasks("open"):
        connector = connectors.get(task.address.shop)
        change = task.change()
        if connector is None or not can_check(connector, change):
            verdicts.append(Verdict(task, "unreadable"))
            continue
        waiting = [other for other in task.waits_for if store.task(other).is_open]
        if waiting:
            verdicts.append(Verdict(task, "waiting", ", ".join(f"#{other}" for other in waiting)))
            continue
        shop = _read_once(live, task.address.shop, connector)
        if isinstance(shop, ConnectorError):
            verdicts.append(Verdict(task, "unreachable", str(shop)))
            continue
        check = check_live(connector, change, shop)
        if not check.readable:
            verdicts.append(Verdict(task, "unreadable"))
        elif check.missing:
            verdicts.append(Verdict(task, "not_yet", "; ".join(check.missing)))
        else:
            closed = close_done(store, task, who, None, "verified", check.remote_id)
            verdicts.append(Verdict(closed, "verified"))
    return verdicts


def _read_once(
    live: dict[str, LiveShop | ConnectorError], shop: str, connector: Connector
) -> LiveShop | ConnectorError:
    if shop not in live:
        try:
            live[shop] = connector.reader().read()
        except ConnectorError as exc:
            live[shop] = exc
    return live[shop]
