"""Updates of every account field, drift, and the apply options a user reaches for."""

from __future__ import annotations

import json
from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop, summary_of

SCHEDULES = {
    "day": {
        "timezone": "Asia/Shanghai",
        "shifts": [{"days": ["mon"], "from": "09:00", "to": "18:00"}],
    },
    "night": {
        "timezone": "Asia/Shanghai",
        "shifts": [{"days": ["mon"], "from": "18:00", "to": "23:00"}],
    },
}
GROUPS = {"售前组": {"description": "售前"}}


def staff(status: str = "active", **settings: Any) -> dict[str, Any]:
    fields = {"reception_limit": 80, "dispatch": True, "schedule": "day", **settings}
    fields = {key: value for key, value in fields.items() if value is not None}
    mem = {**account("mem", "小王", groups=("售前组",)), **fields}
    pdd = {**account("pdd", "小王"), "reception_limit": fields.get("reception_limit", 80)}
    agents = {
        "wang.xiaoming": agent("王小明", mem, pdd, status=status),
        "li.na": agent("李娜", account("mem", "小李", groups=("售前组",))),
    }
    document = config({"mem": memory_shop(groups=GROUPS), "pdd": manual_shop()}, agents)
    document["schedules"] = SCHEDULES
    return document


def wang_on_mem(project: Project) -> dict[str, Any]:
    fields: dict[str, Any] = project.platform("mem")["account/小王"]["fields"]
    return fields


def test_every_account_field_is_updated_by_api_or_by_task(project: Project) -> None:
    project.write(staff())
    project.converge()
    assert wang_on_mem(project)["reception_limit"] == 80

    project.write(staff(reception_limit=120, dispatch=False, schedule="night"))
    plan = project.plan_json()
    assert summary_of(plan) == [
        ("mem/account/小王", "update", "api"),
        ("pdd/account/小王", "update", "manual"),
    ]
    assert plan["changes"][0]["fields"] == [
        {"field": "dispatch", "before": True, "after": False},
        {"field": "reception_limit", "before": 80, "after": 120},
        {"field": "schedule", "before": "day", "after": "night"},
    ]
    assert plan["access_delta"] == []  # nobody's permissions change
    project.converge()
    assert wang_on_mem(project)["dispatch"] is False
    assert wang_on_mem(project)["reception_limit"] == 120
    assert project.recorded()["pdd/account/小王"].fields["reception_limit"] == 120
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_field_no_longer_declared_is_left_as_it_is(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.write(staff(schedule=None))
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_disabling_and_enabling_an_agent_moves_them_out_of_and_into_groups(
    project: Project,
) -> None:
    project.write(staff())
    project.converge()

    project.write(staff("disabled"))
    assert summary_of(project.plan_json()) == [
        ("mem/account/小王", "update", "api"),
        ("mem/group/售前组", "update", "api"),
        ("pdd/account/小王", "update", "manual"),
    ]
    project.converge()
    assert wang_on_mem(project)["status"] == "disabled"
    assert project.platform("mem")["group/售前组"]["fields"]["members"] == ["小李"]
    assert project.run("plan", "--detailed-exitcode").code == 0

    project.write(staff())
    plan = project.plan_json()
    assert plan["changes"][0]["reason"] == "agent wang.xiaoming is active again"
    assert {a["direction"] for a in plan["access_delta"]} == {"gain"}
    project.converge()
    assert wang_on_mem(project)["status"] == "active"
    assert project.platform("mem")["group/售前组"]["fields"]["members"] == ["小李", "小王"]


def test_drift_is_shown_and_set_back(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.put_live("mem", "account/小王", status="disabled", reception_limit=10)

    plan = project.plan_json()
    assert [(d["address"], d["field"], d["recorded"], d["live"]) for d in plan["drift"]] == [
        ("mem/account/小王", "reception_limit", 80, 10),
        ("mem/account/小王", "status", "active", "disabled"),
    ]
    assert summary_of(plan) == [("mem/account/小王", "update", "api")]
    text = project.ok("plan").out
    assert "Drift" in text
    project.ok("apply", "--auto-approve")
    assert wang_on_mem(project)["status"] == "active"
    assert wang_on_mem(project)["reception_limit"] == 80
    assert project.plan_json()["drift"] == []


def test_setting_drift_back_does_not_claim_the_config_changed(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.put_live("mem", "account/小王", status="disabled")
    project.put_live("mem", "account/小李", reception_limit=10)
    project.put_live("mem", "group/售前组", members=[])
    for change in project.plan_json()["changes"]:
        assert "config changed" not in change["reason"], change
        assert "active again" not in change["reason"], change


def test_apply_asks_and_refuses_without_a_terminal(project: Project) -> None:
    project.write(staff())
    result = project.run("apply")  # pytest's stdin is not a terminal
    assert result.code == 1
    assert "pass --auto-approve" in result.err
    assert project.live_accounts("mem") == set()
    assert project.tasks() == []


def test_apply_only_the_shops_asked_for(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve", "--shop", "pdd", "--parallelism", "1")
    assert project.live_accounts("mem") == set()
    assert {t["address"].split("/")[0] for t in project.tasks()} == {"pdd"}

    project.ok("plan", "--shop", "mem", "--out", "mem.json")
    project.ok("apply", "mem.json")
    assert project.live_accounts("mem") == {"小王", "小李"}
    unknown = project.run("plan", "--shop", "mme")
    assert unknown.code == 1
    assert "unknown shop 'mme'" in unknown.err
    assert "mem" in unknown.err  # did you mean


def test_the_markdown_of_a_5000_change_plan_fits_in_one_comment(project: Project) -> None:
    agents = {
        f"a{i:04d}": agent(f"员工{i}", account("pdd", f"客服{i:04d}", "aftersales"))
        for i in range(5000)
    }
    project.write(config({"pdd": manual_shop()}, agents))
    markdown = project.ok("plan", "--format", "markdown", "--out", "big.json").out
    assert len(markdown) <= 65_535
    assert markdown.startswith(("### Plan: 5001 to create", "### Plan: 5,001 to create"))
    assert "provisioner plan --format json" in markdown
    assert project.ok("show", "big.json", "--format", "markdown").out == markdown
    saved = json.loads((project.root / "big.json").read_text(encoding="utf-8"))
    assert len(saved["changes"]) == 5001
