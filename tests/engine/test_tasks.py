"""The manual task lifecycle: opened by apply with back-office steps, listed, done or cancelled."""

from __future__ import annotations

from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop, summary_of

SHOPS = {"mem": memory_shop(), "pdd": manual_shop(), "jd": manual_shop("jd")}


def staff(pdd_roles: tuple[str, ...] = ("presales",), *, li_on_jd: bool = True) -> dict[str, Any]:
    wang = agent(
        "王小明",
        account("mem", "小王"),
        {**account("pdd", "小王", *pdd_roles), "reception_limit": 80},
    )
    li = agent("李娜", *([account("jd", "小李", "aftersales")] if li_on_jd else []))
    return config(SHOPS, {"wang.xiaoming": wang, "li.na": li})


def by_address(tasks: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {task["address"]: task for task in tasks}


def test_apply_opens_one_task_per_manual_change_with_back_office_steps(project: Project) -> None:
    project.write(staff())
    manual = [c for c in project.plan_json()["changes"] if c["execution"] == "manual"]
    project.ok("apply", "--auto-approve")

    tasks = project.tasks()
    assert sorted((t["address"], t["action"]) for t in tasks) == sorted(
        (c["address"], c["action"]) for c in manual
    )
    assert len(tasks) == 4
    assert {t["status"] for t in tasks} == {"open"}
    assert {t["created_by"] for t in tasks} == {"tester"}
    assert len({t["id"] for t in tasks}) == 4

    found = by_address(tasks)
    pdd_account = "\n".join(found["pdd/account/小王"]["steps"])
    assert "拼多多商家后台" in pdd_account
    assert "新增子账号：账号名「小王」" in pdd_account
    assert "权限模板只选：presales；其他全部取消。" in pdd_account
    assert "在 多多客服 → 接待设置 中为「小王」设置：接待上限 80。" in pdd_account
    assert "确认创建" in pdd_account
    assert found["pdd/account/小王"]["steps"][0].startswith("1. ")

    pdd_role = "\n".join(found["pdd/role/presales"]["steps"])
    assert "新建权限模板：名称「presales」" in pdd_role
    for permission in ("chat.reply", "chat.transfer", "order.view", "product.view"):
        assert f"({permission})" in pdd_role  # each box to tick, named
    assert "(refund.view)" not in pdd_role

    jd_role = "\n".join(found["jd/role/aftersales"]["steps"])
    assert "京东商家后台" in jd_role
    for permission in ("refund.view", "refund.request", "order.modify_status", "chat.reply"):
        assert permission in jd_role
    assert {f["field"]: f["after"] for f in found["jd/account/小李"]["fields"]} == {
        "status": "active",
        "roles": ["aftersales"],
    }

    # Shops are applied in parallel: task numbers follow the order their tasks were opened in.
    number = found["jd/role/aftersales"]["id"]
    text = project.ok("tasks").out
    assert f"#{number} 待办 新建角色「aftersales」 · jd旗舰店（jd，京东）" in text
    assert f"完成后运行：provisioner tasks done {number}\n" in text


def test_an_open_task_is_pending_in_the_next_plan_and_not_planned_twice(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    ids = sorted(t["id"] for t in project.tasks())

    plan = project.plan_json()
    assert plan["changes"] == []
    assert sorted(p["task_id"] for p in plan["pending"]) == ids
    text = project.ok("plan").out
    assert "Pending manual tasks" in text
    assert "No changes." in text

    again = project.ok("apply", "--auto-approve")
    assert "No changes." in again.out
    assert sorted(t["id"] for t in project.tasks()) == ids


def test_done_records_the_change_and_cancel_plans_it_again(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    found = by_address(project.tasks())
    done_id = found["pdd/account/小王"]["id"]
    cancel_id = found["jd/account/小李"]["id"]
    project.ok("tasks", "done", str(found["pdd/role/presales"]["id"]))

    done = project.ok("tasks", "done", str(done_id), "--note", "建好了")
    assert (
        f"Task #{done_id} done: create pdd/account/小王 recorded (pinduoduo cannot be read: attested by tester)."
        in done.out
    )
    recorded = project.recorded()["pdd/account/小王"].fields
    assert (recorded["status"], recorded["roles"], recorded["reception_limit"]) == (
        "active",
        ("presales",),
        80,
    )
    closed = by_address(project.tasks("--all"))["pdd/account/小王"]
    assert (closed["status"], closed["closed_by"], closed["note"]) == ("done", "tester", "建好了")

    cancelled = project.ok("tasks", "cancel", str(cancel_id))
    assert f"Task #{cancel_id} cancelled." in cancelled.out
    assert "jd/account/小李" not in project.recorded()

    plan = project.plan_json()
    assert summary_of(plan) == [("jd/account/小李", "create", "manual")]
    assert done_id not in {p["task_id"] for p in plan["pending"]}
    project.ok("apply", "--auto-approve")
    reopened = by_address(project.tasks())["jd/account/小李"]
    assert reopened["id"] > cancel_id

    project.ok("tasks", "done", *(str(t["id"]) for t in project.tasks()))
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_closing_a_task_twice_or_an_unknown_task_is_an_error(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    project.ok("tasks", "done", "1")
    for args, message in (
        (("done", "1"), "task #1 is done"),
        (("cancel", "1"), "task 1 is already done (by tester"),
        (("done", "99"), "there is no task 99"),
    ):
        result = project.run("tasks", *args)
        assert result.code == 1, args
        assert result.err.startswith("error: " + message)
        assert result.err.count("\n") == 1


def test_a_manual_update_is_a_task_and_done_records_it(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.write(staff(("aftersales",)))
    assert summary_of(project.plan_json()) == [
        ("pdd/role/aftersales", "create", "manual"),
        ("pdd/account/小王", "update", "manual"),
        ("pdd/role/presales", "delete", "manual"),
    ]
    project.ok("apply", "--auto-approve")
    update = by_address(project.tasks())["pdd/account/小王"]
    steps = "\n".join(update["steps"])
    assert "编辑子账号「小王」" in steps
    assert "权限模板只选：aftersales；其他全部取消。" in steps
    assert steps.endswith("点击「保存」。")
    project.ok("tasks", "done", *(str(t["id"]) for t in project.tasks()))
    assert project.recorded()["pdd/account/小王"].fields["roles"] == ("aftersales",)
    assert "pdd/role/presales" not in project.recorded()
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_task_the_config_no_longer_needs_is_flagged(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    task_id = by_address(project.tasks())["jd/account/小李"]["id"]

    project.write(staff(li_on_jd=False))
    plan = project.plan_json()
    assert any(
        f"task #{task_id}" in warning and f"provisioner tasks cancel {task_id}" in warning
        for warning in plan["warnings"]
    )
    assert ("jd/account/小李", "delete", "manual") not in summary_of(plan)


def test_a_task_out_of_date_with_the_config_is_flagged(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    task_id = by_address(project.tasks())["pdd/account/小王"]["id"]

    project.write(staff(("aftersales",)))
    plan = project.plan_json()
    assert any(f"task #{task_id}" in w and "out of date" in w for w in plan["warnings"])


def test_a_task_says_what_it_waits_for_and_cannot_be_done_before_it(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")
    found = by_address(project.tasks())
    role, account = found["pdd/role/presales"], found["pdd/account/小王"]
    assert account["waits_for"] == [role["id"]]
    assert role["waits_for"] == []
    text = project.ok("tasks", "list", "--shop", "pdd").out
    assert f"需先完成：#{role['id']} 新建角色「presales」" in text

    refused = project.run("tasks", "done", str(account["id"]))
    assert refused.code == 1
    assert refused.err == (
        f"error: task #{account['id']} waits for task #{role['id']} (create pdd/role/presales): "
        f"do that one first and mark it done (`provisioner tasks done {role['id']} {account['id']}`)\n"
    )
    assert by_address(project.tasks())["pdd/account/小王"]["status"] == "open"

    project.ok("tasks", "done", str(role["id"]), str(account["id"]))
    assert "pdd/account/小王" in project.recorded()


def test_the_task_list_speaks_the_teams_language(project: Project) -> None:
    document = staff()
    document["settings"]["language"] = "en"
    project.write(document)
    project.ok("apply", "--auto-approve")
    number = by_address(project.tasks())["jd/role/aftersales"]["id"]  # shops run in parallel
    text = project.ok("tasks").out
    assert f"#{number} open create jd/role/aftersales (jd)" in text
    assert "   why: role template used on this shop\n" in text
    assert f"   Then: provisioner tasks done {number}\n" in text
    assert "(UTC+8) (in 2 d 23 h)" in text
    assert f"waits for: #{number} create role 'aftersales'" in text
    project.ok("tasks", "done", str(number))
    assert "   done " in project.ok("tasks", "list", "--all").out

    document["settings"]["language"] = "zh-CN"
    project.write(document)
    listed = project.ok("tasks", "list", "--all").out
    assert f"#{number} 已完成 新建角色「aftersales」 · jd旗舰店（jd，京东）" in listed
    assert "   已完成于 " in listed
