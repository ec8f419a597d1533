"""The PostgreSQL backend, for teams and CI runners sharing one state.

psycopg 3 (binary wheels, no compiler) is imported here and nowhere else. Choices:

- One connection per thread of a store (apply records from one thread per shop: one shared
  connection behind a mutex made them queue for each other's round trips and commits), each
  in autocommit mode, every access an explicit transaction: a read is one
  `REPEATABLE READ READ ONLY` snapshot, a write one transaction, so each apply result is
  committed on its own and a killed runner loses nothing it did. fsync and
  `synchronous_commit` are the server's: never turned off here. A thread that has ended
  hands its connection to the next new one, so a store holds at most one per live thread.
- The tables live in one schema (`settings.state.schema`), found through `search_path`, so
  several configs can share a database. Its version is the `provisioner_schema` row; the
  migrations are the same ones SQLite runs (`schema`), serialised by a transaction-level
  advisory lock so two runners upgrading at once do not collide.
- The apply lock is a session-level advisory lock keyed by the schema: the server drops it
  when the holder's connection ends, so a SIGKILL'd runner leaves none behind, and TCP
  keepalives (both ends) notice a machine that vanished. The `lock` row only says who holds
  it; a row whose advisory lock is free is a leftover and is replaced by the next holder.
  The lock stays on the connection that took it. Every connection of one store carries the
  same `application_name` tag, so `state unlock` ends the holder's other sessions too: its
  apply threads fail at their next write instead of writing on without the lock.
- Connecting is bounded (`connect_timeout`, 10 s unless the DSN says otherwise) and every
  failure is one line naming the host, port and database, never the password: psycopg's own
  messages are reduced to their reason and scrubbed of the DSN's password.
"""

from __future__ import annotations

