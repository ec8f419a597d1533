"""Apply history: one row per run, one row per change result.

Functions take a connection already inside a transaction (see `Database`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from provisioner.resources import Address, Change
from provisioner.state.sql import Connection, new_id
from provisioner.state.values import ApplyRun, ChangeResult, ResultStatus, RunStatus


def begin(
    conn: Connection,
    who: str,
    commit: str | None,
    plan_digest: str,
    operation: str,
    *,
    at: str,
    dirty: bool | None = None,
) -> int:
    cursor = conn.execute(
        """INSERT INTO runs (who, started_at, git_commit, git_dirty, plan_digest, operation,
            status) VALUES (?, ?, ?, ?, ?, ?, 'running') RETURNING id""",
        (who, at, commit, None if dirty is None else int(dirty), plan_digest, operation),
    )
    return new_id(cursor)


def finish(conn: Connection, run_id: int, status: RunStatus, at: str) -> bool:
    """False when there is no such run."""
    cursor = conn.execute(
        "UPDATE runs SET status = ?, finished_at = ? WHERE id = ?", (status, at, run_id)
    )
    return cursor.rowcount == 1


def interrupt_running(conn: Connection) -> list[tuple[int, str, int]]:
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
    conn: Connection,
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


def who(conn: Connection, run_id: int) -> str | None:
    found = conn.execute("SELECT who FROM runs WHERE id = ?", (run_id,)).fetchone()
    return None if found is None else str(found[0])


def latest(conn: Connection, limit: int) -> tuple[ApplyRun, ...]:
    """The last `limit` runs, newest first, each with its results (two queries in all)."""
    runs = conn.execute(
        """SELECT id, who, started_at, finished_at, git_commit, plan_digest, operation, status,
            git_dirty FROM runs ORDER BY id DESC LIMIT ?""",
        (limit,),
    ).fetchall()
    if not runs:
        return ()
    results = _results(conn, oldest=runs[-1][0])
    return tuple(_run(found, tuple(results[found[0]])) for found in runs)


def _results(conn: Connection, oldest: int) -> dict[int, list[ChangeResult]]:
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
    run_id, who_, started_at, finished_at, commit, plan_digest, operation, status, dirty = found
    return ApplyRun(
        run_id,
        who_,
        started_at,
        finished_at,
        commit,
        plan_digest,
        operation,
        status,
        results,
        git_dirty=None if dirty is None else bool(dirty),
    )


def _result(found: tuple[Any, ...]) -> ChangeResult:
    _, key, shop, kind, name, action, execution, status, message, at = found
    return ChangeResult(key, Address(shop, kind, name), action, execution, status, message, at)
