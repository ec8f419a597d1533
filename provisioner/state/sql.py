"""What the state modules need of a database connection, whichever backend is behind it.

`recorded`, `runlog`, `tasklog` and `lock` write portable SQL with `?` placeholders against
this small interface; `sqlite3.Connection` satisfies it as is, and the PostgreSQL backend
adapts psycopg to it (see `postgres`). New ids come back with `RETURNING id`, which both
speak (SQLite since 3.35), instead of the SQLite-only `lastrowid`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from provisioner.state.values import LockInfo


class Cursor(Protocol):
    @property
    def rowcount(self) -> int: ...

    @property
    def description(self) -> Any: ...  # DB-API: one sequence per column, its name first

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any: ...


class Database(Protocol):
    """One backend's connection to the state, and how it locks.

    `where` names the store in messages (a file path, or a PostgreSQL host and schema: never a
    password). `reading()` is one consistent snapshot; `writing()` one transaction, committed
    when the block ends and rolled back if it raises.
    """

    @property
    def where(self) -> str: ...

    # The statement that moves `{table}`'s id counter past its rows after ids were inserted
    # explicitly (`state import`); "" where the backend does that by itself.
    reset_ids: str

    def reading(self) -> AbstractContextManager[Connection]: ...

    def writing(self) -> AbstractContextManager[Connection]: ...

    def try_lock(self, mine: LockInfo, token: str) -> LockInfo | None:
        """Take the apply lock as `mine`: None when taken, else who holds it."""
        ...

    def release_lock(self, token: str) -> bool:
        """Release the lock taken with `token`; False when someone had force-released it."""
        ...

    def force_unlock(self) -> LockInfo | None:
        """Release the lock whoever holds it; returns what was held."""
        ...

    def lock_info(self) -> LockInfo | None: ...

    def live_holder(self) -> LockInfo | None:
        """The holder, if a live process holds the lock (not one that died holding it)."""
        ...

    def close(self) -> None: ...


def new_id(cursor: Cursor) -> int:
    """The id an `INSERT ... RETURNING id` produced."""
    return int(cursor.fetchone()[0])
