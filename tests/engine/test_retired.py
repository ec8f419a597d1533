"""A recorded shop gone from the config is an error, not a mass deletion; `retired: true` forgets it."""

from __future__ import annotations

import json
from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop


def staff(shops: dict[str, Any], on: tuple[str, ...]) -> dict[str, Any]:
    agents = {
        "wang.xiaoming": agent("王小明", *(account(shop, "小王") for shop in on)),
        "li.na": agent("李娜", *(account(shop, "小李") for shop in on)),
    }
    return config(shops, agents)


def setup(project: Project) -> None:
    project.write(staff({"mem": memory_shop(), "pdd": manual_shop()}, ("mem", "pdd")))
    project.converge()
    assert any(address.startswith("pdd/") for address in project.recorded())


def test_a_recorded_shop_missing_from_the_config_is_an_error(project: Project) -> None:
    setup(project)
    project.write(staff({"mem": memory_shop()}, ("mem",)))
    before = dict(project.recorded())

    for command in (("plan",), ("plan", "--format", "json"), ("apply", "--auto-approve")):
        result = project.run(*command)
        assert result.code == 1, command
        assert result.err.startswith("error: ")
        assert result.err.count("\n") == 1
        assert "pdd" in result.err
        assert "retired: true" in result.err
        assert result.out == ""
    assert project.recorded().keys() == before.keys()

    only_mem = project.run("plan", "--shop", "mem")  # the other shops can still be planned
    assert only_mem.code == 0, only_mem.output
    assert "No changes." in only_mem.out


def test_retired_forgets_the_records_and_changes_nothing_on_the_platform(project: Project) -> None:
    setup(project)
    retired = manual_shop(retired=True)
    project.write(staff({"mem": memory_shop(), "pdd": retired}, ("mem",)))

    planned = project.run("plan", "--format", "json")
    assert planned.code == 0, planned.output
    plan = json.loads(planned.out)
    assert plan["changes"] == []
    assert sorted(plan["forget"]) == ["pdd/account/小李", "pdd/account/小王", "pdd/role/presales"]
    assert plan["warnings"] == [
        "pdd: retired; forgetting 3 recorded resources (nothing changes on pinduoduo)"
    ]
    assert "pdd: retired; forgetting 3 recorded resources" in project.ok("plan").out

    project.ok("apply", "--auto-approve")
    assert not [address for address in project.recorded() if address.startswith("pdd/")]
    assert project.tasks() == []
    again = project.ok("plan", "--format", "json")
    assert json.loads(again.out)["warnings"] == []
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_retired_memory_shop_is_left_alone_on_the_platform(project: Project) -> None:
    project.write(staff({"mem": memory_shop(), "old": memory_shop()}, ("mem", "old")))
    project.converge()
    platform = project.platform("old")
    assert platform

    project.write(staff({"mem": memory_shop(), "old": memory_shop(retired=True)}, ("mem",)))
    project.ok("apply", "--auto-approve")
    assert project.platform("old") == platform
    assert not [address for address in project.recorded() if address.startswith("old/")]


def test_an_account_on_a_retired_shop_is_a_config_error(project: Project) -> None:
    setup(project)
    project.write(staff({"mem": memory_shop(), "pdd": manual_shop(retired=True)}, ("mem", "pdd")))
    result = project.run("plan")
    assert result.code == 1
    assert "shop 'pdd' is retired; remove this account" in result.err
