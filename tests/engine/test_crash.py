"""SIGKILL during apply at random moments: the state store stays sound and nothing is lost.

Each trial swaps the roster (30 accounts "a00".."a29" ↔ "b00".."b29"), so an apply deletes and
creates ~60 accounts at 20 ms a write, and is killed at a random moment. After every kill the
store passes `PRAGMA integrity_check` and the next plan shows exactly the work that is left
(what the platform has vs. the config); the last trial is killed while it surely holds the
apply lock, and the final apply takes that stale lock over and converges.
"""

from __future__ import annotations

import random
import signal
import time
from typing import Any

from engine_project import Project, account, agent, config, lock_pid, memory_shop, wait_for_lock

TRIALS = 20
ACCOUNTS = 30
DELAY = "0.02"


def roster(prefix: str) -> dict[str, Any]:
    agents = {
        f"{prefix}{i:02d}": agent(
            f"员工{prefix}{i:02d}",
            account("mem", f"{prefix}{i:02d}", groups=("售前组",) if i % 3 == 0 else ()),
        )
        for i in range(ACCOUNTS)
    }
    shop = memory_shop(unmanaged="remove", groups={"售前组": {"description": "售前"}})
    return config({"mem": shop}, agents)


def recorded_accounts(project: Project) -> set[str]:
    return {address.split("/", 2)[2] for address in project.recorded() if "/account/" in address}


def assert_plan_is_exactly_what_is_left(project: Project, desired: set[str]) -> None:
    live = project.live_accounts("mem")
    recorded = recorded_accounts(project)
    plan = project.plan_json()
    accounts = [c for c in plan["changes"] if c["kind"] == "account"]
    assert {c["name"] for c in accounts if c["action"] == "create"} == desired - live
    assert {c["name"] for c in accounts if c["action"] == "delete"} == live - desired
    assert not [c for c in accounts if c["action"] == "update"]
    forget = {a.split("/", 2)[2] for a in plan["forget"] if "/account/" in a}
    assert forget == recorded - live - desired
    adopted = {a["address"].split("/", 2)[2] for a in plan["adopt"]}
    assert (desired & live) - recorded <= adopted


def test_sigkill_at_random_points_loses_nothing(project: Project) -> None:
    pick = random.Random(3)
    started = time.monotonic()
    gone_but_recorded: set[str] = set()
    for trial in range(TRIALS):
        prefix = "ab"[trial % 2]
        project.write(roster(prefix))
        desired = {f"{prefix}{i:02d}" for i in range(ACCOUNTS)}
        stale = lock_pid(project)
        apply = project.spawn(
            "apply",
            "--auto-approve",
            env={"PROVISIONER_MEMORY_DELAY": DELAY, "PROVISIONER_USER": f"trial-{trial}"},
        )
        if trial == TRIALS - 1:
            wait_for_lock(project, apply.pid)
            time.sleep(pick.uniform(0.05, 0.5))
        else:
            time.sleep(pick.uniform(0.0, 1.6))
        apply.send_signal(signal.SIGKILL)
        _, err = apply.communicate(timeout=30)
        assert apply.returncode in (0, -signal.SIGKILL), err
        if stale is not None and "taking over the stale state lock" in err:
            assert f"pid {stale}" in err  # the lock the previous trial's process left

        if project.has_state():  # not there if killed before it opened the store
            assert project.integrity() == "ok"
        # Each result is recorded once its platform write is done, so a kill can lose at most
        # the record of the one deletion in flight (later applies forget or recreate it).
        lost = recorded_accounts(project) - project.live_accounts("mem")
        assert len(lost - gone_but_recorded) <= 1
        assert not (lost - gone_but_recorded) & desired
        gone_but_recorded = lost
        assert_plan_is_exactly_what_is_left(project, desired)

    dead = lock_pid(project)
    if project.backend == "postgres":
        # The server dropped the lock with the killed runner's connection: only its row is left.
        assert dead is None
        assert project.lock_row_pid() is not None, "the last trial was killed holding the lock"
    else:
        assert dead is not None, "the last trial was killed holding the lock"
    final = project.run_process("apply", "--auto-approve")
    assert final.code == 0, final.output
    if project.backend == "sqlite":
        stale = f"taking over the stale state lock of trial-{TRIALS - 1} (apply, pid {dead}"
        assert stale in final.err
    assert lock_pid(project) is None
    assert project.integrity() == "ok"

    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.output
    assert "No changes." in again.out
    assert project.live_accounts("mem") == desired
    expected_members = sorted(n for n in desired if int(n[1:]) % 3 == 0)
    assert project.platform("mem")["group/售前组"]["fields"]["members"] == expected_members
    assert {a for a in project.recorded() if "/account/" in a} == {
        f"mem/account/{name}" for name in desired
    }
    history = project.ok("state", "history", "--limit", str(TRIALS + 1)).out
    assert " running: " not in history  # every killed run is accounted for
    assert f"trial-{TRIALS - 1} interrupted: " in history  # killed holding the lock
    assert time.monotonic() - started < 60
