"""Recorded state: field values and remote ids per address, and protected names per shop.

Functions take a connection already inside a transaction (see `Database`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from provisioner.resources import Address, Resource
from provisioner.state import codec
from provisioner.state.sql import Connection

_UPSERT = """
    INSERT INTO resources (shop, kind, name, remote_id, fields) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (shop, kind, name) DO UPDATE
    SET remote_id = excluded.remote_id, fields = excluded.fields
"""
_SELECT = "SELECT shop, kind, name, remote_id, fields FROM resources"


def row(resource: Resource) -> tuple[str, str, str, str | None, str]:
    """The row for `resource`; raises ValueError before anything is written if it is invalid."""
    address = resource.address
    fields = codec.encode_fields(address, resource.fields)
    return (address.shop, address.kind, address.name, resource.remote_id, fields)


def upsert(conn: Connection, rows: Iterable[tuple[str, str, str, str | None, str]]) -> None:
    conn.executemany(_UPSERT, rows)


def delete(conn: Connection, address: Address) -> None:
    conn.execute(
        "DELETE FROM resources WHERE shop = ? AND kind = ? AND name = ?",
        (address.shop, address.kind, address.name),
    )


def delete_shop(conn: Connection, shop: str) -> None:
    conn.execute("DELETE FROM resources WHERE shop = ?", (shop,))
    conn.execute("DELETE FROM protected WHERE shop = ?", (shop,))


def select(conn: Connection, shop: str | None) -> dict[Address, Resource]:
    if shop is None:
        cursor = conn.execute(f"{_SELECT} ORDER BY shop, kind, name")
    else:
        cursor = conn.execute(f"{_SELECT} WHERE shop = ? ORDER BY kind, name", (shop,))
    return decoded(cursor.fetchall())


def decoded(rows: list[tuple[Any, ...]]) -> dict[Address, Resource]:
    """Resources from `_SELECT` rows, in their order."""
    all_fields = codec.decode_many([found[4] for found in rows])
    resources = {}
    for (shop, kind, name, remote_id, _), fields in zip(rows, all_fields, strict=True):
        address = Address(shop, kind, name)
        resources[address] = Resource(address, fields, remote_id)
    return resources


def remote_ids(conn: Connection, shop: str, kinds: Iterable[str]) -> dict[Address, str]:
    """The recorded remote ids of one shop's resources of these kinds (those that have one)."""
    found: dict[Address, str] = {}
    for kind in sorted(set(kinds)):
        cursor = conn.execute(
            "SELECT name, remote_id FROM resources"
            " WHERE shop = ? AND kind = ? AND remote_id IS NOT NULL ORDER BY name",
            (shop, kind),
        )
        found.update({Address(shop, kind, name): remote for name, remote in cursor})  # type: ignore[arg-type]
    return found


def shops(conn: Connection) -> frozenset[str]:
    return frozenset(shop for (shop,) in conn.execute("SELECT DISTINCT shop FROM resources"))


def protected(conn: Connection, shop: str) -> frozenset[str]:
    cursor = conn.execute("SELECT name FROM protected WHERE shop = ?", (shop,))
    return frozenset(name for (name,) in cursor)


def set_protected(conn: Connection, shop: str, names: Iterable[str]) -> None:
    conn.execute("DELETE FROM protected WHERE shop = ?", (shop,))
    conn.executemany(
        "INSERT INTO protected (shop, name) VALUES (?, ?)", ((shop, name) for name in set(names))
    )


def canonical_resources(conn: Connection) -> Iterator[tuple[object, ...]]:
    """Every recorded resource as stored (fields in canonical JSON), in address order."""
    return iter(conn.execute(f"{_SELECT} ORDER BY shop, kind, name"))


def canonical_rows(conn: Connection) -> list[tuple[Any, ...]]:
    """`canonical_resources`, fetched at once: what `decoded` turns into resources."""
    return [tuple(found) for found in conn.execute(f"{_SELECT} ORDER BY shop, kind, name")]


def canonical_protected(conn: Connection) -> Iterator[tuple[object, ...]]:
    return iter(conn.execute("SELECT shop, name FROM protected ORDER BY shop, name"))
