"""`tasks done` checks the live shop where the platform can read it; `tasks verify` closes what it
shows done. Against the Tmall emulator over real HTTP, standing in for the real back office: a
person's work is done directly on the emulator's data, as the back office would."""

from __future__ import annotations

from typing import Any

from engine_project import Project, agent, config, manual_shop

from provisioner.emulators import identity
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.server import EmulatorServer

MAIN = "acme官方旗舰店"
SELLER = "acme"
CREDENTIALS = {
    "app_key": {"env": "TM_KEY"},
    "app_secret": {"env": "TM_SECRET"},
    "session": {"env": "TM_SESSION"},
}
ENV = {
    "TM_KEY": identity.APP_KEY,
    "TM_SECRET": identity.APP_SECRET,
    "TM_SESSION": identity.session_for(SELLER),
}


def office(server: EmulatorServer) -> BackOffice:
    return BackOffice(server.app.store, "top", SELLER)


def team(server: EmulatorServer, *, li: bool = True) -> dict[str, Any]:
    tmall = {
        "platform": "tmall",
        "name": "ACME官方旗舰店",
        "main_account": MAIN,
        "endpoint": server.url,
        "credentials": CREDENTIALS,
    }
    agents = {
        "wang.xiaoming": agent("王小明", {"shop": "tm", "nickname": "小王", "roles": ["presales"]})
    }
    if li:
        agents["li.na"] = agent("李娜", {"shop": "tm", "nickname": "小李", "roles": ["presales"]})
        agents["li.na"]["accounts"].append(
            {"shop": "pdd", "nickname": "小李", "roles": ["presales"]}
        )
    return config({"tm": tmall, "pdd": manual_shop()}, agents)


def open_tasks(project: Project) -> dict[str, dict[str, Any]]:
    return {task["address"]: task for task in project.tasks()}


def test_done_is_refused_until_the_live_shop_shows_it(
    project: Project, server: EmulatorServer
) -> None:
    project.write(team(server))
    project.ok("apply", "--auto-approve", env=ENV)  # the role by API; both accounts by hand
    wang = open_tasks(project)["tm/account/小王"]

    refused = project.run("tasks", "done", str(wang["id"]), env=ENV)
    assert refused.code == 1
    assert refused.err == (
        f"error: task #{wang['id']} (create tm/account/小王): the live shop does not show it done "
        "yet: tm/account/小王 does not exist. Do it in the back office first, or close it anyway "
        "with --force --note WHY\n"
    )
    assert open_tasks(project)["tm/account/小王"]["status"] == "open"

    office(server).create_account(f"{MAIN}:小王", AccountSettings())
    wrong_role = project.run("tasks", "done", str(wang["id"]), env=ENV)
    assert wrong_role.code == 1
    assert "does not show it done yet: roles is [], not [presales]." in wrong_role.err

    office(server).update_account(f"{MAIN}:小王", AccountSettings(roles=("presales",)))
    done = project.run("tasks", "done", str(wang["id"]), env=ENV)
    assert done.code == 0, done.output
    assert (
        done.out
        == f"Task #{wang['id']} done: create tm/account/小王 recorded (checked on the live shop).\n"
    )
    recorded = project.recorded()["tm/account/小王"]
    assert recorded.remote_id is not None  # the id the back office gave it, read live
    closed = next(t for t in project.tasks("--all") if t["id"] == wang["id"])
    assert closed["closed_how"] == "verified"
    assert "No changes." in project.run("plan", env=ENV).out


def test_force_with_a_note_records_an_override(project: Project, server: EmulatorServer) -> None:
    project.write(team(server))
    project.ok("apply", "--auto-approve", env=ENV)
    wang = open_tasks(project)["tm/account/小王"]

    no_note = project.run("tasks", "done", "--force", str(wang["id"]), env=ENV)
    assert no_note.code == 1
    assert "--force needs --note" in no_note.err

    forced = project.run(
        "tasks", "done", str(wang["id"]), "--force", "--note", "千牛页面延迟，已截图确认", env=ENV
    )
    assert forced.code == 0, forced.output
    assert "(forced by tester although the live shop does not show it)" in forced.out
    closed = next(t for t in project.tasks("--all") if t["id"] == wang["id"])
    assert (closed["closed_how"], closed["note"]) == ("forced", "千牛页面延迟，已截图确认")
    history = project.ok("tasks", "list", "--all").out
    assert (
        "已完成于 " in history
        and "，由 tester，店铺尚未显示，强制关闭：千牛页面延迟，已截图确认" in history
    )


def test_where_nothing_can_be_read_done_is_attested(
    project: Project, server: EmulatorServer
) -> None:
    project.write(team(server))
    project.ok("apply", "--auto-approve", env=ENV)
    pdd = open_tasks(project)
    role = pdd["pdd/role/presales"]
    done = project.ok("tasks", "done", str(role["id"]), str(pdd["pdd/account/小李"]["id"]), env=ENV)
    assert (
        f"Task #{role['id']} done: create pdd/role/presales recorded (pinduoduo cannot be read: attested by tester)."
        in done.out
    )
    closed = {t["address"]: t for t in project.tasks("--all")}
    assert closed["pdd/account/小李"]["closed_how"] == "attested"
    assert (
        "平台无法读取，由 tester 确认" in project.ok("tasks", "list", "--all", "--shop", "pdd").out
    )


