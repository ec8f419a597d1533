"""`previously: [old.id]`: a person's id changed, not the person: no change, no access delta."""

from __future__ import annotations

from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop

SHOPS = {"mem": memory_shop(), "pdd": manual_shop()}


def wang(person_id: str, **extra: Any) -> dict[str, Any]:
    accounts = (account("mem", "小王", "aftersales"), account("pdd", "小王"))
    return config(SHOPS, {person_id: agent("王小明", *accounts, **extra)})


def agents_recorded(project: Project) -> set[Any]:
    return {r.fields.get("agent") for a, r in project.recorded().items() if "/account/" in a}


def test_a_rename_with_previously_is_no_change_and_no_access_delta(project: Project) -> None:
    project.write(wang("E1001"))
    project.converge()

    project.write(wang("wang.xiaoming", previously=["E1001"]))
    planned = project.run("plan", "--detailed-exitcode")
    assert planned.code == 0, planned.output
    assert "No changes." in planned.out
    assert "Access changes" not in planned.out
    plan = project.plan_json()
    assert plan["changes"] == []
    assert plan["access_delta"] == []

    project.ok("apply", "--auto-approve")
    assert agents_recorded(project) == {"wang.xiaoming"}
    assert project.plan_json()["adopt"] == []
    assert project.live_accounts("mem") == {"小王"}
    assert project.tasks() == []


def test_an_account_recorded_as_another_person_is_not_handed_over_silently(
    project: Project,
) -> None:
    project.write(wang("E1001"))
    project.converge()
    project.write(wang("wang.xiaoming"))  # not a rename: a new hire under the same nicknames
    result = project.run("plan")
    assert result.code == 1
    refused = [line for line in result.err.splitlines() if "recorded as E1001's account" in line]
    assert len(refused) == 2, result.err  # mem/account/小王 and pdd/account/小王
    assert all("handover_from: E1001" in line for line in refused)
    assert agents_recorded(project) == {"E1001"}


def test_previously_naming_a_current_agent_is_a_config_error(project: Project) -> None:
    document = wang("wang.xiaoming", previously=["li.na"])
    document["agents"]["li.na"] = agent("李娜", account("mem", "小李"))
    project.write(document)
    result = project.run("validate")
    assert result.code == 1
    assert "agents.wang.xiaoming.previously" in result.err
