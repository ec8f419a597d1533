"""Two applies at once: one holds the lock; the other fails fast naming it, or waits with --lock-timeout."""

from __future__ import annotations

import socket
import sqlite3
import time

import pytest
from engine_project import Project, account, agent, config, lock_pid, memory_shop, wait_for_lock

from provisioner.errors import StateError
from provisioner.state import StateStore

SLOW = {"PROVISIONER_MEMORY_DELAY": "0.3", "PROVISIONER_USER": "alice"}


def eight_agents(project: Project) -> None:
    agents = {f"a{i}": agent(f"员工{i}", account("mem", f"a{i}")) for i in range(8)}
    project.write(config({"mem": memory_shop()}, agents))


def test_a_second_apply_fails_fast_naming_the_holder(project: Project) -> None:
    eight_agents(project)
    first = project.spawn("apply", "--auto-approve", env=SLOW)
    try:
        wait_for_lock(project, first.pid)

        started = time.monotonic()
        second = project.run("apply", "--auto-approve")
        elapsed = time.monotonic() - started

        assert second.code == 1
        assert elapsed < 2
        assert (
            f"error: state is locked by alice (apply, pid {first.pid} on {socket.gethostname()}, since"
            in second.err
        )
        assert "--lock-timeout" in second.err
        assert "Traceback" not in second.err
        assert second.out == ""  # it did not plan, let alone apply

        # Planning reads without the lock: a reviewer can still plan during an apply.
        assert project.run("plan", "--format", "json").code == 0
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    assert "Apply complete: 9 done" in out
    assert lock_pid(project) is None


def test_with_a_lock_timeout_the_second_apply_waits_then_succeeds(project: Project) -> None:
    eight_agents(project)
    first = project.spawn("apply", "--auto-approve", env=SLOW)
    try:
        wait_for_lock(project, first.pid)
        started = time.monotonic()
        second = project.run("apply", "--auto-approve", "--lock-timeout", "30")
        waited = time.monotonic() - started
    finally:
        first.communicate(timeout=60)
    assert first.returncode == 0
    assert second.code == 0, second.output
    assert "No changes." in second.out  # it planned only once the first had applied it all
    assert waited > 1
    assert project.live_accounts("mem") == {f"a{i}" for i in range(8)}
    assert lock_pid(project) is None


def test_the_lock_is_released_after_a_failed_apply(project: Project) -> None:
    eight_agents(project)
    failed = project.run("apply", "--auto-approve", env={"PROVISIONER_MEMORY_FAIL": "a3"})
    assert failed.code == 1
    assert lock_pid(project) is None
    assert project.run("apply", "--auto-approve").code == 0


def test_a_lock_held_on_another_machine_is_never_taken_over_but_can_be_released(
    project: Project,
) -> None:
    eight_agents(project)
    project.ok("apply", "--auto-approve")
    if project.backend == "postgres":
        held_elsewhere_on_postgres(project)
        return
    conn = sqlite3.connect(project.db)
    with conn:  # a CI runner elsewhere, sharing the state, is applying
        conn.execute(
            "INSERT INTO lock (id, holder, operation, pid, host, since, token) "
            "VALUES (1, 'ci-bot', 'apply', 4242, 'runner-7', '2025-01-01T00:00:00+00:00', 'x')"
        )
    conn.close()

    held = project.run("apply", "--auto-approve")
    assert held.code == 1
    assert "state is locked by ci-bot (apply, pid 4242 on runner-7" in held.err
    assert "provisioner state unlock" in held.err

    released = project.ok("state", "unlock")
    assert "Released the lock held by ci-bot (apply)" in released.out
    assert project.run("apply", "--auto-approve").code == 0
    assert project.ok("state", "unlock").out.strip() == "The state was not locked."


def held_elsewhere_on_postgres(project: Project) -> None:
    """Another session (a runner elsewhere) holds the advisory lock; unlock ends it."""
    runner = StateStore.open(project.location)
    lock = runner.lock("ci-bot", "apply")
    lock.__enter__()
    held = project.run("apply", "--auto-approve")
    assert held.code == 1
    assert "state is locked by ci-bot (apply, pid" in held.err
    released = project.ok("state", "unlock")
    assert "Released the lock held by ci-bot (apply)" in released.out
    with pytest.raises(StateError, match="terminating connection due to administrator command"):
        lock.__exit__(None, None, None)  # that runner's next write fails: its session is gone
    runner.close()
    assert project.run("apply", "--auto-approve").code == 0
    assert project.ok("state", "unlock").out.strip() == "The state was not locked."
