"""Manual tasks: opened by apply, closed (done or cancelled) by a person.

Functions take a connection already inside a transaction (see `Database`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from provisioner.resources import Address, Change
from provisioner.state import codec
from provisioner.state.sql import Connection, new_id
from provisioner.state.values import ClosedHow, Task, TaskStatus

_NAMES = (
    "id", "change_key", "shop", "kind", "name", "platform", "action", "execution", "reason",
    "fields", "meta", "steps", "remote_id", "agent", "status", "created_at", "created_by",
    "closed_at", "closed_by", "note", "run_id", "waits_for", "closed_how",
)  # fmt: skip
_COLUMNS = ", ".join(_NAMES)
# What defines an open task, for the digest: everything but its lifecycle.
_DEFINING = ", ".join(_NAMES[: _NAMES.index("agent") + 1])
_SELECT = f"SELECT {_COLUMNS} FROM tasks"


def insert(
    conn: Connection,
    change: Change,
    steps: tuple[str, ...],
    *,
    run_id: int | None,
    who: str | None,
    at: str,
    waits_for: tuple[int, ...] = (),
) -> int:
    address = change.address
    cursor = conn.execute(
        """INSERT INTO tasks (change_key, shop, kind, name, platform, action, execution, reason,
            fields, meta, steps, remote_id, agent, status, created_at, created_by, run_id,
            waits_for)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id""",
        (
            change.key,
            address.shop,
            address.kind,
            address.name,
            change.platform,
            change.action,
            change.execution,
            change.reason,
            codec.encode_changes(address, change.fields),
            codec.encode_pairs(address, change.meta),
            codec.encode_strings(steps),
            change.remote_id,
            change.agent,
            at,
            who,
            run_id,
            json.dumps(sorted(set(waits_for))),
        ),
    )
    return new_id(cursor)


def close(
    conn: Connection,
    task_id: int,
    status: TaskStatus,
    *,
    who: str,
    note: str | None,
    at: str,
    how: ClosedHow | None = None,
) -> None:
    conn.execute(
        """UPDATE tasks SET status = ?, closed_by = ?, note = ?, closed_at = ?, closed_how = ?
        WHERE id = ?""",
        (status, who, note, at, how, task_id),
    )


def get(conn: Connection, task_id: int) -> Task | None:
    found = conn.execute(f"{_SELECT} WHERE id = ?", (task_id,)).fetchone()
    return None if found is None else decoded(found)


def open_by_key(conn: Connection, key: str) -> Task | None:
    found = conn.execute(f"{_SELECT} WHERE change_key = ? AND status = 'open'", (key,)).fetchone()
    return None if found is None else decoded(found)


def select(conn: Connection, status: TaskStatus | None) -> tuple[Task, ...]:
    if status is None:
        cursor = conn.execute(f"{_SELECT} ORDER BY id")
    else:
        cursor = conn.execute(f"{_SELECT} WHERE status = ? ORDER BY id", (status,))
    return tuple(decoded(found) for found in cursor)


def canonical_open(conn: Connection) -> Iterator[tuple[object, ...]]:
    """Every open task's identity and full change, in id order, for the digest."""
    return iter(conn.execute(f"SELECT {_DEFINING} FROM tasks WHERE status = 'open' ORDER BY id"))


def open_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """Every open task as stored, in id order: `decoded` makes each a Task, `defining` gives
    what `canonical_open` hashes of it."""
    cursor = conn.execute(f"{_SELECT} WHERE status = 'open' ORDER BY id")
    return [tuple(found) for found in cursor]


def defining(found: tuple[Any, ...]) -> tuple[Any, ...]:
    return found[: _NAMES.index("agent") + 1]


def decoded(found: tuple[Any, ...]) -> Task:
    row = dict(zip(_NAMES, found, strict=True))
    return Task(
        id=row["id"],
        key=row["change_key"],
        address=Address(row["shop"], row["kind"], row["name"]),
        platform=row["platform"],
        action=row["action"],
        execution=row["execution"],
        reason=row["reason"],
        fields=codec.decode_changes(row["fields"]),
        meta=codec.decode_pairs(row["meta"]),
        steps=codec.decode_strings(row["steps"]),
        status=row["status"],
        created_at=row["created_at"],
        created_by=row["created_by"],
        closed_at=row["closed_at"],
        closed_by=row["closed_by"],
        note=row["note"],
        run_id=row["run_id"],
        remote_id=row["remote_id"],
        agent=row["agent"],
        waits_for=tuple(int(found) for found in json.loads(row["waits_for"])),
        closed_how=row["closed_how"],
    )
