"""No run unaccounted for: an apply that stopped before it finished is `interrupted`, never
`running` for ever, whether it was killed (SIGKILL: the next command that takes the lock
records it; `state history` reads it so at once), terminated or interrupted with Ctrl-C (the
run records it itself). What it had done stays in its results.
"""

from __future__ import annotations

import signal
import sqlite3
import time

import pytest
from engine_project import Project, account, agent, config, memory_shop

ACCOUNTS = 40
DELAY = "0.05"  # seconds per platform write: an apply of 40 accounts takes about 2 s


def roster(project: Project) -> None:
    agents = {
        f"p{i:02d}": agent(f"员工{i:02d}", account("mem", f"p{i:02d}")) for i in range(ACCOUNTS)
    }
    project.write(config({"mem": memory_shop()}, agents))


def results_recorded(project: Project) -> int:
    if not project.db.exists():
        return 0
    conn = sqlite3.connect(f"file:{project.db}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM results").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def apply_until_it_has_done_some(project: Project, signum: int) -> str:
    """Start an apply, stop it with `signum` once it has recorded a few results; its stderr."""
    apply = project.spawn("apply", "--auto-approve", env={"PROVISIONER_MEMORY_DELAY": DELAY})
    deadline = time.monotonic() + 30
    while results_recorded(project) < 3:
        assert apply.poll() is None, apply.communicate()
        assert time.monotonic() < deadline, "the apply recorded nothing"
        time.sleep(0.02)
    apply.send_signal(signum)
    _, err = apply.communicate(timeout=30)
    assert apply.returncode != 0, err  # it did not get to finish
    return err


def history_lines(project: Project) -> list[str]:
    return project.ok("state", "history").out.splitlines()


def stored_status(project: Project, run_id: int) -> str:
    conn = sqlite3.connect(f"file:{project.db}?mode=ro", uri=True)
    try:
        return str(conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_a_stopped_apply_is_interrupted_with_what_it_had_done(
    project: Project, signum: signal.Signals
) -> None:
    roster(project)
    apply_until_it_has_done_some(project, signum)
    done = len(project.platform("mem"))  # the role, then accounts
    assert done > 0
    # Ctrl-C: the run records it itself. SIGKILL: it could not; the next lock holder will.
    # SIGTERM: either, depending on whether apply handles it (issue 14) or dies of it.
    expected = {signal.SIGINT: {"interrupted"}, signal.SIGKILL: {"running"}}
    assert stored_status(project, 1) in expected.get(signum, {"running", "interrupted"})

    (line,) = history_lines(project)  # before anyone takes the lock: read as interrupted
    assert " interrupted: " in line and "running" not in line, line
    recorded = int(line.rsplit(": ", 1)[1].split()[0])
    assert recorded in (done, done - 1)  # at most the write in flight lacks its record

    final = project.run_process("apply", "--auto-approve")
    assert final.code == 0, final.output
    if signum == signal.SIGINT:
        assert "stopped before it finished" not in final.err
    elif signum == signal.SIGKILL:
        assert "run #1 by " in final.err
        assert "stopped before it finished (its process is gone): marked interrupted" in final.err
    assert stored_status(project, 1) == "interrupted"
    lines = history_lines(project)
    assert lines[-1].startswith("#1 ") and f" interrupted: {recorded} changes" in lines[-1]
    assert not [line for line in lines if " running: " in line]
    assert project.live_accounts("mem") == {f"p{i:02d}" for i in range(ACCOUNTS)}
    assert "No changes." in project.ok("plan").out
