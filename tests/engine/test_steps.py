"""Manual-task steps: in the team's language, in the order the back office asks, schedules in words."""

from __future__ import annotations

from typing import Any

from engine_project import Project, agent, config

TMALL = {
    "platform": "tmall",
    "name": "ACME官方旗舰店",
    "main_account": "acme官方旗舰店",
    "endpoint": "sandbox",
}
SCHEDULES = {
    "daytime": {
        "timezone": "Asia/Shanghai",
        "shifts": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "09:00", "to": "18:00"}],
    },
    "nights": {
        "timezone": "Asia/Hong_Kong",
        "shifts": [
            {"days": ["sat", "sun"], "from": "22:00", "to": "06:00"},
            {"days": ["mon", "wed"], "from": "12:00", "to": "20:00"},
        ],
    },
}


def team(schedule: str = "daytime", language: str | None = None) -> dict[str, Any]:
    wang = agent(
        "王小明",
        {
            "shop": "acme-tmall",
            "nickname": "小王",
            "roles": ["presales"],
            "reception_limit": 80,
            "schedule": schedule,
        },
    )
    document = config(
        {"acme-tmall": TMALL},
        {"wang.xiaoming": wang},
        settings={"language": language} if language else None,
    )
    document["schedules"] = SCHEDULES
    return document


def account_steps(project: Project) -> list[str]:
    project.ok("apply", "--auto-approve")
    task = next(t for t in project.tasks() if t["address"] == "acme-tmall/account/小王")
    steps: list[str] = task["steps"]
    return steps


def test_a_tmall_create_is_confirmed_before_its_reception_settings(project: Project) -> None:
    project.write(team())
    assert account_steps(project) == [
        "1. 用主账号登录 千牛卖家中心（店铺 ACME官方旗舰店，acme-tmall）。",
        "2. 打开 店铺管理 → 子账号管理 → 员工管理 → 新增子账号：账号名「acme官方旗舰店:小王」；"
        "设置至少 6 位的初始密码并当面交给本人；绑定本人的手机号。",
        "3. 岗位只选：presales；其他全部取消。",
        "4. 点击「确认创建」。",
        "5. 在 千牛接待中心 → 接待设置 中为「acme官方旗舰店:小王」设置：接待上限 80；排班 周一至周五 09:00–18:00。",
    ]


def test_schedules_are_spelled_out_with_overnight_shifts_and_their_zone(project: Project) -> None:
    project.write(team("nights"))
    assert account_steps(project)[-1].endswith(
        "排班 周六、周日 22:00–次日 06:00，周一、周三 12:00–20:00（Asia/Hong_Kong）。"
    )


def test_steps_in_english(project: Project) -> None:
    project.write(team(language="en"))
    assert account_steps(project) == [
        "1. Log in to 千牛卖家中心 of shop ACME官方旗舰店 (acme-tmall) with the main account.",
        "2. Open 店铺管理 → 子账号管理 → 员工管理 → 新增子账号. Account name: 'acme官方旗舰店:小王'. Set an "
        "initial password of at least 6 characters and give it to the agent in person; bind the "
        "agent's own phone number.",
        "3. Set 岗位 to exactly: presales; untick any other.",
        "4. Click 确认创建 (confirm).",
        "5. In 千牛接待中心 → 接待设置, for 'acme官方旗舰店:小王' set 接待上限 80; 排班 Mon–Fri 09:00–18:00.",
    ]


def test_a_reception_change_alone_goes_straight_to_the_reception_settings(project: Project) -> None:
    project.write(team())
    project.converge()
    changed = team()
    changed["agents"]["wang.xiaoming"]["accounts"][0]["reception_limit"] = 120
    project.write(changed)
    project.ok("apply", "--auto-approve")
    [task] = project.tasks()
    assert task["steps"] == [
        "1. 用主账号登录 千牛卖家中心（店铺 ACME官方旗舰店，acme-tmall）。",
        "2. 在 千牛接待中心 → 接待设置 中为「acme官方旗舰店:小王」设置：接待上限 120。",
    ]
