"""The PostgreSQL backend, for teams and CI runners sharing one state.

psycopg 3 (binary wheels, no compiler) is imported here and nowhere else. Choices:

- One connection per store, in autocommit mode, every access an explicit transaction:
  a read is one `REPEATABLE READ READ ONLY` snapshot, a write one transaction, so each apply
  result is committed on its own and a killed runner loses nothing it did.
- The tables live in one schema (`settings.state.schema`), found through `search_path`, so
  several configs can share a database. Its version is the `provisioner_schema` row; the
  migrations are the same ones SQLite runs (`schema`), serialised by a transaction-level
  advisory lock so two runners upgrading at once do not collide.
- The apply lock is a session-level advisory lock keyed by the schema: the server drops it
  when the holder's connection ends, so a SIGKILL'd runner leaves none behind, and TCP
  keepalives (both ends) notice a machine that vanished. The `lock` row only says who holds
  it; a row whose advisory lock is free is a leftover and is replaced by the next holder.
- Connecting is bounded (`connect_timeout`, 10 s unless the DSN says otherwise) and every
  failure is one line naming the host, port and database, never the password: psycopg's own
  messages are reduced to their reason and scrubbed of the DSN's password.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql as pgsql
from psycopg.conninfo import conninfo_to_dict

from provisioner.errors import StateError
from provisioner.secrets import Secret
from provisioner.state import lockrow, schema
from provisioner.state.sql import Connection, Cursor, Database
from provisioner.state.values import LockInfo

CONNECT_TIMEOUT_SECONDS = 10
# Both ends probe an idle connection after a minute, so a vanished peer is noticed in ~2 min.
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 60, "keepalives_interval": 10}
KEEPALIVES_COUNT = 6
APPLICATION = "provisioner-state"
LOCK_CLASS = schema.APPLICATION_ID  # first half of every advisory lock key we take
MIGRATION_KEY = 0  # second half while migrating; the apply lock uses the schema's key


class PostgresDatabase:
    reset_ids = (
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
        " FROM {table}"
    )

    def __init__(self, conn: psycopg.Connection[Any], where: str, schema_name: str) -> None:
        self._conn = conn
        self._where = where
        self._mutex = threading.RLock()
        self._lock_key = zlib.crc32(schema_name.encode()) & 0x7FFFFFFF or 1

    @property
    def where(self) -> str:
        return self._where

    @classmethod
    def writable(cls, dsn: Secret, schema_name: str) -> PostgresDatabase:
        """Connect, creating the schema and its tables or migrating them."""
        conn, where = _connect(dsn, schema_name)
        try:
            with _translated(where, dsn):
                _migrate(conn, schema_name, where)
                conn.execute(
                    pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema_name))
                )
        except BaseException:
            conn.close()
            raise
        return cls(conn, where, schema_name)

    @classmethod
    def readonly(cls, dsn: Secret, schema_name: str) -> Database:
        """Connect without writing; a schema that does not exist yet reads as an empty state."""
        from provisioner.state.sqlite import SqliteDatabase

        conn, where = _connect(dsn, schema_name)
        try:
            with _translated(where, dsn):
                found = _version(conn, schema_name, where)
                schema.check_current(found, where)
                conn.execute(
                    pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema_name))
                )
        except BaseException:
            conn.close()
            raise
        if found == 0:
            conn.close()
            return SqliteDatabase.empty(Path(where))
        return cls(conn, where, schema_name)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        with self._mutex, _translated(self._where):
            self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield _Adapted(self._conn)
            finally:
                self._conn.execute("ROLLBACK")

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        with self._mutex, _translated(self._where), self._conn.transaction():
            yield _Adapted(self._conn)

    # The lock ------------------------------------------------------------------------------

    def try_lock(self, mine: LockInfo, token: str) -> LockInfo | None:
        with self._mutex, _translated(self._where):
            taken = self._conn.execute(f"SELECT pg_try_advisory_lock({self._key})").fetchone()
            if not (taken and taken[0]):
                return self.lock_info() or LockInfo("another process", "?", 0, "?", "now")
            with self.writing() as conn:
                lockrow.write(conn, mine, token)  # any row there was left by a dead session
        return None

    def release_lock(self, token: str) -> bool:
        with self._mutex, _translated(self._where):
            with self.writing() as conn:
                released = lockrow.delete(conn, token)
            self._conn.execute(f"SELECT pg_advisory_unlock({self._key})")
        return released

    def force_unlock(self) -> LockInfo | None:
        """End the database session holding the lock (its apply fails at its next write)."""
        with self._mutex, _translated(self._where):
            held = self.lock_info()
            others = self._holder_sessions(others_only=True)
            for (pid,) in self._conn.execute(others).fetchall():
                self._conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with self.writing() as conn:
                lockrow.delete_any(conn)
        return held

    def lock_info(self) -> LockInfo | None:
        """The holder row, if its advisory lock is really held (else it is a leftover)."""
        with self.reading() as conn:
            if not conn.execute(self._holder_sessions().as_string()).fetchall():
                return None
            return lockrow.read(conn)

    def live_holder(self) -> LockInfo | None:
        return self.lock_info()  # the server holds the lock only for a live session

    def close(self) -> None:
        with self._mutex:
            self._conn.close()

    @property
    def _key(self) -> str:
        return f"{LOCK_CLASS:d}, {self._lock_key:d}"

    def _holder_sessions(self, *, others_only: bool = False) -> pgsql.Composed:
        """The server process ids of the sessions holding the apply lock (at most one)."""
        query = (
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = {} AND objid = {} AND objsubid = 2"
        )
        if others_only:
            query += " AND pid <> pg_backend_pid()"
        return pgsql.SQL(query).format(pgsql.Literal(LOCK_CLASS), pgsql.Literal(self._lock_key))


class _Adapted:
    """`sql.Connection` over psycopg: the `?` placeholders of the portable SQL become `%s`."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self._conn.execute(sql.replace("?", "%s"), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), list(seq_of_parameters))


