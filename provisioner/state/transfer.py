"""`state export` / `state import`: the whole state as one versioned JSON document.

The same document moves between backends (SQLite to PostgreSQL and back) and serves as a
backup. Format 1::

    {"format": "provisioner-state", "format_version": 1, "schema_version": 2,
     "exported_at": "2026-01-31T09:30:00+00:00",
     "tables": {"resources": [...], "protected": [...], "runs": [...], "results": [...],
                "tasks": [...]}}

Each table is a list of rows, each row an object keyed by the table's column names (those of
state schema `schema_version`, see `schema`), in primary-key order; the JSON-valued columns
(`resources.fields`, `tasks.fields`, `tasks.meta`, `tasks.steps`) are JSON values, not text.
The apply lock is not exported. Ids are kept, so task numbers survive a move.

Import checks the whole document before writing anything (a foreign or malformed file, an
unknown table or column, a field no resource kind has, a newer schema: StateError naming the
first problem), then writes it in one transaction: all of it or none.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from provisioner.errors import StateError
from provisioner.resources import KINDS, Address
from provisioner.state import codec, schema
from provisioner.state.sql import Connection
from provisioner.state.timestamps import now

FORMAT = "provisioner-state"
FORMAT_VERSION = 1
# In the order rows can be inserted (runs before the results and tasks that name them).
TABLES: Mapping[str, str] = {
    "runs": "id",
    "results": "id",
    "tasks": "id",
    "resources": "shop, kind, name",
    "protected": "shop, name",
}
JSON_COLUMNS: Mapping[str, frozenset[str]] = {
    "resources": frozenset({"fields"}),
    "tasks": frozenset({"fields", "meta", "steps"}),
}
SCALARS = (str, int, float, bool, type(None))


def export(conn: Connection) -> dict[str, Any]:
    tables = {name: list(_rows(conn, name, order)) for name, order in TABLES.items()}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_version": schema.LATEST,
        "exported_at": now(),
        "tables": tables,
    }


def parse(text: str, source: str) -> dict[str, list[dict[str, Any]]]:
    """The tables of an export, checked for shape; StateError naming `source` otherwise."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise StateError(f"{source}: not a provisioner state export: {exc}") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise StateError(f'{source}: not a provisioner state export (no "format": "{FORMAT}")')
    if document.get("format_version") != FORMAT_VERSION:
        raise StateError(
            f"{source}: export format version {document.get('format_version')!r} is not one "
            f"this provisioner reads ({FORMAT_VERSION})"
        )
    found = document.get("schema_version")
    if not isinstance(found, int) or isinstance(found, bool) or found < 1:
        raise StateError(f"{source}: schema_version must be a positive integer")
    schema.check_supported(found, source)
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise StateError(f"{source}: tables must be an object of table name to rows")
    for name, rows in tables.items():
        if name not in TABLES:
            raise StateError(f"{source}: tables.{name}: not a state table")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise StateError(f"{source}: tables.{name}: must be a list of row objects")
    return {name: tables.get(name, []) for name in TABLES}


def load(
    conn: Connection, tables: Mapping[str, list[dict[str, Any]]], source: str, reset_ids: str
) -> int:
    """Insert every row, checked against the live columns first; returns the row count.

    `reset_ids` is the backend's statement that moves a table's id counter past its rows
    (`{table}` stands for the table's name), or "" where inserting ids already does.
    """
    prepared = [(name, list(_checked(conn, name, rows, source))) for name, rows in tables.items()]
    count = 0
    for name, rows in prepared:
        for columns, values in rows:
            marks = ", ".join("?" for _ in columns)
            conn.execute(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", values)
            count += 1
        if reset_ids and TABLES[name] == "id":
            conn.execute(reset_ids.replace("{table}", name))
    return count


def is_empty(conn: Connection) -> bool:
    return all(conn.execute(f"SELECT 1 FROM {name} LIMIT 1").fetchone() is None for name in TABLES)


def clear(conn: Connection) -> None:
    for name in reversed(list(TABLES)):
        conn.execute(f"DELETE FROM {name}")


def _rows(conn: Connection, name: str, order: str) -> Iterator[dict[str, Any]]:
    cursor = conn.execute(f"SELECT * FROM {name} ORDER BY {order}")
    columns = [column[0] for column in cursor.description]
    decoded = JSON_COLUMNS.get(name, frozenset())
    for found in cursor:
        row = dict(zip(columns, found, strict=True))
        for column in decoded & row.keys():
            row[column] = json.loads(row[column])
        yield row


def _checked(
    conn: Connection, name: str, rows: Iterable[dict[str, Any]], source: str
) -> Iterator[tuple[list[str], list[Any]]]:
    known = {column[0] for column in conn.execute(f"SELECT * FROM {name} LIMIT 0").description}
    encoded = JSON_COLUMNS.get(name, frozenset())
    for index, row in enumerate(rows):
        where = f"{source}: tables.{name}[{index}]"
        unknown = sorted(set(row) - known)
        if unknown:
            raise StateError(f"{where}: unknown column {unknown[0]!r}")
        for column, value in row.items():
            if column not in encoded and not isinstance(value, SCALARS):
                raise StateError(f"{where}.{column}: must be a string, number, boolean or null")
        values = [codec.dumps(v) if c in encoded else v for c, v in row.items()]
        if name == "resources":
            _check_resource(row, where)
        yield list(row), values


def _check_resource(row: Mapping[str, Any], where: str) -> None:
    kind, fields = row.get("kind"), row.get("fields")
    if kind not in KINDS or not isinstance(fields, dict):
        raise StateError(f"{where}: a resource needs a kind ({', '.join(KINDS)}) and fields")
    address = Address(str(row.get("shop")), kind, str(row.get("name")))
    try:
        codec.encode_fields(address, {key: _value(value) for key, value in fields.items()})
    except ValueError as exc:
        raise StateError(f"{where}: {exc}") from None


def _value(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value
