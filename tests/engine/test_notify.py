"""Notifications to the group bots, against local stand-ins that check signatures and limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chatbots import Bots, serving
from engine_project import Project, account, agent, config, manual_shop, memory_shop

SHOPS = {"mem": memory_shop(), "pdd": manual_shop(name="ACME拼多多店")}
NOTIFY = [
    {
        "to": "dingtalk",
        "webhook": {"env": "DINGTALK_WEBHOOK"},
        "secret": {"env": "DINGTALK_SECRET"},
    },
    {"to": "feishu", "webhook": {"env": "FEISHU_WEBHOOK"}, "secret": {"env": "FEISHU_SECRET"}},
    {"to": "wecom", "webhook": {"env": "WECOM_WEBHOOK"}},
]


@pytest.fixture
def bots() -> Iterator[Bots]:
    with serving() as found:
        yield found


def environment(bots: Bots, **changes: str) -> dict[str, str]:
    hooks = bots.webhooks()
    env = {
        "DINGTALK_WEBHOOK": hooks["dingtalk"],
        "DINGTALK_SECRET": bots.dingtalk_secret,
        "FEISHU_WEBHOOK": hooks["feishu"],
        "FEISHU_SECRET": bots.feishu_secret,
        "WECOM_WEBHOOK": hooks["wecom"],
        "PROVISIONER_NOTIFY_TIMEOUT": "0.5",
    }
    env.update(changes)
    return env


def team(
    extra_pdd: int = 0, *, wang: bool = True, notify: list[Any] | None = None
) -> dict[str, Any]:
    agents = {}
    if wang:
        agents["wang.xiaoming"] = agent("王小明", account("mem", "小王"), account("pdd", "小王"))
    for number in range(extra_pdd):
        agents[f"temp.{number:03d}"] = agent(
            f"临时{number:03d}", account("pdd", f"双11客服{number:03d}")
        )
    return config(SHOPS, agents, settings={"notify": NOTIFY if notify is None else notify})


def test_apply_tells_every_bot_what_to_do_where_by_when(project: Project, bots: Bots) -> None:
    project.write(team())
    applied = project.run("apply", "--auto-approve", env=environment(bots))
    assert applied.code == 0, applied.output
    assert applied.err == "Notified dingtalk, feishu, wecom.\n"  # stdout stays the apply report

    tasks = {task["address"]: task for task in project.tasks()}
    account_task = tasks["pdd/account/小王"]
    for name in ("dingtalk", "feishu", "wecom"):
        [text] = bots.texts(name)
        assert "provisioner：2 项人工任务待处理" in text
        assert "tester 刚运行了 apply" in text
        assert f"#{account_task['id']} 新建子账号「小王」" in text
        assert "店铺：ACME拼多多店（pdd，拼多多）" in text
        assert "员工：王小明（wang.xiaoming）" in text
        assert "截止 " in text and "(UTC+8)（还剩 2 天 23 小时）" in text
        assert f"完成后运行：provisioner tasks done {account_task['id']}" in text
        assert "拼多多商家后台" in text  # the back-office steps themselves
        assert f"需先完成：#{tasks['pdd/role/presales']['id']} 新建角色「presales」" in text
    assert bots.received["dingtalk"][0]["title"] == "provisioner：2 项人工任务待处理"


def test_offboarding_done_through_the_api_is_announced(project: Project, bots: Bots) -> None:
    env = environment(bots)
    project.write(team())
    project.ok("apply", "--auto-approve", env=env)
    project.ok("tasks", "done", *(str(t["id"]) for t in project.tasks()), env=env)
    project.write(team(wang=False))
    project.ok("apply", "--auto-approve", env=env)

    text = bots.texts("wecom")[-1]
    assert "已通过 API 收回权限：" in text
    assert "- 删除子账号「小王」 · 测试店（mem） · memory · wang.xiaoming" in text
    assert (
        "#### #3 删除子账号「小王」\n店铺：ACME拼多多店（pdd，拼多多）" in text
    )  # and the manual one
    offboarded = text.split("已通过 API 收回权限：")[1]
    assert "删除角色" not in offboarded  # a role nobody holds any more is not offboarding


def test_a_failing_bot_is_one_warning_and_loses_nothing(project: Project, bots: Bots) -> None:
    project.write(team())
    env = environment(
        bots, DINGTALK_SECRET="SECwrongsecret", WECOM_WEBHOOK=bots.webhooks()["wecom"] + "x"
    )
    bots.fail["feishu"] = 99
    applied = project.run("apply", "--auto-approve", env=env)

    assert applied.code == 0
    assert len(project.tasks()) == 2
    lines = applied.err.splitlines()
    assert lines == [
        "warning: notify dingtalk (settings.notify[0]): not delivered: error 310000: sign not match, "
        "more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq] (1 attempt); the tasks are "
        "recorded; `provisioner tasks remind` sends them again",
        "warning: notify feishu (settings.notify[1]): not delivered: HTTP 500, not the bot's answer "
        "(3 attempts); the tasks are recorded; `provisioner tasks remind` sends them again",
        "warning: notify wecom (settings.notify[2]): not delivered: error 93000: invalid webhook url, "
        "hint: [1733100000_51_88bf6103b527f4f0bbb712c0427fe5], from ip: 127.0.0.1, more info at "
        "https://open.work.weixin.qq.com/devtool/query?e=93000 (1 attempt); the tasks are recorded; "
        "`provisioner tasks remind` sends them again",
    ]
    assert bots.requests["feishu"] == 3  # bounded retries
    for canary in bots.canaries():
        assert canary not in applied.output


def test_a_bot_that_recovers_or_times_out(project: Project, bots: Bots) -> None:
    project.write(team(notify=NOTIFY[2:]))
    bots.fail["wecom"] = 2
    recovered = project.run("apply", "--auto-approve", env=environment(bots))
    assert (recovered.code, recovered.err) == (0, "Notified wecom.\n")
    assert bots.requests["wecom"] == 3 and len(bots.received["wecom"]) == 1

    project.write(team(wang=False, notify=NOTIFY[2:]))
    bots.hang["wecom"] = 1.5
    slow = project.run("apply", "--auto-approve", env=environment(bots))
    assert slow.code == 0
    assert (
        "warning: notify wecom (settings.notify[0]): not delivered: timed out (3 attempts)"
        in slow.err
    )


def test_unreachable_or_unset_webhooks_warn(project: Project, bots: Bots) -> None:
    project.write(team(notify=NOTIFY[1:]))
    env = environment(
        bots, WECOM_WEBHOOK="http://127.0.0.1:9/cgi-bin/webhook/send?key=canarynothere1"
    )
    del env["FEISHU_SECRET"]
    applied = project.run("apply", "--auto-approve", env=env)
    assert applied.code == 0
    assert applied.err.splitlines()[0] == (
        "warning: notify feishu (settings.notify[0]): not delivered: settings.notify[0].secret: "
        "environment variable FEISHU_SECRET is not set; the tasks are recorded; "
        "`provisioner tasks remind` sends them again"
    )
    assert (
        "warning: notify wecom (settings.notify[1]): not delivered: cannot connect (ConnectError) (3 attempts)"
        in applied.err
    )
    assert "canarynothere1" not in applied.output


def test_long_messages_are_split_within_each_platforms_limit(project: Project, bots: Bots) -> None:
    project.write(team(extra_pdd=60))
    applied = project.run("apply", "--auto-approve", env=environment(bots))
    assert applied.code == 0, applied.output
    assert applied.err.startswith("Notified dingtalk (") and "wecom (5 messages)" in applied.err
    for name, limit in (("dingtalk", 20000), ("feishu", 20000), ("wecom", 4096)):
        messages = bots.received[name]
        assert 1 < len(messages) <= 5, name
        assert all(message["bytes"] <= limit for message in messages)
        joined = "\n".join(bots.texts(name))
        assert f"(1/{len(messages)})" in joined
    wecom = "\n".join(bots.texts("wecom"))
    assert "另有 " in wecom  # summarised, one line per task, beyond five messages
    for number in range(60):
        assert f"双11客服{number:03d}" in wecom  # every task is named somewhere


def test_remind_sends_what_is_open_overdue_first(project: Project, bots: Bots) -> None:
    env = environment(bots)
    project.write(team())
    project.ok("apply", "--auto-approve", env=env)
    tasks = project.tasks()
    late = tasks[-1]
    project.age_task(late["id"], days=4)

    reminded = project.run("tasks", "remind", env=env)
    assert (reminded.code, reminded.err) == (0, "")
    text = bots.texts("feishu")[-1]
    assert "还有 2 项人工任务未完成，其中 1 项已逾期：" in text
    assert text.index(f"#{late['id']} ") < text.index(f"#{tasks[0]['id']} ")
    assert "已逾期：截止 " in text

    bots.fail["dingtalk"] = 99
    failed = project.run("tasks", "remind", env=env)
    assert failed.code == 1
    assert failed.err.startswith(
        "error: notify dingtalk (settings.notify[0]): not delivered: HTTP 500"
    )
    assert "Notified feishu, wecom." in failed.out

    project.ok("tasks", "done", *(str(t["id"]) for t in tasks), env=env)
    assert "Nothing to remind." in project.ok("tasks", "remind", env=env).out
    project.write(team(notify=[]))
    none = project.run("tasks", "remind")
    assert (
        none.err
        == "error: no group bots to remind: add settings.notify (dingtalk, feishu or wecom)\n"
    )


def test_webhooks_and_secrets_never_reach_output_logs_plans_or_state(
    project: Project, bots: Bots
) -> None:
    env = environment(bots)
    project.write(team())
    outputs = [
        project.run("validate", env=env),
        project.run("plan", "--out", "plan.json", env=env),
        project.run("--debug", "apply", "--auto-approve", env=env),
        project.run("--debug", "tasks", "remind", env=env),
        project.run("tasks", "list", "--format", "json", env=env),
    ]
    assert len(bots.received["dingtalk"]) == 2
    stored = [path.read_bytes() for path in project.work.rglob("*") if path.is_file()]
    stored.append((project.root / "plan.json").read_bytes())
    for canary in bots.canaries():
        for result in outputs:
            assert canary not in result.output
        for content in stored:
            assert canary.encode() not in content


def test_apply_json_stays_json_when_bots_are_told(project: Project, bots: Bots) -> None:
    project.write(team())
    applied = project.run("apply", "--auto-approve", "--format", "json", env=environment(bots))
    assert applied.code == 0, applied.output
    json.loads(applied.out)
    assert applied.err == "Notified dingtalk, feishu, wecom.\n"