def _connect(dsn: Secret, schema_name: str) -> tuple[psycopg.Connection[Any], str]:
    params = _parse(dsn)
    where = _describe(params, schema_name)
    extra: dict[str, Any] = {key: value for key, value in KEEPALIVES.items() if key not in params}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        conn = psycopg.connect(
            dsn.reveal(), autocommit=True, application_name="provisioner", **extra
        )
    except psycopg.Error as exc:
        raise StateError(f"{where}: cannot connect: {_reason(exc, dsn)}") from None
    with _translated(where, dsn):
        for setting, value in (("idle", 60), ("interval", 10), ("count", KEEPALIVES_COUNT)):
            conn.execute(f"SET tcp_keepalives_{setting} = {value:d}")
    return conn, where


def _parse(dsn: Secret) -> dict[str, Any]:
    try:
        return conninfo_to_dict(dsn.reveal())
    except psycopg.Error:
        # psycopg's message quotes the string, password and all: say what is wrong, not where.
        raise StateError(
            "settings.state.dsn: not a valid PostgreSQL connection string "
            "(expected key=value pairs or a postgresql:// URL)"
        ) from None


def _describe(params: dict[str, Any], schema_name: str) -> str:
    host = str(params.get("host") or params.get("hostaddr") or "local socket")
    port = params.get("port") or 5432
    database = params.get("dbname") or params.get("user") or "postgres"
    return f"PostgreSQL state {host}:{port}/{database} (schema {schema_name})"


def _reason(exc: psycopg.Error, dsn: Secret | None) -> str:
    """psycopg's message, cut to its reason: the last 'failed:' clause of its first line."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    reason = text.rsplit("failed: ", 1)[-1].replace("FATAL:  ", "").strip()
    reason = reason.removeprefix("connection is bad: ")
    if "timeout expired" in reason:
        reason = "no answer in time (connect_timeout)"
    reason = reason[:1].lower() + reason[1:]
    if dsn is not None:
        password = _password(dsn)
        if password:
            reason = reason.replace(password, "***")
    return reason


def _password(dsn: Secret) -> str:
    try:
        return str(conninfo_to_dict(dsn.reveal()).get("password") or "")
    except psycopg.Error:
        return ""


@contextmanager
def _translated(where: str, dsn: Secret | None = None) -> Iterator[None]:
    try:
        yield
    except psycopg.OperationalError as exc:
        raise StateError(f"{where}: {_reason(exc, dsn)}") from None
    except psycopg.Error as exc:
        raise StateError(f"{where}: {_reason(exc, dsn)}") from exc


def _version(conn: psycopg.Connection[Any], schema_name: str, where: str) -> int:
    """The schema's version: 0 when it (or its version table) does not exist yet."""
    tables = {
        name
        for (name,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema_name,)
        )
    }
    if "provisioner_schema" not in tables:
        if tables:
            raise schema.foreign(where)
        return 0
    found = conn.execute(
        pgsql.SQL("SELECT application, version FROM {}.provisioner_schema").format(
            pgsql.Identifier(schema_name)
        )
    ).fetchone()
    if found is None or found[0] != APPLICATION:
        raise schema.foreign(where)
    return schema.check_supported(int(found[1]), where)


def _migrate(conn: psycopg.Connection[Any], schema_name: str, where: str) -> None:
    if _version(conn, schema_name, where) == schema.LATEST:
        return  # current: write nothing (a runner may hold no CREATE privilege)
    name = pgsql.Identifier(schema_name)
    with conn.transaction():
        conn.execute(f"SELECT pg_advisory_xact_lock({LOCK_CLASS:d}, {MIGRATION_KEY:d})")
        current = _version(conn, schema_name, where)  # again, under the lock
        conn.execute(pgsql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(name))
        conn.execute(pgsql.SQL("SET LOCAL search_path TO {}").format(name))
        conn.execute(
            """CREATE TABLE IF NOT EXISTS provisioner_schema (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                application TEXT NOT NULL,
                version INTEGER NOT NULL)"""
        )
        for number, statements in schema.pending(schema.POSTGRES, current):
            for statement in statements:
                conn.execute(statement)
            conn.execute(
                """INSERT INTO provisioner_schema (id, application, version) VALUES (1, %s, %s)
                ON CONFLICT (id) DO UPDATE SET version = excluded.version""",
                (APPLICATION, number),
            )
