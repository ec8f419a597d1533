"""Roles of one seller: custom roles on TOP and JD (names as long as the family allows), fixed
ones on Kuaishou."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass

from provisioner.emulators.family import family
from provisioner.emulators.store import Duplicate, Invalid, NotFound, Tenant


@dataclass(frozen=True)
class Role:
    id: int
    name: str
    description: str
    created: float
    modified: float
    permissions: tuple[str, ...] = ()


def check_role_name(tenant: Tenant, name: str) -> None:
    if not name.strip() or name != name.strip():
        raise Invalid("name", "a role name cannot be empty or have edge spaces")
    limit = family(tenant.platform).role_name_max
    if limit is not None and len(name) > limit:
        raise Invalid("name", f"role name {name!r} is longer than {limit} characters")


def create_role(tenant: Tenant, name: str, description: str, codes: Iterable[str]) -> int:
    check_role_name(tenant, name)
    now = time.time()
    try:
        cursor = tenant.conn.execute(
            "INSERT INTO roles (platform, seller, name, description, created, modified)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (tenant.platform, tenant.seller, name, description, now, now),
        )
    except sqlite3.IntegrityError:
        raise Duplicate(f"role {name!r} already exists") from None
    role_id = int(cursor.lastrowid or 0)
    set_permissions(tenant, role_id, codes)
    return role_id


def set_permissions(tenant: Tenant, role_id: int, codes: Iterable[str]) -> None:
    conn = tenant.conn
    conn.execute("DELETE FROM role_permissions WHERE role_id = ?", (role_id,))
    conn.executemany(
        "INSERT INTO role_permissions (role_id, code) VALUES (?, ?)",
        [(role_id, code) for code in sorted(set(codes))],
    )
    conn.execute("UPDATE roles SET modified = ? WHERE id = ?", (time.time(), role_id))


def delete_role(tenant: Tenant, role_id: int) -> None:
    get_role(tenant, role_id)
    tenant.conn.execute("DELETE FROM roles WHERE id = ?", (role_id,))


def list_roles(tenant: Tenant) -> list[Role]:
    rows = tenant.conn.execute(
        "SELECT * FROM roles WHERE platform = ? AND seller = ? ORDER BY id",
        (tenant.platform, tenant.seller),
    ).fetchall()
    return [_role(tenant, row) for row in rows]


def get_role(tenant: Tenant, role_id: int) -> Role:
    row = tenant.conn.execute(
        "SELECT * FROM roles WHERE id = ? AND platform = ? AND seller = ?",
        (role_id, tenant.platform, tenant.seller),
    ).fetchone()
    if row is None:
        raise NotFound(f"role {role_id} does not exist")
    return _role(tenant, row)


def find_role(tenant: Tenant, name: str) -> Role | None:
    row = tenant.conn.execute(
        "SELECT * FROM roles WHERE platform = ? AND seller = ? AND name = ?",
        (tenant.platform, tenant.seller, name),
    ).fetchone()
    return None if row is None else _role(tenant, row)


def _role(tenant: Tenant, row: sqlite3.Row) -> Role:
    codes = tenant.conn.execute(
        "SELECT code FROM role_permissions WHERE role_id = ? ORDER BY code", (row["id"],)
    ).fetchall()
    return Role(
        id=row["id"],
        name=row["name"],
        description=row["description"],
        created=row["created"],
        modified=row["modified"],
        permissions=tuple(code["code"] for code in codes),
    )
