"""The PR comment: complete for a small plan, never over GitHub's limit for a huge one."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from provisioner.plan.model import AccessChange, Direction, Plan, Unmanaged
from provisioner.render.budget import size
from provisioner.render.markdown import GITHUB_COMMENT_LIMIT, render_markdown
from provisioner.render.summary import summary_line
from provisioner.resources import Action, Address, Change, Execution, FieldChange

NOTE = "**This plan is too long for one comment**"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "小明",
    "晓燕",
    "磊磊",
    "丽丽",
    "阿杰",
    "婷婷",
    "浩哥",
    "鑫鑫",
    "小芳",
    "建国",
    "秀英",
    "子涵",
]
SHOPS = [
    ("acme-tmall", "tmall"),
    ("acme-taobao", "taobao"),
    ("acme-pdd", "pinduoduo"),
    ("acme-douyin", "douyin"),
    ("acme-ks", "kuaishou"),
    ("acme-jd", "jd"),
]
PERMISSIONS = [
    ("finance.view", "critical"),
    ("refund.approve", "high"),
    ("order.modify_address", "medium"),
    ("chat.reply", "low"),
]


def _big_change(index: int) -> tuple[Change, tuple[AccessChange, ...]]:
    shop, platform = SHOPS[index % len(SHOPS)]
    nickname = f"{SURNAMES[index % len(SURNAMES)]}{GIVEN[index % len(GIVEN)]}{index:04d}"
    agent = f"agent.{index:04d}"
    action: Action = ("create", "update", "delete")[index % 3]
    before, after = ((None, "x"), ("x", "y"), ("x", None))[index % 3]
    texts = tuple(
        FieldChange(name, before and f"{before}-{name}", after and f"{after}-{name}")
        for name in ("status", "schedule", "description", "remote_note")
    )
    fields = (
        *texts,
        FieldChange("roles", before and ("presales", "aftersales"), after and ("cs-lead",)),
        FieldChange("groups", before and ("售前组", "售后组"), after and ("售前组", "大促临时组")),
        FieldChange("reception_limit", before and 50, after and 120),
        FieldChange("dispatch", before and True, after and False),
    )
    reason = (
        f"{agent}（{nickname}）在 PR #{index} 中调整了岗位：大促期间从售前调到售后，"
        "接待上限与分流组随之变化；该平台没有子账号接口的部分由店长在商家后台手工完成"
    )
    execution: Execution = "manual" if platform in ("pinduoduo", "douyin", "jd") else "api"
    change = Change(Address(shop, "account", nickname), platform, action, execution, reason, fields)
    direction: Direction = "loss" if action == "delete" else "gain"
    access = tuple(
        AccessChange(agent, shop, nickname, permission, risk, direction)
        for permission, risk in PERMISSIONS
    )
    return change, access


def huge_plan(count: int = 5_000) -> Plan:
    pairs = [_big_change(index) for index in range(count)]
    return Plan(
        changes=tuple(change for change, _ in pairs),
        access_delta=tuple(itertools.chain.from_iterable(access for _, access in pairs)),
        warnings=tuple(f"warning {i}: 权限 team.manage 在拼多多上没有对应项" for i in range(50)),
        unmanaged=tuple(
            Unmanaged(Address("acme-tmall", "account", f"临时{i}"), "tmall", "report")
            for i in range(300)
        ),
    )


def test_small_plan_is_rendered_completely(
    rich_plan: Plan, golden: Callable[[str, str], None]
) -> None:
    text = render_markdown(rich_plan)
    assert NOTE not in text
    golden("plan.md", text)


def test_summary_and_access_delta_come_first(rich_plan: Plan) -> None:
    text = render_markdown(rich_plan)
    assert text.startswith("### Plan: 3 to create, 3 to update, 2 to delete (3 manual).\n")
    assert text.index("#### Access changes") < text.index("<details>")
    rows = [line for line in text.splitlines() if " | gains | " in line or " | loses | " in line]
    assert rows[0].startswith("| 孙浩 (sun.hao) | gains |") and "**critical**" in rows[0]
    assert rows[1].startswith("|  | gains |") and "**high**" in rows[1]  # still 孙浩's
    assert rows[3].startswith("| zhou.jie | loses |")  # offboarded: no name in the config


def test_low_risk_permissions_are_counted_with_the_list_folded_unless_verbose(
    rich_plan: Plan,
) -> None:
    folded = (
        "| 王小明 (wang.xiaoming) | gains | low | "
        "<details><summary>+2 low-risk</summary>chat.reply (接待), order.view (订单查看)</details>"
        " | acme-tmall/小王 |"
    )
    assert folded in render_markdown(rich_plan)
    verbose = render_markdown(rich_plan, verbose=True)
    assert "low-risk" not in verbose
    assert "| low | chat.reply (接待), order.view (订单查看) | acme-tmall/小王 |" in verbose


def test_a_5000_change_plan_stays_under_the_github_limit() -> None:
    plan = huge_plan()
    text = render_markdown(plan)
    assert size(text) <= GITHUB_COMMENT_LIMIT
    assert text.startswith(f"### {summary_line(plan)}\n")
    assert "Plan: 1667 to create, 1667 to update, 1666 to delete (2499 manual)." in text
    assert NOTE in text and "provisioner plan --format json" in text
    assert text.rstrip().endswith("saved plan artifact.")
    # the access delta is kept before any detail, critical grants first
    access = text[text.index("#### Access changes") :]
    assert "| agent.0000 | gains | **critical** |" in access
    assert "| acme-tmall/王小明0000 |" in access
    assert "more access lines: see the full plan" in access


def test_a_tighter_limit_is_never_exceeded() -> None:
    plan = huge_plan(300)
    for limit in (60_000, 20_000, 5_000, 1_200, 400, 50):
        assert size(render_markdown(plan, limit=limit)) <= limit


def test_details_are_shortened_before_they_are_dropped(rich_plan: Plan) -> None:
    whole = render_markdown(rich_plan)
    text = render_markdown(rich_plan, limit=len(whole) - 200)
    assert NOTE in text
    assert "#### Access changes" in text and "#### Warnings" in text
    assert "more changes in this shop" in text or "acme-ks (kuaishou)" not in text


def test_names_cannot_break_the_table_or_ping_anyone() -> None:
    name = "客服|01 <b>@all</b> *[x](y)*"
    plan = Plan(
        access_delta=(AccessChange("@team", "acme", name, "chat.reply", "low", "gain"),),
        unmanaged=(Unmanaged(Address("acme", "account", name), "tmall", "report"),),
    )
    text = render_markdown(plan)
    assert "客服\\|01 \\<b\\>@\u200ball\\</b\\> \\*\\[x\\](y)\\*" in text
    assert "| @\u200bteam |" in text
    assert "@t" not in text.replace("@\u200b", "")


def test_a_backtick_fence_in_a_name_cannot_close_the_code_block() -> None:
    change = Change(Address("s", "account", "a```b"), "tmall", "create", "api", "```")
    text = render_markdown(Plan(changes=(change,)))
    assert "````diff\n+ s/account/a```b\n" in text
