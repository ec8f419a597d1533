"""Apply, close the manual tasks, plan again: "No changes." (DESIGN §3, §5 exit codes)."""

from __future__ import annotations

from engine_project import Project, account, agent, config, manual_shop, memory_shop, summary_of


def two_shops(project: Project) -> None:
    project.write(
        config(
            {
                "mem": memory_shop(groups={"售前组": {"description": "售前咨询"}}),
                "pdd": manual_shop(),
            },
            {
                "wang.xiaoming": agent(
                    "王小明",
                    account("mem", "小王", "presales", groups=("售前组",)),
                    account("pdd", "小王", "aftersales"),
                ),
                "li.na": agent("李娜", account("mem", "小李", "aftersales", groups=("售前组",))),
            },
        )
    )


def test_apply_then_plan_shows_no_changes(project: Project) -> None:
    two_shops(project)
    assert project.run("plan", "--detailed-exitcode").code == 2

    applied = project.ok("apply", "--auto-approve")
    assert "Apply complete: 5 done, 2 manual tasks opened, 0 skipped, 0 failed." in applied.out
    assert project.live_accounts("mem") == {"小王", "小李"}
    group = project.platform("mem")["group/售前组"]["fields"]
    assert group == {"description": "售前咨询", "members": ["小李", "小王"]}

    opened = project.tasks()
    assert sorted(t["address"] for t in opened) == [
        "pdd/account/小王",
        "pdd/role/aftersales",
    ]
    project.ok("tasks", "done", *(str(t["id"]) for t in opened))

    again = project.run("plan", "--detailed-exitcode")
    assert again.code == 0, again.output
    assert again.out.strip().endswith("No changes.")
    assert project.plan_json()["summary"] == {
        "create": 0,
        "update": 0,
        "delete": 0,
        "manual": 0,
        "unchanged": 7,
    }
    second = project.ok("apply", "--auto-approve")
    assert "No changes." in second.out
    assert "Apply complete" not in second.out


def test_detailed_exitcode_is_2_only_while_changes_are_pending(project: Project) -> None:
    two_shops(project)
    assert project.run("plan", "--detailed-exitcode", "--format", "json").code == 2
    assert project.run("plan").code == 0  # without the flag, pending changes are still success
    project.converge()
    assert project.run("plan", "--detailed-exitcode", "--format", "markdown").code == 0


def test_a_second_apply_only_does_what_the_config_added(project: Project) -> None:
    two_shops(project)
    project.converge()
    document = config(
        {"mem": memory_shop(groups={"售前组": {"description": "售前咨询"}}), "pdd": manual_shop()},
        {
            "wang.xiaoming": agent(
                "王小明",
                account("mem", "小王", "presales", groups=("售前组",)),
                account("pdd", "小王", "aftersales"),
            ),
            "li.na": agent("李娜", account("mem", "小李", "aftersales", groups=("售前组",))),
            "zhao.lei": agent("赵磊", account("mem", "小赵"), account("pdd", "小赵")),
        },
    )
    project.write(document)
    assert summary_of(project.plan_json()) == [
        ("mem/account/小赵", "create", "api"),
        ("pdd/role/presales", "create", "manual"),
        ("pdd/account/小赵", "create", "manual"),
    ]
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
    assert project.live_accounts("mem") == {"小王", "小李", "小赵"}
