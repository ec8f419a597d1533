"""Due dates: offboarding tasks are due fast, overdue ones fail `check` and `plan --detailed-exitcode`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop

SHOPS = {"mem": memory_shop(), "pdd": manual_shop(name="ACME拼多多店")}


def team(*, wang: bool = True, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    agents = {"li.na": agent("李娜", account("pdd", "小李"))}
    if wang:
        agents["wang.xiaoming"] = agent("王小明", account("mem", "小王"), account("pdd", "小王"))
    return config(SHOPS, agents, settings=settings)


def offboard_wang(project: Project, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """Wang leaves: the API deletes the memory account, a person must delete the Pinduoduo one."""
    project.write(team(settings=settings))
    project.converge()
    project.write(team(wang=False, settings=settings))
    project.ok("apply", "--auto-approve")
    [task] = project.tasks()
    return task


def test_an_offboarding_task_is_due_in_four_hours_and_shows_it(project: Project) -> None:
    task = offboard_wang(project)
    assert (task["address"], task["action"], task["offboarding"]) == (
        "pdd/account/小王",
        "delete",
        True,
    )
    opened = datetime.fromisoformat(task["created_at"])
    assert datetime.fromisoformat(task["due_at"]) - opened == timedelta(hours=4)
    assert task["created_at"].endswith("+08:00")  # the team's time zone, Asia/Shanghai by default
    assert task["overdue"] is False

    text = project.ok("tasks", "list").out
    assert f"#{task['id']} 待办 删除子账号「小王」 · ACME拼多多店（pdd，拼多多）" in text
    assert "\n   wang.xiaoming\n" in text  # the agent left the config: only the id is known
    assert "截止 " in text and "(UTC+8)（还剩 3 小时 59 分钟）（收回权限，优先处理）" in text

    checked = project.run("check")
    assert (checked.code, checked.out, checked.err) == (0, "No overdue offboarding tasks.\n", "")
    assert project.run("plan", "--detailed-exitcode").code == 2  # pending, not failing


def test_an_overdue_offboarding_task_fails_check_and_detailed_plan(project: Project) -> None:
    task = offboard_wang(project)
    project.age_task(task["id"], hours=5)

    [overdue] = project.tasks("--overdue")
    assert overdue["id"] == task["id"] and overdue["overdue"] is True
    assert "已逾期：截止 " in project.ok("tasks", "list", "--overdue").out

    checked = project.run("check")
    assert checked.code == 1
    assert f"#{task['id']} 待办 删除子账号「小王」" in checked.out
    assert "超时 1 小时" in checked.out
    assert checked.err == (
        f"error: 1 offboarding task is overdue (due within 4h): #{task['id']} delete pdd/account/小王; "
        "do it in the back office, then `provisioner tasks done ID`\n"
    )

    detailed = project.run("plan", "--detailed-exitcode")
    assert detailed.code == 1
    assert detailed.err.endswith(checked.err)
    plain = project.run("plan")
    assert plain.code == 0
    assert "warning: 1 offboarding task is overdue" in plain.err

    project.ok("tasks", "done", str(task["id"]))
    assert project.run("check").code == 0


def test_due_times_follow_the_settings_and_only_offboarding_fails_check(project: Project) -> None:
    settings = {
        "timezone": "Europe/London",
        "tasks": {"due": {"offboarding": "30m", "default": "1d"}},
    }
    project.write(team(settings=settings))
    project.ok("apply", "--auto-approve")
    creates = project.tasks()
    for task in creates:
        assert task["offboarding"] is False
        opened = datetime.fromisoformat(task["created_at"])
        assert datetime.fromisoformat(task["due_at"]) - opened == timedelta(days=1)
        assert task["created_at"][-6:] in ("+00:00", "+01:00")
        project.age_task(task["id"], days=2)

    checked = project.run("check")
    assert checked.code == 0
    assert checked.err.startswith(
        "warning: 3 other tasks are overdue: #1 create pdd/role/presales, #2 create pdd/account/小李"
    )
    assert [t["id"] for t in project.tasks("--overdue", "--shop", "pdd")] == [
        t["id"] for t in creates
    ]
    assert project.tasks("--overdue", "--shop", "mem") == []
    assert (
        "UTC+0)" in project.ok("tasks", "list").out or "UTC+1)" in project.ok("tasks", "list").out
    )


def test_list_filters_and_options_after_the_subcommand(project: Project) -> None:
    project.write(team())
    project.ok("apply", "--auto-approve")
    elsewhere = project.root.parent
    by_shop = project.run("tasks", "list", "-c", str(project.root), "--shop", "pdd", cwd=elsewhere)
    assert by_shop.code == 0, by_shop.output
    assert by_shop.out.count("待办") == 3
    assert (
        "没有逾期的人工任务。"
        in project.run("tasks", "list", "--overdue", "-c", str(project.root), cwd=elsewhere).out
    )
    done = project.run("tasks", "done", "-c", str(project.root), "1", cwd=elsewhere)
    assert done.code == 0, done.output
    assert [t["id"] for t in project.tasks()] == [2, 3]