import secrets
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

    def __init__(
        self, conn: psycopg.Connection[Any], where: str, schema_name: str, dsn: Secret, tag: str
    ) -> None:
        self._where = where
        self._dsn = dsn
        self._schema = schema_name
        self._tag = tag
        self._mutex = threading.Lock()  # guards `_sessions` only, never a round trip
        self._sessions: dict[threading.Thread, psycopg.Connection[Any]] = {
            threading.current_thread(): conn
        }
        self._lock_conn = conn  # the connection holding the advisory lock, once taken
        self._lock_key = zlib.crc32(schema_name.encode()) & 0x7FFFFFFF or 1

    @property
    def where(self) -> str:
        return self._where

    @classmethod
    def writable(cls, dsn: Secret, schema_name: str) -> PostgresDatabase:
        """Connect, creating the schema and its tables or migrating them."""
        tag = secrets.token_hex(8)
        conn, where = _connect(dsn, schema_name, tag)
        try:
            with _translated(where, dsn):
                _migrate(conn, schema_name, where)
                _use_schema(conn, schema_name)
        except BaseException:
            conn.close()
            raise
        return cls(conn, where, schema_name, dsn, tag)

    @classmethod
    def readonly(cls, dsn: Secret, schema_name: str) -> Database:
        """Connect without writing; a schema that does not exist yet reads as an empty state."""
        from provisioner.state.sqlite import SqliteDatabase

        tag = secrets.token_hex(8)
        conn, where = _connect(dsn, schema_name, tag)
        try:
            with _translated(where, dsn):
                found = _version(conn, schema_name, where)
                schema.check_current(found, where)
                _use_schema(conn, schema_name)
        except BaseException:
            conn.close()
            raise
        if found == 0:
            conn.close()
            return SqliteDatabase.empty(Path(where))
        return cls(conn, where, schema_name, dsn, tag)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        conn = self._session()
        with _translated(self._where):
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            try:
                yield _Adapted(conn)
            finally:
                conn.execute("ROLLBACK")

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        conn = self._session()
        with _translated(self._where), conn.transaction():
            yield _Adapted(conn)

    def _session(self) -> psycopg.Connection[Any]:
        """This thread's connection: its own, or one an ended thread left, or a new one."""
        me = threading.current_thread()
        with self._mutex:
            conn = self._sessions.get(me)
            if conn is not None:
                return conn
            ended = next((t for t in self._sessions if not t.is_alive()), None)
            if ended is not None:
                conn = self._sessions[me] = self._sessions.pop(ended)
                return conn
        conn, _ = _connect(self._dsn, self._schema, self._tag)  # outside the mutex: slow
        with _translated(self._where, self._dsn):
            _use_schema(conn, self._schema)
        with self._mutex:
            self._sessions[me] = conn
        return conn

    # The lock ------------------------------------------------------------------------------

    def try_lock(self, mine: LockInfo, token: str) -> LockInfo | None:
        conn = self._session()
        with _translated(self._where):
            taken = conn.execute(f"SELECT pg_try_advisory_lock({self._key})").fetchone()
            if not (taken and taken[0]):
                return self.lock_info() or LockInfo("another process", "?", 0, "?", "now")
            self._lock_conn = conn  # a session-level lock: released only by this session
            with self.writing() as writer:
                lockrow.write(writer, mine, token)  # any row there was left by a dead session
        return None

    def release_lock(self, token: str) -> bool:
        with _translated(self._where):
            with self.writing() as conn:
                released = lockrow.delete(conn, token)
            self._lock_conn.execute(f"SELECT pg_advisory_unlock({self._key})")
        return released

    def force_unlock(self) -> LockInfo | None:
        """End the database sessions of the store holding the lock: the one holding it and
        its other threads' (its apply fails at its next write)."""
        conn = self._session()
        with _translated(self._where):
            held = self.lock_info()
            for (pid,) in conn.execute(self._holder_store_sessions()).fetchall():
                conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with self.writing() as writer:
                lockrow.delete_any(writer)
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
            sessions, self._sessions = list(self._sessions.values()), {}
        for conn in sessions:
            conn.close()

    @property
    def _key(self) -> str:
        return f"{LOCK_CLASS:d}, {self._lock_key:d}"

    def _holder_sessions(self) -> pgsql.Composed:
        """The server process ids of the sessions holding the apply lock (at most one)."""
        query = (
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = {} AND objid = {} AND objsubid = 2"
        )
        return pgsql.SQL(query).format(pgsql.Literal(LOCK_CLASS), pgsql.Literal(self._lock_key))

    def _holder_store_sessions(self) -> pgsql.Composed:
        """Every session of the other store holding the lock: the holder, and those sharing
        its `application_name` tag (its other threads)."""
        return pgsql.SQL(
            "SELECT pid FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            " AND application_name <> {mine} AND (pid IN ({holders}) OR application_name IN"
            " (SELECT application_name FROM pg_stat_activity WHERE pid IN ({holders})"
            " AND application_name LIKE 'provisioner %'))"
        ).format(mine=pgsql.Literal(_application_name(self._tag)), holders=self._holder_sessions())


class _Adapted:
    """`sql.Connection` over psycopg: the `?` placeholders of the portable SQL become `%s`."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        return self._conn.execute(sql.replace("?", "%s"), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> None:
        with self._conn.cursor() as cursor:
            cursor.executemany(sql.replace("?", "%s"), list(seq_of_parameters))


def _application_name(tag: str) -> str:
    return f"provisioner {tag}"


def _use_schema(conn: psycopg.Connection[Any], schema_name: str) -> None:
    conn.execute(pgsql.SQL("SET search_path TO {}").format(pgsql.Identifier(schema_name)))


def _connect(dsn: Secret, schema_name: str, tag: str) -> tuple[psycopg.Connection[Any], str]:
    params = _parse(dsn)
    where = _describe(params, schema_name)
    extra: dict[str, Any] = {key: value for key, value in KEEPALIVES.items() if key not in params}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_SECONDS
    try:
        conn = psycopg.connect(
            dsn.reveal(), autocommit=True, application_name=_application_name(tag), **extra
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
