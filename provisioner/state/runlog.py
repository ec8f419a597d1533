"""Apply history: one row per run, one row per change result.

Functions take a connection already inside a transaction (see `Database`).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from typing import Any

from provisioner.resources import Address, Change
from provisioner.state.values import ApplyRun, ChangeResult, ResultStatus, RunStatus


def begin(
    conn: sqlite3.Connection,
    who: str,
    commit: str | None,
    plan_digest: str,
    operation: str,
    *,
    at: str,
) -> int:
    cursor = conn.execute(
        """INSERT INTO runs (who, started_at, git_commit, plan_digest, operation, status)
        VALUES (?, ?, ?, ?, ?, 'running')""",
        (who, at, commit, plan_digest, operation),
    )
    assert cursor.lastrowid is not None  # an INSERT into a rowid table always sets it
    return cursor.lastrowid


def finish(conn: sqlite3.Connection, run_id: int, status: RunStatus, at: str) -> bool:
    """False when there is no such run."""
    cursor = conn.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", (status, at, run_id)
    )
    return cursor.rowcount == 1


def interrupt_running(conn: sqlite3.Connection) -> list[tuple[int, str, int]]:
    """Close every run still "running" as "interrupted"; (id, who, results) of each.

    Only for whoever has just taken the apply lock: every run is begun under that lock, so a
    run still "running" then belongs to a process that is gone. It finished when it was last
    seen working: its last recorded result, or its start.
    """
    found = conn.execute(
        """SELECT id, who, (SELECT COUNT(*) FROM results WHERE results.run_id = runs.id)
        FROM runs WHERE status = 'running' ORDER BY id"""
    ).fetchall()
    conn.execute(
        """UPDATE runs SET status = 'interrupted', finished_at = COALESCE(
            (SELECT MAX(at) FROM results WHERE results.run_id = runs.id), started_at)
        WHERE status = 'running'"""
    )
    return [(int(run_id), str(who_), int(count)) for run_id, who_, count in found]


def add_result(
    conn: sqlite3.Connection,
    run_id: int,
    change: Change,
    status: ResultStatus,
    *,
    message: str,
    at: str,
) -> None:
    address = change.address
    conn.execute(
        """INSERT INTO results (run_id, change_key, shop, kind, name, action, execution, status,
            message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            run_id,
            change.key,
            address.shop,
            address.kind,
            address.name,
            change.action,
            change.execution,
            status,
            message,
            at,
        ),
    )


def who(conn: sqlite3.Connection, run_id: int) -> str | None:
    found = conn.execute("SELECT who FROM runs WHERE id = ?", (run_id,)).fetchone()
    return None if found is None else str(found[0])


def latest(conn: sqlite3.Connection, limit: int) -> tuple[ApplyRun, ...]:
    """The last `limit` runs, newest first, each with its results (two queries in all)."""
    runs = conn.execute(
        """SELECT id, who, started_at, finished_at, git_commit, plan_digest, operation, status
        FROM runs ORDER BY id DESC LIMIT ?""",
        (limit,),
    ).fetchall()
    if not runs:
        return ()
    results = _results(conn, oldest=runs[-1][0])
    return tuple(_run(found, tuple(results[found[0]])) for found in runs)


def _results(conn: sqlite3.Connection, oldest: int) -> dict[int, list[ChangeResult]]:
    by_run: dict[int, list[ChangeResult]] = defaultdict(list)
    cursor = conn.execute(
        """SELECT run_id, change_key, shop, kind, name, action, execution, status, message, at
        FROM results WHERE run_id >= ? ORDER BY id""",
        (oldest,),
    )
    for found in cursor:
        by_run[found[0]].append(_result(found))
    return by_run


def _run(found: tuple[Any, ...], results: tuple[ChangeResult, ...]) -> ApplyRun:
    run_id, who_, started_at, finished_at, commit, plan_digest, operation, status = found
    return ApplyRun(
        run_id, who_, started_at, finished_at, commit, plan_digest, operation, status, results
    )


def _result(found: tuple[Any, ...]) -> ChangeResult:
    _, key, shop, kind, name, action, execution, status, message, at = found
    return ChangeResult(key, Address(shop, kind, name), action, execution, status, message, at)
