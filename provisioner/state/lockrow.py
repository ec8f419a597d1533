"""The row naming who holds the apply lock, kept by both backends.

On SQLite the row is the lock itself; on PostgreSQL the lock is an advisory lock held by the
holder's session and the row only says who that is. Each acquisition carries a random token,
and release deletes only the row with that token, so a holder whose lock was force-released
never releases the next holder's lock. Functions take a connection inside a transaction.
"""

from __future__ import annotations

from provisioner.state.sql import Connection
from provisioner.state.values import LockInfo

_COLUMNS = "holder, operation, pid, host, since, ci_url"


def read(conn: Connection) -> LockInfo | None:
    found = conn.execute(f"SELECT {_COLUMNS} FROM lock").fetchone()
    return None if found is None else LockInfo(*found)


def write(conn: Connection, mine: LockInfo, token: str) -> None:
    conn.execute(
        f"""INSERT INTO lock (id, {_COLUMNS}, token) VALUES (1, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET holder = excluded.holder,
            operation = excluded.operation, pid = excluded.pid, host = excluded.host,
            since = excluded.since, ci_url = excluded.ci_url, token = excluded.token""",
        (mine.holder, mine.operation, mine.pid, mine.host, mine.since, mine.ci_url, token),
    )


def delete(conn: Connection, token: str) -> bool:
    return conn.execute("DELETE FROM lock WHERE token = ?", (token,)).rowcount > 0


def delete_any(conn: Connection) -> LockInfo | None:
    current = read(conn)
    conn.execute("DELETE FROM lock")
    return current
