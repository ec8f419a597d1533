"""The intent journal: a kill between the platform's answer and the record loses nothing.

A real SIGKILL lands after the memory platform has created (or deleted) the account and before
apply heard back (its answer is slowed down). The next run reads the journal and the live
state: the account is recorded, so an offboarding deletes it like any other, instead of
reporting it "unmanaged" with `No changes.`.
"""

from __future__ import annotations

import signal
import time

from engine_project import Project, account, agent, config, memory_shop


def team(*names: str) -> dict[str, object]:
    return config({"mem": memory_shop()}, {n: agent(n, account("mem", n)) for n in names})


def kill_once_the_platform_did_it(project: Project, done: object) -> None:
    slow = {"PROVISIONER_MEMORY_ANSWER_DELAY": "30"}
    apply = project.spawn("apply", "--auto-approve", env=slow)
    deadline = time.monotonic() + 30
    while not done():  # type: ignore[operator]
        assert apply.poll() is None, apply.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    apply.send_signal(signal.SIGKILL)
    apply.communicate(timeout=30)


def test_an_account_created_just_before_a_kill_is_deleted_by_the_next_offboarding(
    project: Project,
) -> None:
    project.write(team("wang", "li"))
    project.ok("apply", "--auto-approve")
    project.write(team("wang", "li", "zhao"))
    kill_once_the_platform_did_it(project, lambda: "zhao" in project.live_accounts("mem"))
    assert "mem/account/zhao" not in project.recorded()  # the answer never came back

    project.write(team("wang", "li"))  # zhao is offboarded
    planned = project.plan_json()
    assert [(c["address"], c["action"]) for c in planned["changes"]] == [
        ("mem/account/zhao", "delete")
    ]
    assert planned["unmanaged"] == []
    assert [entry["address"] for entry in planned["adopt"]] == ["mem/account/zhao"]

    applied = project.run("apply", "--auto-approve")
    assert applied.code == 0, applied.output
    assert project.live_accounts("mem") == {"wang", "li"}
    assert "mem/account/zhao" not in project.recorded()
    assert "No changes." in project.ok("plan").out


def test_an_account_created_just_before_a_kill_is_recorded_when_still_declared(
    project: Project,
) -> None:
    project.write(team("li"))
    project.ok("apply", "--auto-approve")  # the role exists: the next apply creates one account
    project.write(team("li", "wang"))
    kill_once_the_platform_did_it(project, lambda: "wang" in project.live_accounts("mem"))
    assert "mem/account/wang" not in project.recorded()

    assert project.run("apply", "--auto-approve").code == 0
    assert (
        project.recorded()["mem/account/wang"].remote_id
        == project.platform("mem")["account/wang"]["id"]
    )
    assert project.live_accounts("mem") == {"li", "wang"}
    assert "No changes." in project.ok("plan").out


def test_a_delete_done_just_before_a_kill_is_finished(project: Project) -> None:
    project.write(team("wang", "li"))
    project.ok("apply", "--auto-approve")
    project.write(team("wang"))
    kill_once_the_platform_did_it(project, lambda: "li" not in project.live_accounts("mem"))
    assert "mem/account/li" in project.recorded()  # its record outlived it

    planned = project.plan_json()
    assert planned["changes"] == [] and planned["forget"] == ["mem/account/li"]
    assert project.run("apply", "--auto-approve").code == 0
    assert "mem/account/li" not in project.recorded()
    assert "No changes." in project.ok("plan").out