def test_verify_closes_what_the_live_shop_shows_done(
    project: Project, server: EmulatorServer
) -> None:
    project.write(team(server))
    project.ok("apply", "--auto-approve", env=ENV)
    tasks = open_tasks(project)
    office(server).create_account(f"{MAIN}:小王", AccountSettings(roles=("presales",)))

    verified = project.run("tasks", "verify", env=ENV)
    assert verified.code == 0, verified.output
    wang, li = tasks["tm/account/小王"], tasks["tm/account/小李"]
    role, li_pdd = tasks["pdd/role/presales"], tasks["pdd/account/小李"]
    assert verified.out.splitlines() == [
        *sorted(
            [
                f"Task #{wang['id']} done: create tm/account/小王 is live (checked on the live shop).",
                f"Task #{li['id']} still open: tm/account/小李 does not exist.",
                f"Task #{role['id']} not checked: pinduoduo cannot be read; `provisioner tasks done {role['id']}` once it is done.",
                f"Task #{li_pdd['id']} not checked: pinduoduo cannot be read; `provisioner tasks done {li_pdd['id']}` once it is done.",
            ],
            key=lambda line: int(line.split("#")[1].split(" ")[0]),
        ),
        "Verified 1 of 4 open tasks.",
    ]
    assert set(open_tasks(project)) == {"tm/account/小李", "pdd/role/presales", "pdd/account/小李"}


def test_a_removal_is_done_only_once_the_live_shop_no_longer_has_it(
    project: Project, server: EmulatorServer
) -> None:
    project.write(team(server, li=False))
    project.ok("apply", "--auto-approve", env=ENV)
    office(server).create_account(f"{MAIN}:小王", AccountSettings(roles=("presales",)))
    project.ok("tasks", "verify", env=ENV)
    assert project.tasks() == []

    moved = team(server, li=False)
    moved["agents"]["wang.xiaoming"]["accounts"][0]["roles"] = ["aftersales"]
    project.write(moved)
    project.ok("apply", "--auto-approve", env=ENV)  # aftersales by API; the rest by hand
    tasks = open_tasks(project)
    update, removal = tasks["tm/account/小王"], tasks["tm/role/presales"]
    assert (update["offboarding"], removal["waits_for"]) == (True, [update["id"]])
    assert project.run("tasks", "done", str(removal["id"]), env=ENV).err.startswith(
        f"error: task #{removal['id']} waits for task #{update['id']}"
    )

    office(server).update_account(f"{MAIN}:小王", AccountSettings(roles=("aftersales",)))
    project.ok("tasks", "done", str(update["id"]), env=ENV)
    refused = project.run("tasks", "done", str(removal["id"]), env=ENV)
    assert refused.code == 1 and "tm/role/presales still exists" in refused.err

    office(server).delete_role("presales")
    done = project.ok("tasks", "done", str(removal["id"]), env=ENV)
    assert "(checked on the live shop)" in done.out


def test_jd_tasks_are_verified_now_that_jd_can_be_read(
    project: Project, server: EmulatorServer
) -> None:
    # Nothing in verification names JD: its descriptor declares accounts and roles readable.
    jd_env = {
        "JD_KEY": identity.APP_KEY,
        "JD_SECRET": identity.APP_SECRET,
        "JD_TOKEN": identity.session_for("jd-shop"),
    }
    credentials = {
        "app_key": {"env": "JD_KEY"},
        "app_secret": {"env": "JD_SECRET"},
        "access_token": {"env": "JD_TOKEN"},
    }
    shop = {
        "platform": "jd",
        "name": "京东旗舰店",
        "endpoint": server.url,
        "credentials": credentials,
    }
    project.write(
        config(
            {"jd": shop},
            {"wang": agent("王", {"shop": "jd", "nickname": "xiaowang", "roles": ["presales"]})},
        )
    )
    project.ok("apply", "--auto-approve", env=jd_env)
    tasks = open_tasks(project)
    role, account = tasks["jd/role/presales"], tasks["jd/account/xiaowang"]

    refused = project.run("tasks", "done", str(role["id"]), env=jd_env)
    assert refused.code == 1 and "jd/role/presales does not exist" in refused.err

    jd_office = BackOffice(server.app.store, "jos", "jd-shop")
    jd_office.create_role("presales")
    jd_office.create_account("xiaowang", AccountSettings(roles=("presales",)))
    verified = project.ok("tasks", "verify", env=jd_env)
    assert verified.out.endswith("Verified 2 of 2 open tasks.\n")
    closed = {t["id"]: t["closed_how"] for t in project.tasks("--all")}
    assert closed == {role["id"]: "verified", account["id"]: "verified"}
