"""Accounts on the platform that the config never declared: report, remove or ignore; protected never."""

from __future__ import annotations

from typing import Any

from engine_project import Project, account, agent, config, memory_shop, summary_of


def staff(mode: str | None = None, protected: tuple[str, ...] = (), *, wang: bool = True) -> Any:
    shop = memory_shop()
    if mode is not None:
        shop["unmanaged"] = mode
    if protected:
        shop["protected"] = list(protected)
    agents = {"li.na": agent("李娜", account("mem", "小李"))}
    if wang:
        agents["wang.xiaoming"] = agent("王小明", account("mem", "小王"))
    return config({"mem": shop}, agents)


def outsiders(project: Project) -> None:
    """Accounts someone made in the back office: a stranger and the store manager."""
    project.put_live("mem", "account/路人", status="active", roles=[])
    project.put_live("mem", "account/店长", status="active", roles=["shop-manager"])


def test_unmanaged_accounts_are_reported_by_default(project: Project) -> None:
    project.write(staff())
    outsiders(project)
    plan = project.plan_json()
    assert [(u["address"], u["mode"], u["platform"]) for u in plan["unmanaged"]] == [
        ("mem/account/店长", "report", "memory"),
        ("mem/account/路人", "report", "memory"),
    ]
    assert all("路人" not in c["address"] for c in plan["changes"])
    assert "mem/account/路人" in project.ok("plan").out

    project.ok("apply", "--auto-approve")
    assert project.live_accounts("mem") == {"小王", "小李", "路人", "店长"}
    assert "mem/account/路人" not in project.recorded()
    assert project.run("plan", "--detailed-exitcode").code == 0
    assert len(project.plan_json()["unmanaged"]) == 2  # still reported, every time


def test_unmanaged_remove_deletes_them_but_never_a_protected_one(project: Project) -> None:
    project.write(staff("remove", ("店长",)))
    outsiders(project)
    plan = project.plan_json()
    (removal,) = [c for c in plan["changes"] if c["action"] == "delete"]
    assert (removal["address"], removal["execution"]) == ("mem/account/路人", "api")
    assert removal["reason"] == "not declared in the config (unmanaged: remove)"
    assert [u["address"] for u in plan["unmanaged"]] == ["mem/account/路人"]

    project.ok("apply", "--auto-approve")
    assert project.live_accounts("mem") == {"小王", "小李", "店长"}
    assert project.platform("mem")["account/店长"]["fields"]["roles"] == ["shop-manager"]
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_unmanaged_ignore_neither_reports_nor_deletes(project: Project) -> None:
    project.write(staff("ignore"))
    outsiders(project)
    plan = project.plan_json()
    assert plan["unmanaged"] == []
    assert all("路人" not in c["address"] for c in plan["changes"])
    project.ok("apply", "--auto-approve")
    assert {"路人", "店长"} <= project.live_accounts("mem")


def test_a_protected_managed_account_is_never_deleted_nor_changed(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.write(staff(protected=("小王",), wang=False))
    project.put_live("mem", "account/小王", status="disabled")  # changed in the back office
    plan = project.plan_json()
    assert all("小王" not in c["address"] for c in plan["changes"])
    project.ok("apply", "--auto-approve")
    assert project.platform("mem")["account/小王"]["fields"]["status"] == "disabled"


def test_a_protected_declared_account_is_not_created(project: Project) -> None:
    project.write(staff(protected=("小王",)))
    assert summary_of(project.plan_json()) == [
        ("mem/role/presales", "create", "api"),
        ("mem/account/小李", "create", "api"),
    ]


def test_protected_names_are_recorded_in_the_state(project: Project) -> None:
    project.write(staff("remove", ("店长",)))
    outsiders(project)
    project.ok("apply", "--auto-approve")
    # Dropping the name from `protected` (say, in a YAML refactor) must not delete the account
    # at once: the state remembers it was protected (DESIGN §2, §3).
    project.write(staff("remove"))
    plan = project.plan_json()
    assert all("店长" not in c["address"] for c in plan["changes"])
