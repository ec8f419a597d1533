"""The intent journal: creates and deletes written down before they are sent.

Functions take a connection already inside a transaction (see `Database`). A row holds the
address, the action and, for a create, the resource as it would be recorded once done (its
remote id is only known from the platform).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from provisioner.resources import Address, Resource
from provisioner.state import codec
from provisioner.state.sql import Connection
from provisioner.state.values import Intent

_MARK = """
    INSERT INTO pending (shop, kind, name, action, fields, run_id, since)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (shop, kind, name) DO UPDATE
    SET action = excluded.action, fields = excluded.fields, run_id = excluded.run_id,
        since = excluded.since
"""
_SELECT = "SELECT shop, kind, name, action, fields FROM pending ORDER BY shop, kind, name"


def mark(
    conn: Connection,
    address: Address,
    action: str,
    resource: Resource | None,
    run_id: int,
    since: str,
) -> None:
    fields = codec.encode_fields(address, resource.fields if resource is not None else {})
    conn.execute(_MARK, (address.shop, address.kind, address.name, action, fields, run_id, since))


def clear(conn: Connection, address: Address) -> None:
    conn.execute(
        "DELETE FROM pending WHERE shop = ? AND kind = ? AND name = ?",
        (address.shop, address.kind, address.name),
    )


def clear_shops(conn: Connection, shops: Iterable[str]) -> None:
    conn.executemany("DELETE FROM pending WHERE shop = ?", [(shop,) for shop in shops])


def intents(conn: Connection) -> dict[Address, Intent]:
    return decoded(rows(conn))


def rows(conn: Connection) -> list[tuple[Any, ...]]:
    """Every intent as stored, in address order (what `canonical` hashes)."""
    return [tuple(found) for found in conn.execute(_SELECT)]


def decoded(found: list[tuple[Any, ...]]) -> dict[Address, Intent]:
    intents = {}
    for shop, kind, name, action, fields in found:
        address = Address(shop, kind, name)
        intents[address] = Intent(address, action, codec.decode_many([fields])[0])
    return intents


def canonical(conn: Connection) -> Iterator[tuple[object, ...]]:
    yield from conn.execute(_SELECT)
