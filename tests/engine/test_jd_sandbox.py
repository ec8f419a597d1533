"""JD through the sandbox: every change a manual task, yet accounts are read live, so a task
marked done is checked against the shop and a change made in the back office is drift."""

from __future__ import annotations

from typing import Any

from engine_project import Project, account, agent, config, summary_of

from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.store import Store

JD = {"jd": {"platform": "jd", "name": "京东旗舰店", "endpoint": "sandbox"}}


def staffed(**extra: Any) -> dict[str, Any]:
    people = {"wang": agent("王", {**account("jd", "xiaowang"), **extra})}
    return config(JD, people)


def office(project: Project) -> BackOffice:
    return BackOffice(Store(project.work / "sandbox"), "jos", "jd")


def test_every_jd_change_is_manual_and_done_tasks_are_read_back(project: Project) -> None:
    project.write(staffed())
    assert summary_of(project.plan_json()) == [
        ("jd/role/presales", "create", "manual"),
        ("jd/account/xiaowang", "create", "manual"),
    ]
    project.converge()  # the sandbox's back office does what the tasks say
    account = office(project).find_account("xiaowang")
    assert account is not None and [r.name for r in account.roles] == ["presales"]
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_change_made_in_the_jd_back_office_is_drift(project: Project) -> None:
    project.write(staffed())
    project.converge()
    office(project).update_account("xiaowang", AccountSettings(disabled=True, roles=()))
    plan = project.plan_json()
    drift = {(d["address"], d["field"]) for d in plan["drift"]}
    assert drift == {("jd/account/xiaowang", "status"), ("jd/account/xiaowang", "roles")}
    assert summary_of(plan) == [("jd/account/xiaowang", "update", "manual")]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_task_not_really_done_shows_again(project: Project) -> None:
    project.write(staffed())
    project.ok("apply", "--auto-approve")
    ids = [str(task["id"]) for task in project.tasks()]
    project.ok("tasks", "done", *ids)
    office(project).delete_account("xiaowang")  # it was marked done, but is not on the shop
    assert ("jd/account/xiaowang", "create", "manual") in summary_of(project.plan_json())


def test_a_jd_shop_without_credentials_is_planned_from_the_record_with_a_warning(
    project: Project,
) -> None:
    project.write(
        config({"jd": {"platform": "jd"}}, {"wang": agent("王", account("jd", "xiaowang"))})
    )
    plan = project.plan_json()
    assert [w for w in plan["warnings"] if "no JOS credentials" in w]
    assert summary_of(plan) == [
        ("jd/role/presales", "create", "manual"),
        ("jd/account/xiaowang", "create", "manual"),
    ]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
