"""Sub-accounts of one seller, with the rules both platforms enforce on them."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass

from provisioner.emulators.family import family
from provisioner.emulators.store import Duplicate, Invalid, NotFound, Tenant


@dataclass(frozen=True)
class RoleRef:
    id: int
    name: str


@dataclass(frozen=True)
class Account:
    id: int
    nick: str
    disabled: bool
    dispatch: bool
    updated: float
    reception_limit: int | None = None
    schedule: str | None = None
    contact_phone: str | None = None
    remarks: str | None = None
    roles: tuple[RoleRef, ...] = ()


_PATCH_COLUMNS = ("disabled", "dispatch", "reception_limit", "schedule", "contact_phone", "remarks")


@dataclass(frozen=True)
class AccountPatch:
    """Fields to change on an account: None leaves a field as it is, `clear` empties fields."""

    disabled: bool | None = None
    dispatch: bool | None = None
    reception_limit: int | None = None
    schedule: str | None = None
    contact_phone: str | None = None
    remarks: str | None = None
    clear: tuple[str, ...] = ()

    def values(self) -> dict[str, object]:
        found = {name: getattr(self, name) for name in _PATCH_COLUMNS}
        values = {name: value for name, value in found.items() if value is not None}
        values.update({name: None for name in self.clear if name in _PATCH_COLUMNS})
        return values


@dataclass(frozen=True)
class Query:
    """Which accounts a listing shows."""

    include_disabled: bool = True
    only_disabled: bool | None = None
    nick_contains: str | None = None


def check_nick(tenant: Tenant, nick: str) -> None:
    """The platform's own account-name rules (its family's `check_nick`)."""
    family(tenant.platform).check_nick(nick)


def create_account(tenant: Tenant, nick: str, patch: AccountPatch = AccountPatch()) -> int:
    check_nick(tenant, nick)
    try:
        cursor = tenant.conn.execute(
            "INSERT INTO accounts (platform, seller, nick, updated) VALUES (?, ?, ?, ?)",
            (tenant.platform, tenant.seller, nick, time.time()),
        )
    except sqlite3.IntegrityError:
        raise Duplicate(f"sub-account {nick!r} already exists") from None
    account_id = int(cursor.lastrowid or 0)
    update_account(tenant, account_id, patch)
    return account_id


def update_account(tenant: Tenant, account_id: int, patch: AccountPatch) -> None:
    get_account(tenant, account_id)
    values = patch.values()
    if not values:
        return
    assignments = ", ".join(f"{name} = ?" for name in values)
    tenant.conn.execute(
        f"UPDATE accounts SET {assignments}, updated = ? WHERE id = ?",  # column names are ours
        (*values.values(), time.time(), account_id),
    )


def delete_account(tenant: Tenant, account_id: int) -> None:
    """Deleted accounts stay on record (Kuaishou lists them on request) but lose everything."""
    get_account(tenant, account_id)
    conn = tenant.conn
    conn.execute(
        "UPDATE accounts SET deleted = 1, updated = ? WHERE id = ?", (time.time(), account_id)
    )
    conn.execute("DELETE FROM account_roles WHERE account_id = ?", (account_id,))
    conn.execute("DELETE FROM group_members WHERE account_id = ?", (account_id,))


def set_roles(tenant: Tenant, account_id: int, role_ids: Sequence[int]) -> None:
    get_account(tenant, account_id)
    conn = tenant.conn
    for role_id in role_ids:
        row = conn.execute(
            "SELECT 1 FROM roles WHERE id = ? AND platform = ? AND seller = ?",
            (role_id, tenant.platform, tenant.seller),
        ).fetchone()
        if row is None:
            raise Invalid("roleIds", f"role {role_id} does not exist")
    conn.execute("DELETE FROM account_roles WHERE account_id = ?", (account_id,))
    conn.executemany(
        "INSERT INTO account_roles (account_id, role_id) VALUES (?, ?)",
        [(account_id, role_id) for role_id in sorted(set(role_ids))],
    )
    conn.execute("UPDATE accounts SET updated = ? WHERE id = ?", (time.time(), account_id))


def get_account(tenant: Tenant, account_id: int) -> Account:
    row = tenant.conn.execute(
        "SELECT * FROM accounts WHERE id = ? AND platform = ? AND seller = ? AND deleted = 0",
        (account_id, tenant.platform, tenant.seller),
    ).fetchone()
    if row is None:
        raise NotFound(f"sub-account {account_id} does not exist")
    return _account(tenant, row)


def find_account(tenant: Tenant, nick: str) -> Account | None:
    row = tenant.conn.execute(
        "SELECT * FROM accounts WHERE platform = ? AND seller = ? AND nick = ? AND deleted = 0",
        (tenant.platform, tenant.seller, nick),
    ).fetchone()
    return None if row is None else _account(tenant, row)


def list_accounts(
    tenant: Tenant, query: Query, offset: int, limit: int
) -> tuple[list[Account], int]:
    """One page of accounts in creation order, and how many match in all."""
    where, args = _where(tenant, query)
    conn = tenant.conn
    total = int(conn.execute(f"SELECT COUNT(*) FROM accounts WHERE {where}", args).fetchone()[0])
    rows = conn.execute(
        f"SELECT * FROM accounts WHERE {where} ORDER BY id LIMIT ? OFFSET ?",
        (*args, limit, offset),
    ).fetchall()
    return [_account(tenant, row) for row in rows], total


def _where(tenant: Tenant, query: Query) -> tuple[str, tuple[object, ...]]:
    clauses = ["platform = ?", "seller = ?", "deleted = 0"]
    args: list[object] = [tenant.platform, tenant.seller]
    if not query.include_disabled:
        clauses.append("disabled = 0")
    if query.only_disabled is not None:
        clauses.append("disabled = ?")
        args.append(int(query.only_disabled))
    if query.nick_contains:
        clauses.append("instr(nick, ?) > 0")
        args.append(query.nick_contains)
    return " AND ".join(clauses), tuple(args)


def _account(tenant: Tenant, row: sqlite3.Row) -> Account:
    roles = tenant.conn.execute(
        "SELECT r.id, r.name FROM account_roles ar JOIN roles r ON r.id = ar.role_id"
        " WHERE ar.account_id = ? ORDER BY r.id",
        (row["id"],),
    ).fetchall()
    return Account(
        id=row["id"],
        nick=row["nick"],
        disabled=bool(row["disabled"]),
        dispatch=bool(row["dispatch"]),
        updated=row["updated"],
        reception_limit=row["reception_limit"],
        schedule=row["schedule"],
        contact_phone=row["contact_phone"],
        remarks=row["remarks"],
        roles=tuple(RoleRef(role["id"], role["name"]) for role in roles),
    )
