"""Customer-service dispatch groups (分流组) of one seller and their member accounts."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from provisioner.emulators.accounts import get_account
from provisioner.emulators.store import Duplicate, Invalid, NotFound, Tenant
from provisioner.wire import kuaishou


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    description: str
    member_ids: tuple[int, ...] = ()


def create_group(tenant: Tenant, name: str, description: str = "") -> int:
    if not name.strip() or len(name) > kuaishou.GROUP_NAME_MAX:
        raise Invalid("groupName", f"must be 1-{kuaishou.GROUP_NAME_MAX} characters")
    try:
        cursor = tenant.conn.execute(
            "INSERT INTO groups (platform, seller, name, description) VALUES (?, ?, ?, ?)",
            (tenant.platform, tenant.seller, name, description),
        )
    except sqlite3.IntegrityError:
        raise Duplicate(f"group {name!r} already exists") from None
    return int(cursor.lastrowid or 0)


def describe_group(tenant: Tenant, group_id: int, description: str) -> None:
    get_group(tenant, group_id)
    tenant.conn.execute("UPDATE groups SET description = ? WHERE id = ?", (description, group_id))


def change_members(
    tenant: Tenant, group_id: int, add: Iterable[int] = (), remove: Iterable[int] = ()
) -> None:
    """Add and remove member accounts; adding a member twice or removing a non-member is fine."""
    get_group(tenant, group_id)
    for account_id in add:
        get_account(tenant, account_id)
        tenant.conn.execute(
            "INSERT OR IGNORE INTO group_members (group_id, account_id) VALUES (?, ?)",
            (group_id, account_id),
        )
    tenant.conn.executemany(
        "DELETE FROM group_members WHERE group_id = ? AND account_id = ?",
        [(group_id, account_id) for account_id in remove],
    )


def delete_group(tenant: Tenant, group_id: int) -> None:
    get_group(tenant, group_id)
    tenant.conn.execute("DELETE FROM groups WHERE id = ?", (group_id,))


def list_groups(tenant: Tenant) -> list[Group]:
    rows = tenant.conn.execute(
        "SELECT * FROM groups WHERE platform = ? AND seller = ? ORDER BY id",
        (tenant.platform, tenant.seller),
    ).fetchall()
    return [_group(tenant, row) for row in rows]


def get_group(tenant: Tenant, group_id: int) -> Group:
    row = tenant.conn.execute(
        "SELECT * FROM groups WHERE id = ? AND platform = ? AND seller = ?",
        (group_id, tenant.platform, tenant.seller),
    ).fetchone()
    if row is None:
        raise NotFound(f"group {group_id} does not exist")
    return _group(tenant, row)


def find_group(tenant: Tenant, name: str) -> Group | None:
    row = tenant.conn.execute(
        "SELECT * FROM groups WHERE platform = ? AND seller = ? AND name = ?",
        (tenant.platform, tenant.seller, name),
    ).fetchone()
    return None if row is None else _group(tenant, row)


def _group(tenant: Tenant, row: sqlite3.Row) -> Group:
    members = tenant.conn.execute(
        "SELECT account_id FROM group_members WHERE group_id = ? ORDER BY account_id",
        (row["id"],),
    ).fetchall()
    return Group(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        member_ids=tuple(member["account_id"] for member in members),
    )
