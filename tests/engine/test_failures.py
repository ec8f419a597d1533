"""A failing change fails the apply (exit 1) and skips only what depends on it; apply again converges."""

from __future__ import annotations

from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop

GROUPS = {"售前组": {"description": "售前"}}


def staff(*, with_li: bool = True) -> dict[str, Any]:
    agents = {
        "wang.xiaoming": agent("王小明", account("mem", "小王", groups=("售前组",))),
        "zhao.lei": agent("赵磊", account("mem", "小赵"), account("other", "小赵")),
        "sun.li": agent("孙丽", account("mem", "小孙", "aftersales"), account("pdd", "小孙")),
    }
    if with_li:
        agents["li.na"] = agent("李娜", account("mem", "小李", groups=("售前组",)))
    shops = {"mem": memory_shop(groups=GROUPS), "other": memory_shop(), "pdd": manual_shop()}
    return config(shops, agents)


def lines(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines()}


def test_a_failed_create_skips_only_its_dependants(project: Project) -> None:
    project.write(staff())
    failed = project.run("apply", "--auto-approve", env={"PROVISIONER_MEMORY_FAIL": "小李"})

    assert failed.code == 1
    out = lines(failed.out)
    assert "✗ create mem/account/小李 [api] (injected failure for mem/account/小李)" in out
    assert (
        "– create mem/group/售前组 [api] (skipped because mem/account/小李 (create) did not succeed)"
        in out
    )
    assert "Apply complete: 7 done, 2 manual tasks opened, 1 skipped, 1 failed." in out
    assert "some changes failed" in failed.err
    assert project.live_accounts("mem") == {"小王", "小赵", "小孙"}
    assert project.live_accounts("other") == {"小赵"}
    assert "mem/group/售前组" not in project.platform("mem")
    recorded = project.recorded()
    assert "mem/account/小李" not in recorded
    assert "mem/group/售前组" not in recorded
    assert "mem/account/小王" in recorded
    assert len(project.tasks()) == 2

    history = project.ok("state", "history").out
    assert " failed: " in history

    plan = project.plan_json()
    assert [(c["address"], c["action"]) for c in plan["changes"]] == [
        ("mem/account/小李", "create"),
        ("mem/group/售前组", "create"),
    ]
    again = project.run("apply", "--auto-approve")
    assert again.code == 0, again.output
    assert "Apply complete: 2 done, 0 manual tasks opened, 0 skipped, 0 failed." in again.out
    project.ok("tasks", "done", *(str(t["id"]) for t in project.tasks()))
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_failed_role_skips_the_accounts_using_it_and_their_groups(project: Project) -> None:
    project.write(staff())
    failed = project.run("apply", "--auto-approve", env={"PROVISIONER_MEMORY_FAIL": "presales"})

    assert failed.code == 1
    out = lines(failed.out)
    assert "✗ create mem/role/presales [api] (injected failure for mem/role/presales)" in out
    skipped = {line.split()[2] for line in out if line.startswith("–")}
    assert skipped == {
        "mem/account/小王",
        "mem/account/小赵",
        "mem/account/小李",
        "mem/group/售前组",
        "other/account/小赵",  # the role of that name failed on that shop too
    }
    # Other roles and the manual work go on.
    assert project.live_accounts("mem") == {"小孙"}
    assert "role/aftersales" in project.platform("mem")
    assert len(project.tasks()) == 2

    assert project.run("apply", "--auto-approve").code == 0
    assert project.live_accounts("mem") == {"小王", "小赵", "小李", "小孙"}


def test_a_failed_group_update_keeps_the_member_it_would_drop(project: Project) -> None:
    project.write(staff())
    project.converge()
    project.write(staff(with_li=False))  # li.na leaves: the group drops her, then she is deleted
    failed = project.run("apply", "--auto-approve", env={"PROVISIONER_MEMORY_FAIL": "售前组"})

    assert failed.code == 1
    assert "✗ update mem/group/售前组 [api]" in failed.out
    assert "– delete mem/account/小李 [api] (skipped because mem/group/售前组" in failed.out
    assert "小李" in project.live_accounts("mem")
    assert project.platform("mem")["group/售前组"]["fields"]["members"] == ["小李", "小王"]

    assert project.run("apply", "--auto-approve").code == 0
    assert project.live_accounts("mem") == {"小王", "小赵", "小孙"}
    assert project.run("plan", "--detailed-exitcode").code == 0
