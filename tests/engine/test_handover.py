"""Handover and offboarding, end to end on the Tmall sandbox (issue 9, holes 2 and 3).

sun.hao leaves; his Tmall account 浩哥 is disabled (TOP cannot delete) and keeps his role.
he.hao is hired under the same nickname: the plan refuses to give him the account silently;
with `handover_from: sun.hao` the account is reset first and enabled only after that.
"""

from __future__ import annotations

import re
from typing import Any

from engine_project import Project, agent, config, summary_of
from sandbox_office import TMALL, live_account, live_roles

ROLES: dict[str, Any] = {
    "presales": {"permissions": ["chat.reply", "order.view"]},
    "cs-lead": {
        "permissions": ["chat.reply", "order.view", "refund.approve", "order.modify_price"]
    },
}
POSITION = re.compile(r"provisioner\.yaml:\d+:\d+: ")


def team(*, sun: bool, he: dict[str, Any] | None = None, offboarding: str = "disable") -> Any:
    shop = {**TMALL, "offboarding": offboarding}
    people: dict[str, Any] = {
        "li.na": agent("李娜", {"shop": "tm", "nickname": "小李", "roles": ["presales"]})
    }
    if sun:
        people["sun.hao"] = agent("孙浩", {"shop": "tm", "nickname": "浩哥", "roles": ["cs-lead"]})
    if he is not None:
        people["he.hao"] = agent("何浩", {"shop": "tm", "nickname": "浩哥", **he})
    return config({"tm": shop}, people, roles=ROLES)


def sun_left(project: Project) -> None:
    project.write(team(sun=True))
    project.converge()
    project.write(team(sun=False))
    project.converge()
    account = live_account(project, "tm", "top", "浩哥")
    assert account is not None and account.disabled
    assert live_roles(project, "tm", "top", "浩哥") == {"cs-lead"}  # disabled, role kept


def never_enabled_with_a_foreign_role(project: Project) -> None:
    """The invariant: enabled only ever with the roles he.hao is declared with."""
    account = live_account(project, "tm", "top", "浩哥")
    assert account is not None
    if not account.disabled:
        assert live_roles(project, "tm", "top", "浩哥") <= {"presales"}


def test_a_name_recorded_as_someone_elses_is_never_handed_over_silently(project: Project) -> None:
    sun_left(project)
    project.write(team(sun=False, he={"roles": ["presales"]}))
    for command in (("plan",), ("apply", "--auto-approve")):
        result = project.run(*command)
        assert result.code == 1
        (line,) = [line for line in result.err.splitlines() if "浩哥" in line]
        assert POSITION.match(line), line
        assert "agents.he.hao.accounts[0].nickname" in line
        assert "recorded as sun.hao's account (left 20" in line  # when he left
        assert "handover_from: sun.hao" in line
    account = live_account(project, "tm", "top", "浩哥")
    assert account is not None and account.disabled  # nothing applied
    assert live_roles(project, "tm", "top", "浩哥") == {"cs-lead"}


def test_a_declared_handover_resets_the_account_before_it_is_enabled(project: Project) -> None:
    sun_left(project)
    project.write(team(sun=False, he={"roles": ["presales"], "handover_from": "sun.hao"}))

    plan = project.plan_json()
    assert summary_of(plan) == [
        ("tm/account/浩哥", "update", "manual"),  # the reset: password and phone
        ("tm/account/浩哥", "update", "manual"),  # roles: only he.hao's
        ("tm/account/浩哥", "update", "api"),  # enabled once both are done
        ("tm/role/cs-lead", "delete", "manual"),  # nobody holds it any more
    ]
    reset, roles, enable, _ = plan["changes"]
    assert reset["fields"] == [{"field": "agent", "before": "sun.hao", "after": "he.hao"}]
    assert roles["fields"] == [{"field": "roles", "before": ["cs-lead"], "after": ["presales"]}]
    assert set(enable["depends_on"]) == {reset["key"], roles["key"]}
    assert roles["depends_on"] == [reset["key"]]
    delta = {(a["agent"], a["permission"], a["direction"]) for a in plan["access_delta"]}
    assert delta == {
        ("sun.hao", "refund.approve", "loss"),
        ("sun.hao", "order.modify_price", "loss"),
        ("sun.hao", "chat.reply", "loss"),
        ("sun.hao", "order.view", "loss"),
        ("he.hao", "chat.reply", "gain"),  # exactly what the account will hold
        ("he.hao", "order.view", "gain"),
    }
    markdown = project.ok("plan", "--format", "markdown").out
    # the access table ends where the first shop's details start a line
    access = markdown.split("#### Access changes", 1)[1].split("\n<details>", 1)[0]
    # sun.hao is gone from the config: his name is the one recorded with the account
    assert "孙浩 (sun.hao)" in access and "何浩 (he.hao)" in access and "refund.approve" in access

    applied = project.ok("apply", "--auto-approve")
    assert "waits for manual task" in applied.out
    never_enabled_with_a_foreign_role(project)
    assert live_account(project, "tm", "top", "浩哥").disabled  # type: ignore[union-attr]
    tasks = {task["id"]: task for task in project.tasks()}
    assert len(tasks) == 3
    steps = "\n".join(step for task in tasks.values() for step in task["steps"])
    assert "新密码" in steps and "换绑手机" in steps and "acme旗舰店:浩哥" in steps

    # Planned again before anyone did the tasks: still waiting, never enabled.
    again = project.ok("apply", "--auto-approve")
    assert "waits for manual task" in again.out
    never_enabled_with_a_foreign_role(project)
    assert live_account(project, "tm", "top", "浩哥").disabled  # type: ignore[union-attr]

    for task_id in sorted(tasks):
        project.ok("tasks", "done", str(task_id))
        never_enabled_with_a_foreign_role(project)
    handed = project.recorded()["tm/account/浩哥"].fields
    assert (handed["agent"], handed["name"]) == ("he.hao", "何浩")  # never 孙浩's name
    plan = project.plan_json()
    assert summary_of(plan) == [("tm/account/浩哥", "update", "api")]
    project.ok("apply", "--auto-approve")
    account = live_account(project, "tm", "top", "浩哥")
    assert account is not None and not account.disabled
    assert live_roles(project, "tm", "top", "浩哥") == {"presales"}
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_handover_from_someone_who_never_held_the_account_is_refused(project: Project) -> None:
    sun_left(project)
    project.write(team(sun=False, he={"roles": ["presales"], "handover_from": "zhao.lei"}))
    result = project.run("plan")
    assert result.code == 1
    assert re.search(
        r"provisioner\.yaml:\d+:\d+: agents\.he\.hao\.accounts\[0\]\.handover_from: "
        r"handover_from: zhao\.lei never held tm/account/浩哥 \(it is recorded as sun\.hao's\)",
        result.err,
    ), result.err
    assert live_roles(project, "tm", "top", "浩哥") == {"cs-lead"}


