"""The versioned schema: an ordered list of migrations, applied in one transaction each.

`PRAGMA user_version` is the number of migrations applied; `PRAGMA application_id` marks
the file as a provisioner state database, so a foreign file is refused rather than altered.
Append a migration to change the schema; never edit a released one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from provisioner.errors import StateError

APPLICATION_ID = 0x50525653  # "PRVS"

Migration = tuple[str, ...]

_V1: Migration = (
    """CREATE TABLE resources (
        shop TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('account', 'role', 'group')),
        name TEXT NOT NULL,
        remote_id TEXT,
        fields TEXT NOT NULL,
        PRIMARY KEY (shop, kind, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE protected (
        shop TEXT NOT NULL,
        name TEXT NOT NULL,
        PRIMARY KEY (shop, name)
    ) WITHOUT ROWID""",
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        who TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        git_commit TEXT,
        plan_digest TEXT NOT NULL,
        operation TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'failed', 'interrupted'))
    )""",
    """CREATE TABLE results (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        run_id INTEGER NOT NULL REFERENCES runs (id),
        change_key TEXT NOT NULL,
        shop TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        action TEXT NOT NULL,
        execution TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'skipped', 'task_opened')),
        message TEXT NOT NULL,
        at TEXT NOT NULL
    )""",
    "CREATE INDEX results_by_run ON results (run_id, id)",
    """CREATE TABLE tasks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        change_key TEXT NOT NULL,
        shop TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        platform TEXT NOT NULL,
        action TEXT NOT NULL,
        execution TEXT NOT NULL,
        reason TEXT NOT NULL,
        fields TEXT NOT NULL,
        meta TEXT NOT NULL,
        steps TEXT NOT NULL,
        remote_id TEXT,
        agent TEXT,
        status TEXT NOT NULL CHECK (status IN ('open', 'done', 'cancelled')),
        created_at TEXT NOT NULL,
        created_by TEXT,
        closed_at TEXT,
        closed_by TEXT,
        note TEXT,
        run_id INTEGER REFERENCES runs (id)
    )""",
    # At most one open task per change: what makes open_task idempotent, even across processes.
    "CREATE UNIQUE INDEX tasks_open_by_key ON tasks (change_key) WHERE status = 'open'",
    """CREATE TABLE lock (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        holder TEXT NOT NULL,
        operation TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        since TEXT NOT NULL,
        token TEXT NOT NULL
    )""",
)

# Manual tasks say what they wait for (the ids of the tasks opened for the changes they depend
# on) and how they were closed: checked live ("verified"), on a person's word where nothing can
# be read ("attested"), or over a live read that did not show it ("forced", with a note).
_V2: Migration = (
    "ALTER TABLE tasks ADD COLUMN waits_for TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE tasks ADD COLUMN closed_how TEXT",
)

MIGRATIONS: tuple[Migration, ...] = (_V1, _V2)


def version(conn: sqlite3.Connection, path: Path, latest: int = len(MIGRATIONS)) -> int:
    """The schema version of the open file: 0 for a new, empty one.

    Raises StateError naming `path` when the file is not a provisioner state database or was
    written by a newer provisioner.
    """
    try:
        app_id, user_version, objects = _header(conn)
    except sqlite3.DatabaseError as exc:
        raise _foreign(path) from exc
    if app_id == APPLICATION_ID:
        if user_version > latest:
            raise StateError(
                f"{path}: state schema version {user_version} is newer than this provisioner "
                f"supports ({latest}); upgrade provisioner"
            )
        return int(user_version)
    if app_id == 0 and user_version == 0 and objects == 0:
        return 0
    raise _foreign(path)


def migrate(
    conn: sqlite3.Connection, path: Path, migrations: tuple[Migration, ...] = MIGRATIONS
) -> None:
    """Bring the schema up to date, writing nothing when it is; safe against a concurrent one."""
    latest = len(migrations)
    if version(conn, path, latest) == latest:
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Read again under the write lock: another process may have migrated meanwhile.
        current = version(conn, path, latest)
        for number, migration in enumerate(migrations[current:], start=current + 1):
            for statement in migration:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number:d}")
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    except BaseException:
        conn.rollback()
        raise
    conn.execute("COMMIT")


def _header(conn: sqlite3.Connection) -> tuple[int, int, int]:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    user_version = conn.execute("PRAGMA user_version").fetchone()[0]
    objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    return int(app_id), int(user_version), int(objects)


def _foreign(path: Path) -> StateError:
    return StateError(f"{path}: not a provisioner state database; refusing to use it")
