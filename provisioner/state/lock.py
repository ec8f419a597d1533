"""The apply lock: one row naming the process that holds it.

Taking over: a lock is stale, and taken over with a logged warning, only when it was taken on
this same host by a process id that no longer exists. A lock from another
host is never presumed dead: its owner may still be running there; `state unlock` is the way
out. (A reused pid makes a dead holder look alive: the safe direction to err in.)

Each acquisition carries a random token, and release deletes only the row with that token, so
a holder whose lock was force-released never releases the next holder's lock.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from provisioner.errors import LockHeldError
from provisioner.state.database import Database
from provisioner.state.timestamps import now
from provisioner.state.values import LockInfo

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


@contextmanager
def held(db: Database, holder: str, operation: str, timeout: float) -> Iterator[None]:
    token = acquire(db, holder, operation, timeout)
    try:
        yield
    finally:
        release(db, token)


def acquire(db: Database, holder: str, operation: str, timeout: float) -> str:
    """Take the lock, polling up to `timeout` seconds; returns the token that releases it."""
    deadline = time.monotonic() + timeout
    token = secrets.token_hex(16)
    while True:
        mine = LockInfo(holder, operation, os.getpid(), socket.gethostname(), now())
        other = _try_take(db, mine, token)
        if other is None:
            return token
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockHeldError(
                f"state is locked by {other.describe()}; wait, use --lock-timeout, "
                "or run `provisioner state unlock` if that process is gone"
            )
        time.sleep(min(POLL_SECONDS, remaining))


def release(db: Database, token: str) -> None:
    with db.writing() as conn:
        released = conn.execute("DELETE FROM lock WHERE token = ?", (token,)).rowcount
    if not released:
        log.warning("the state lock had been released by someone else while this process held it")


def force_release(db: Database) -> LockInfo | None:
    with db.writing() as conn:
        current = read(conn)
        conn.execute("DELETE FROM lock")
    return current


def read(conn: sqlite3.Connection) -> LockInfo | None:
    found = conn.execute("SELECT holder, operation, pid, host, since FROM lock").fetchone()
    return None if found is None else LockInfo(*found)


def _try_take(db: Database, mine: LockInfo, token: str) -> LockInfo | None:
    """None when `mine` now holds the lock, else the live holder."""
    with db.writing() as conn:
        current = read(conn)
        if current is not None and not is_stale(current):
            return current
        if current is not None:
            log.warning(
                "taking over the stale state lock of %s: that process is gone", current.describe()
            )
        conn.execute(
            """INSERT OR REPLACE INTO lock (id, holder, operation, pid, host, since, token)
            VALUES (1, ?, ?, ?, ?, ?, ?)""",
            (mine.holder, mine.operation, mine.pid, mine.host, mine.since, token),
        )
    return None


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
