"""The SQLite backend: one connection with its pragmas, a read snapshot or a write transaction.

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

The lock is the `lock` row itself. It is stale, and taken over with a logged warning, only
when it was taken on this same host by a process id that no longer exists; a lock from
another host is never presumed dead (its owner may still be running there): `state unlock`
is the way out. (A reused pid makes a dead holder look alive: the safe direction to err in.)
"""

from __future__ import annotations

import logging
import os
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from provisioner.errors import StateError
from provisioner.files import UnfitFileError, check_regular
from provisioner.state import lockrow, schema
from provisioner.state.sql import Connection
from provisioner.state.values import LockInfo

log = logging.getLogger(__name__)

BUSY_TIMEOUT_SECONDS = 10.0


class SqliteDatabase:
    reset_ids = ""  # AUTOINCREMENT keeps its counter past any id inserted

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._conn = conn
        self._mutex = threading.RLock()

    @property
    def where(self) -> str:
        return str(self.path)

    @classmethod
    def writable(cls, path: Path) -> SqliteDatabase:
        """Open or create `path` (and its parent directories), migrating the schema."""
        _make_parent(path)
        _refuse_unfit(path)
        if not path.exists():
            _create(path)
        with _translated(path):
            conn = _connect(str(path), uri=False)
            try:
                _refuse_foreign(version(conn, path), path)  # before writing anything
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = FULL")
                migrate(conn, path)
            except BaseException:
                conn.close()
                raise
        return cls(conn, path)

    @classmethod
    def readonly(cls, path: Path) -> SqliteDatabase:
        """Open `path` without writing to it; a missing file reads as an empty state."""
        if not path.exists():
            return cls.empty(path)
        _refuse_unfit(path)
        with _translated(path):
            conn = _connect(path.resolve().as_uri() + "?mode=ro", uri=True)
            try:
                found = version(conn, path)
                _refuse_foreign(found, path)
                schema.check_current(found, str(path))
            except BaseException:
                conn.close()
                raise
        return cls(conn, path)

    @classmethod
    def empty(cls, path: Path) -> SqliteDatabase:
        """An in-memory database with the current schema, standing in for a missing store."""
        conn = _connect(":memory:", uri=False)
        migrate(conn, path)
        return cls(conn, path)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A consistent snapshot for one or more queries."""
        with self._mutex, _translated(self.path):
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.rollback()

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises."""
        with self._mutex, _translated(self.path):
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.rollback()
                raise

    # The lock ------------------------------------------------------------------------------

    def try_lock(self, mine: LockInfo, token: str) -> LockInfo | None:
        with self.writing() as conn:
            current = lockrow.read(conn)
            if current is not None and not is_stale(current):
                return current
            if current is not None:
                log.warning(
                    "taking over the stale state lock of %s: that process is gone",
                    current.describe(),
                )
            lockrow.write(conn, mine, token)
        return None

    def release_lock(self, token: str) -> bool:
        with self.writing() as conn:
            return lockrow.delete(conn, token)

    def force_unlock(self) -> LockInfo | None:
        with self.writing() as conn:
            return lockrow.delete_any(conn)

    def lock_info(self) -> LockInfo | None:
        with self.reading() as conn:
            return lockrow.read(conn)

    def live_holder(self) -> LockInfo | None:
        held = self.lock_info()
        return None if held is None or is_stale(held) else held

    def close(self) -> None:
        with self._mutex:
            self._conn.close()


def version(conn: sqlite3.Connection, path: Path, latest: int = schema.LATEST) -> int:
    """The schema version of the open file: 0 for a new, empty one.

    Raises StateError naming `path` when the file is not a provisioner state database or was
    written by a newer provisioner.
    """
    try:
        app_id, user_version, objects = _header(conn)
    except sqlite3.DatabaseError as exc:
        raise schema.foreign(str(path)) from exc
    if app_id == schema.APPLICATION_ID:
        return schema.check_supported(user_version, str(path), latest)
    if app_id == 0 and user_version == 0 and objects == 0:
        return 0
    raise schema.foreign(str(path))


def migrate(
    conn: sqlite3.Connection,
    path: Path,
    migrations: tuple[schema.Migration, ...] = schema.MIGRATIONS,
) -> None:
    """Bring the schema up to date, writing nothing when it is; safe against a concurrent one."""
    latest = len(migrations)
    if version(conn, path, latest) == latest:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        current = version(conn, path, latest)
        for number, statements in schema.pending(schema.SQLITE, current, migrations):
            for statement in statements:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number:d}")
        conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID:d}")
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def _header(conn: sqlite3.Connection) -> tuple[int, int, int]:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(app_id), int(user_version), int(objects)


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


def _refuse_unfit(path: Path) -> None:
    """A state file that is there must be a regular, non-empty file.

    An emptied file (`: > state.db`) is never taken for a fresh start: that would reopen every
    manual task as new and forget every protected name. Starting afresh is explicit.
    """
    try:
        check_regular(path)
        size = path.stat().st_size if path.exists() else None
    except UnfitFileError as exc:
        raise StateError(f"{path} {exc}: the state store must be a SQLite file") from None
    except OSError as exc:
        raise StateError(f"{path}: cannot open the state store: {exc.strerror}") from None
    if size == 0:
        raise StateError(
            f"{path} is empty (0 bytes): not a provisioner state database, and never silently "
            "started afresh (that would reopen every manual task and forget protected names); "
            "restore it from a backup or an export (`provisioner state import FILE`), or delete "
            "it to start afresh on purpose"
        )


def _refuse_foreign(found: int, path: Path) -> None:
    # Version 0 is a SQLite file with nothing in it: provisioner never leaves one (see _create).
    if found == 0:
        raise StateError(
            f"{path}: an empty SQLite database, not a provisioner state database; refusing to "
            "use it (delete it to start afresh on purpose)"
        )


def _create(path: Path) -> None:
    """A new state file, complete before it appears under its name.

    Built beside it and linked into place, so no process ever sees a half-made store at
    `path` (which it would now rightly refuse), and a store another process created meanwhile
    is never replaced.
    """
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.new")
    try:
        with _translated(path):
            conn = _connect(str(temporary), uri=False)
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                migrate(conn, path)
            finally:
                conn.close()
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        except OSError as exc:
            raise StateError(f"{path}: cannot create the state store: {exc.strerror}") from exc
    finally:
        for leftover in (temporary, *(Path(f"{temporary}{end}") for end in ("-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def _make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateError(f"{path}: cannot create its directory: {exc.strerror}") from exc


def is_stale(lock: LockInfo) -> bool:
    """Taken on this host by a process that no longer exists."""
    return lock.host == socket.gethostname() and not _alive(lock.pid)


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # os.kill(pid, 0) would terminate the process there: never presume death
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True


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
