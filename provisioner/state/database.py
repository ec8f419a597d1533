"""One SQLite connection with its pragmas, and the only ways to use it: a read snapshot or a
write transaction.

Durability choices:

- WAL journal: readers (a `plan`) never block the writer (an `apply`) and vice versa.
- `synchronous = FULL`: every commit is fsynced. With WAL, NORMAL already survives a killed
  process, but a power cut or kernel panic could lose the last commits; each commit here
  records work done on a real platform, and an apply commits once per change (a network
  call of its own), so the fsync is cheap insurance.
- The connection is in autocommit mode (`isolation_level=None`) and every access is an
  explicit transaction (`BEGIN IMMEDIATE` for writes), so nothing is ever left open.
- A busy timeout lets concurrent writers queue instead of failing at once.

The connection is shared by threads (apply runs shops in parallel) and guarded by a mutex,
so one thread's transaction never swallows another's statements.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from provisioner.errors import StateError
from provisioner.state import schema

BUSY_TIMEOUT_SECONDS = 10.0


class Database:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._mutex = threading.RLock()

    @classmethod
    def writable(cls, path: Path) -> Database:
        """Open or create `path` (and its parent directories), migrating the schema."""
        _make_parent(path)
        with _translated(path):
            conn = _connect(str(path), uri=False)
            try:
                schema.version(conn, path)  # refuse a foreign file before writing anything
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                schema.migrate(conn, path)
            except BaseException:
                conn.close()
                raise
        return cls(conn, path)

    @classmethod
    def readonly(cls, path: Path) -> Database:
        """Open `path` without writing to it; a missing or new file reads as an empty state."""
        if not path.exists():
            return cls.empty(path)
        with _translated(path):
            conn = _connect(path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                found = schema.version(conn, path)
                _check_current(found, path)
            except BaseException:
                conn.close()
                raise
        if found == 0:
            conn.close()
            return cls.empty(path)
        return cls(conn, path)

    @classmethod
    def empty(cls, path: Path) -> Database:
        """An in-memory database with the current schema, standing in for a missing file."""
        conn = _connect(":memory:", uri=False)
        schema.migrate(conn, path)
        return cls(conn, path)

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A consistent snapshot for one or more queries."""
        with self._mutex, _translated(self.path):
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.rollback()

    @contextmanager
    def writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._mutex, _translated(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.rollback()
                raise

    def close(self) -> None:
        with self._mutex:
            self._conn.close()


def _connect(target: str, *, uri: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target,
        uri=uri,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_SECONDS,
    )
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(f"{path}: cannot create its directory: {exc.strerror}") from exc


def _check_current(found: int, path: Path) -> None:
    latest = len(schema.MIGRATIONS)
    if 0 < found < latest:
        raise StateError(
            f"{path}: state schema version {found} is older than this provisioner's ({latest}); "
            "run a writing command such as `provisioner apply` once to upgrade it"
        )


@contextmanager
def _translated(path: Path) -> Iterator[None]:
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StateError(
                f"{path}: the state store is busy (another process is writing)"
            ) from exc
        raise StateError(f"{path}: {exc}") from exc
    except sqlite3.Error as exc:
        raise StateError(f"{path}: {exc}") from exc
