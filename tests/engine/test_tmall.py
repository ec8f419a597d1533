"""Tmall through the sandbox: what TOP cannot do becomes a task; one change is split by mode."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from engine_project import Project, account, agent, config, summary_of

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("provisioner.connectors.top") is None,
    reason="provisioner.connectors.top (Tmall sandbox) is not there yet",
)
TMALL = {
    "platform": "tmall",
    "name": "天猫旗舰店",
    "main_account": "acme旗舰店",
    "endpoint": "sandbox",
    "offboarding": "disable",  # keep offboarded accounts, disabled (the default deletes them)
}


def staff(**fields: Any) -> dict[str, Any]:
    wang = {**account("tm", "小王"), "dispatch": True, "reception_limit": 80, **fields}
    return config({"tm": dict(TMALL)}, {"wang.xiaoming": agent("王小明", wang)})


def test_a_change_of_api_and_manual_fields_is_split_in_two(project: Project) -> None:
    project.write(staff())
    assert summary_of(project.plan_json()) == [
        ("tm/role/presales", "create", "api"),
        ("tm/account/小王", "create", "manual"),  # TOP cannot create sub-accounts
    ]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0

    project.write(staff(dispatch=False, reception_limit=100))
    plan = project.plan_json()
    assert summary_of(plan) == [
        ("tm/account/小王", "update", "api"),
        ("tm/account/小王", "update", "manual"),
    ]
    api, manual = plan["changes"]
    assert api["fields"] == [{"field": "dispatch", "before": True, "after": False}]
    assert manual["fields"] == [{"field": "reception_limit", "before": 80, "after": 100}]

    applied = project.ok("apply", "--auto-approve")
    assert "1 done, 1 manual tasks opened" in applied.out
    (task,) = project.tasks()
    steps = "\n".join(task["steps"])
    assert "千牛" in steps
    assert "acme旗舰店:小王" in steps  # Tmall sub-accounts are main_account:nickname
    assert "设置：接待上限 100。" in steps
    project.ok("tasks", "done", str(task["id"]))
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_rehiring_an_offboarded_tmall_agent_enables_the_same_account(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.write(config({"tm": dict(TMALL)}, {}))
    # Offboarded: disabled by API (TOP cannot delete). The disabled account still holds its
    # role, so the role stays.
    project.converge()
    assert project.recorded()["tm/account/小王"].fields["status"] == "disabled"
    assert "tm/role/presales" in project.recorded()

    project.write(staff())
    plan = project.plan_json()
    account_changes = [c for c in plan["changes"] if c["address"] == "tm/account/小王"]
    assert [(c["action"], c["execution"]) for c in account_changes] == [("update", "api")]
    (enable,) = account_changes
    assert enable["fields"] == [{"field": "status", "before": "disabled", "after": "active"}]
    assert enable["reason"] == "agent wang.xiaoming is active again"
    assert not [c for c in plan["changes"] if c["action"] == "create" and c["kind"] == "account"]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