def test_handover_from_someone_who_still_holds_it_is_a_validate_error(project: Project) -> None:
    people = {
        "sun.hao": agent("孙浩", {"shop": "tm", "nickname": "浩哥", "roles": ["cs-lead"]}),
        "he.hao": agent(
            "何浩", {"shop": "tm", "nickname": "浩哥", "roles": [], "handover_from": "sun.hao"}
        ),
    }
    project.write(config({"tm": dict(TMALL)}, people, roles=ROLES))
    result = project.run("validate")
    assert result.code == 1
    assert re.search(
        r"provisioner\.yaml:\d+:\d+: agents\.he\.hao\.accounts\[0\]\.handover_from: sun\.hao "
        r"still holds tm/浩哥 \(provisioner\.yaml:\d+:\d+\): remove it from sun\.hao first",
        result.err,
    ), result.err


def test_a_handover_where_the_platform_cannot_reset_accounts_is_a_validate_error(
    project: Project,
) -> None:
    account = {"shop": "dy", "nickname": "浩哥", "roles": ["presales"], "handover_from": "sun.hao"}
    shops = {"dy": {"platform": "douyin", "name": "抖店"}}
    project.write(config(shops, {"he.hao": agent("何浩", account)}, roles=ROLES))
    result = project.run("plan")
    assert result.code == 1
    assert re.search(
        r"provisioner\.yaml:\d+:\d+: agents\.he\.hao\.accounts\[0\]\.handover_from: douyin cannot "
        r"reset an account for a new person",
        result.err,
    ), result.err
    assert not project.db.exists() or project.recorded() == {}


def test_an_unknown_offboarding_value_is_a_validate_error(project: Project) -> None:
    project.write(config({"tm": {**TMALL, "offboarding": "archive"}}, {}, roles=ROLES))
    result = project.run("validate")
    assert result.code == 1
    assert re.search(r"provisioner\.yaml:\d+:\d+: shops\.tm\.offboarding: ", result.err), result.err
    assert "delete" in result.err and "disable" in result.err


def test_tmall_offboarding_disables_at_once_and_opens_a_task_to_delete(project: Project) -> None:
    project.write(team(sun=True, offboarding="delete"))
    project.converge()
    project.write(team(sun=False, offboarding="delete"))

    plan = project.plan_json()
    assert summary_of(plan) == [
        ("tm/account/浩哥", "update", "api"),
        ("tm/account/浩哥", "delete", "manual"),
        ("tm/role/cs-lead", "delete", "manual"),  # after the account that holds it
    ]
    disable, delete, role = plan["changes"]
    assert role["depends_on"] == [delete["key"]]
    assert disable["fields"] == [{"field": "status", "before": "active", "after": "disabled"}]
    assert delete["depends_on"] == [disable["key"]]
    losses = {(a["agent"], a["permission"]) for a in plan["access_delta"]}
    assert ("sun.hao", "refund.approve") in losses
    assert {a["direction"] for a in plan["access_delta"]} == {"loss"}

    project.ok("apply", "--auto-approve")
    account = live_account(project, "tm", "top", "浩哥")
    assert account is not None and account.disabled  # disabled through the API at once
    task, _ = project.tasks()
    assert (task["action"], task["address"]) == ("delete", "tm/account/浩哥")
    assert any("删除" in step and "acme旗舰店:浩哥" in step for step in task["steps"])
    assert project.run("plan", "--detailed-exitcode").code == 2  # the tasks are still open

    project.ok("tasks", "done", str(task["id"]))
    assert live_account(project, "tm", "top", "浩哥") is None  # deleted in the back office
    assert "tm/account/浩哥" not in project.recorded()
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
