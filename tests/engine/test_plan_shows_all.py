"""The plan shows everything apply will do: adopts, forgotten records, protected names, and the
back-office steps of each manual task (computed at plan time: the task carries exactly them)."""

from __future__ import annotations

import json

from engine_project import Project, account, agent, config, manual_shop, memory_shop


def test_adopt_forget_and_protected_names_are_in_every_renderer(project: Project) -> None:
    shops = {"mem": memory_shop()}
    people = {
        "li.na": agent("李娜", account("mem", "小李")),
        "wang": agent("王", account("mem", "小王")),
    }
    project.write(config(shops, people))
    project.converge()
    # Someone deletes 小王 in the back office and creates 小张 by hand; 小张 is then declared,
    # 小王 is no longer declared, and 店长 becomes protected.
    data = project.platform("mem")
    del data["account/小王"]
    (project.work / "memory" / "mem.json").write_text(json.dumps(data, ensure_ascii=False))
    project.put_live("mem", "account/小张", status="active", roles=["presales"])
    people = {"li.na": people["li.na"], "zhang": agent("张", account("mem", "小张"))}
    project.write(config({"mem": memory_shop(protected=["店长"])}, people))

    plan = project.plan_json()
    assert plan["changes"] == []
    assert [a["address"] for a in plan["adopt"]] == ["mem/account/小张"]
    assert plan["forget"] == ["mem/account/小王"]
    assert plan["protect"] == [{"shop": "mem", "names": ["店长"], "added": ["店长"], "removed": []}]
    text = project.ok("plan").out
    assert "+ adopt  mem/account/小张" in text
    assert "- forget mem/account/小王" in text
    assert "~ protect mem: +店长" in text
    markdown = project.ok("plan", "--format", "markdown").out
    assert "#### Recorded by apply" in markdown
    assert (
        "| adopt | mem/account/小张 |" in markdown and "| forget | mem/account/小王 |" in markdown
    )
    assert "| protect | mem | \\+店长 |" in markdown

    project.ok("plan", "--out", "plan.json")
    shown = project.ok("show", "plan.json").out
    assert "+ adopt  mem/account/小张" in shown and "~ protect mem: +店长" in shown
    project.ok("apply", "plan.json")
    assert "mem/account/小张" in project.recorded()
    assert "mem/account/小王" not in project.recorded()
    again = project.plan_json()
    assert (again["adopt"], again["forget"], again["protect"]) == ([], [], [])


def test_manual_steps_are_in_the_json_plan_and_show_and_are_what_the_task_says(
    project: Project,
) -> None:
    project.write(config({"pdd": manual_shop()}, {"wang": agent("王", account("pdd", "小王"))}))
    plan = project.plan_json()
    manual = [c for c in plan["changes"] if c["execution"] == "manual"]
    assert manual and all(c["steps"] for c in manual)
    (create,) = [c for c in manual if c["address"] == "pdd/account/小王"]
    assert any("新增子账号" in step and "小王" in step for step in create["steps"])

    project.ok("plan", "--out", "plan.json")
    shown = project.ok("show", "plan.json").out
    assert "back-office steps:" in shown
    # folded to the width (100 columns when piped), never cut: the same text, spaces aside
    assert "".join(create["steps"][1].split("\n")[0].split()) in "".join(shown.split())
    assert max(len(line) for line in shown.splitlines()) <= 100
    project.ok("apply", "plan.json")
    (task,) = [t for t in project.tasks() if t["address"] == "pdd/account/小王"]
    assert task["steps"] == create["steps"]
