"""Offboarding: one PR removes (or disables) a person; every account on every platform follows.

memory can delete by API; pinduoduo has no API (a manual task); Tmall cannot delete a
sub-account through TOP, only disable it (DESIGN §1, §3).
"""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from engine_project import (
    Project,
    account,
    agent,
    changes,
    config,
    manual_shop,
    memory_shop,
    summary_of,
)

HAS_TOP = importlib.util.find_spec("provisioner.connectors.top") is not None
needs_tmall = pytest.mark.skipif(
    not HAS_TOP, reason="provisioner.connectors.top (Tmall sandbox) is not there yet"
)
TMALL = {
    "platform": "tmall",
    "name": "天猫旗舰店",
    "main_account": "acme旗舰店",
    "endpoint": "sandbox",
}


def team(
    shops: dict[str, Any], wang: dict[str, Any] | None, shop_names: list[str]
) -> dict[str, Any]:
    agents = {"li.na": agent("李娜", *(account(shop, "小李") for shop in shop_names))}
    if wang is not None:
        agents["wang.xiaoming"] = wang
    return config(shops, agents)


def wang_on(shop_names: list[str], **extra: Any) -> dict[str, Any]:
    return agent("王小明", *(account(shop, "小王") for shop in shop_names), **extra)


def setup(project: Project, shops: dict[str, Any]) -> list[str]:
    names = sorted(shops)
    project.write(team(shops, wang_on(names), names))
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
    return names


def test_removing_an_agent_deletes_by_api_where_possible_else_opens_a_manual_task(
    project: Project,
) -> None:
    names = setup(project, {"mem": memory_shop(), "pdd": manual_shop()})
    project.write(team({"mem": memory_shop(), "pdd": manual_shop()}, None, names))

    plan = project.plan_json()
    assert summary_of(plan) == [
        ("mem/account/小王", "delete", "api"),
        ("pdd/account/小王", "delete", "manual"),
    ]
    for change in plan["changes"]:
        assert "wang.xiaoming removed from the config" in change["reason"]
    losses = {(a["shop"], a["permission"]) for a in plan["access_delta"]}
    assert ("mem", "chat.reply") in losses
    assert ("pdd", "chat.reply") in losses
    assert {a["direction"] for a in plan["access_delta"]} == {"loss"}
    assert {a["agent"] for a in plan["access_delta"]} == {"wang.xiaoming"}

    applied = project.ok("apply", "--auto-approve")
    assert "1 done, 1 manual tasks opened" in applied.out
    assert project.live_accounts("mem") == {"小李"}
    (task,) = project.tasks()
    assert (task["action"], task["address"]) == ("delete", "pdd/account/小王")
    assert any("小王" in step for step in task["steps"])

    project.ok("tasks", "done", str(task["id"]))
    assert "pdd/account/小王" not in project.recorded()
    assert "mem/account/小王" not in project.recorded()
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_disabled_agent_has_every_account_disabled(project: Project) -> None:
    names = setup(project, {"mem": memory_shop(), "pdd": manual_shop()})
    project.write(
        team({"mem": memory_shop(), "pdd": manual_shop()}, wang_on(names, status="disabled"), names)
    )
    plan = project.plan_json()
    assert summary_of(plan) == [
        ("mem/account/小王", "update", "api"),
        ("pdd/account/小王", "update", "manual"),
    ]
    for change in plan["changes"]:
        assert change["fields"] == [{"field": "status", "before": "active", "after": "disabled"}]
        assert change["reason"] == "agent wang.xiaoming is disabled"
    project.converge()
    assert project.platform("mem")["account/小王"]["fields"]["status"] == "disabled"
    assert project.recorded()["pdd/account/小王"].fields["status"] == "disabled"
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_disabled_agent_gets_no_new_accounts(project: Project) -> None:
    project.write(
        team(
            {"mem": memory_shop(), "pdd": manual_shop()},
            wang_on(["mem", "pdd"], status="disabled"),
            ["mem", "pdd"],
        )
    )
    plan = project.plan_json()
    assert [c["address"] for c in plan["changes"] if "小王" in c["address"]] == []


@needs_tmall
def test_offboarding_across_memory_pinduoduo_and_tmall(project: Project) -> None:
    shops = {"mem": memory_shop(), "pdd": manual_shop(), "tm": dict(TMALL)}
    names = setup(project, shops)
    project.write(team(shops, None, names))

    plan = project.plan_json()
    wang = [c for c in plan["changes"] if c["address"].endswith("/account/小王")]
    assert [(c["address"], c["action"], c["execution"]) for c in wang] == [
        ("mem/account/小王", "delete", "api"),
        ("pdd/account/小王", "delete", "manual"),
        ("tm/account/小王", "update", "api"),  # TOP can only disable: at once, then
        ("tm/account/小王", "delete", "manual"),  # a task to delete it in the back office
    ]
    disable, delete = changes(plan, address="tm/account/小王")
    assert disable["fields"] == [{"field": "status", "before": "active", "after": "disabled"}]
    assert "cannot delete" in disable["reason"]
    assert delete["depends_on"] == [disable["key"]]

    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
    assert "tm/account/小王" not in project.recorded()


@needs_tmall
def test_offboarding_disable_keeps_the_tmall_account_disabled(project: Project) -> None:
    shops = {"tm": {**TMALL, "offboarding": "disable"}}
    names = setup(project, shops)
    project.write(team(shops, None, names))
    plan = project.plan_json()
    assert summary_of(plan) == [("tm/account/小王", "update", "api")]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
    recorded = project.recorded()["tm/account/小王"].fields
    assert recorded["status"] == "disabled"
    assert recorded["agent"] == "wang.xiaoming" and recorded["left"]
