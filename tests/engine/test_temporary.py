"""Temporary staff: accounts exist only between valid_from and expires (dates relative to now)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from engine_project import Project, account, agent, changes, config, manual_shop, memory_shop

SHOPS = {"mem": memory_shop(), "pdd": manual_shop()}
TEAM_ZONE = ZoneInfo("Asia/Shanghai")


def day(offset: int) -> str:
    """A date `offset` days from today, in the team's time zone."""
    return (datetime.now(TEAM_ZONE) + timedelta(days=offset)).date().isoformat()


def moment(**offset: float) -> str:
    return (datetime.now(TEAM_ZONE) + timedelta(**offset)).strftime("%Y-%m-%d %H:%M")


def team(**seasonal: Any) -> dict[str, Any]:
    """A permanent agent, and a seasonal one on both shops with `seasonal` window keys."""
    return config(
        SHOPS,
        {
            "li.na": agent("李娜", account("mem", "小李")),
            "zhao.618": agent("赵六", account("mem", "小赵"), account("pdd", "小赵"), **seasonal),
        },
    )


def test_an_account_is_not_created_before_valid_from(project: Project) -> None:
    project.write(team(valid_from=day(2)))
    plan = project.plan_json()
    assert [c["address"] for c in plan["changes"] if "小赵" in c["address"]] == []
    assert any(
        w.startswith("mem/account/小赵: not created before valid_from ") and "in 1 day" in w
        for w in plan["warnings"]
    )
    project.converge()
    assert project.live_accounts("mem") == {"小李"}

    project.write(team(valid_from=moment(hours=-1)))
    plan = project.plan_json()
    assert [(c["address"], c["action"]) for c in changes(plan, shop="mem")] == [
        ("mem/account/小赵", "create")
    ]
    project.converge()
    assert project.live_accounts("mem") == {"小李", "小赵"}


def test_the_plan_says_when_an_account_expires_within_a_week(project: Project) -> None:
    project.write(team(expires=day(3)))
    warnings = project.plan_json()["warnings"]
    expiring = [w for w in warnings if "expires in" in w]
    assert [w.split(":")[0] for w in expiring] == ["mem/account/小赵", "pdd/account/小赵"]
    assert "expires in 3 days" in expiring[0]
    assert "agent zhao.618" in expiring[0]

    project.write(team(expires=day(30)))
    assert not any("expires in" in w for w in project.plan_json()["warnings"])


def test_an_expired_account_is_offboarded_like_a_removed_agent(project: Project) -> None:
    project.write(team(expires=day(10)))
    project.converge()
    assert project.live_accounts("mem") == {"小李", "小赵"}

    project.write(team(expires=moment(minutes=-5)))
    validated = project.run("validate")
    assert validated.code == 0
    assert "agents.zhao.618.expires: expired " in validated.err
    assert "(today): offboarded at the next apply" in validated.err

    plan = project.plan_json()
    accounts = [c for c in plan["changes"] if c["kind"] == "account"]
    removals = {(c["address"], c["action"], c["execution"]) for c in accounts}
    assert removals == {
        ("mem/account/小赵", "delete", "api"),
        ("pdd/account/小赵", "delete", "manual"),
    }
    assert all(
        c["reason"].startswith("temporary account of agent zhao.618 expired ") for c in accounts
    )
    loses = {(d["shop"], d["nickname"]) for d in plan["access_delta"] if d["direction"] == "loss"}
    assert loses == {("mem", "小赵"), ("pdd", "小赵")}

    project.ok("apply", "--auto-approve")
    assert project.live_accounts("mem") == {"小李"}
    task = next(t for t in project.tasks() if t["kind"] == "account")
    assert (task["address"], task["action"], task["offboarding"]) == (
        "pdd/account/小赵",
        "delete",
        True,
    )


def test_an_account_window_narrows_its_agents(project: Project) -> None:
    document = team(valid_from=day(-10), expires=day(20))
    document["agents"]["zhao.618"]["accounts"][1]["expires"] = day(-1)
    project.write(document)
    plan = project.plan_json()
    assert sorted(c["address"] for c in plan["changes"] if "小赵" in c["address"]) == [
        "mem/account/小赵"
    ]
