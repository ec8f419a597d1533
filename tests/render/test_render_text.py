"""The terminal rendering, as a person running `provisioner plan` reads it."""

from __future__ import annotations

import re
from collections.abc import Callable

from provisioner.plan.model import AccessChange, Drift, PendingTask, Plan, Unmanaged
from provisioner.render.text import render_text
from provisioner.render.values import display_width
from provisioner.resources import Address, Change, FieldChange

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def test_rich_plan_matches_golden(rich_plan: Plan, golden: Callable[[str, str], None]) -> None:
    golden("plan.txt", render_text(rich_plan))


def test_sections_come_in_reading_order(rich_plan: Plan) -> None:
    text = render_text(rich_plan)
    markers = [
        "Plan: 3 to create, 3 to update, 2 to delete (3 manual).\n\nAccess changes",
        "acme-tmall (tmall)",
        "acme-pdd (pinduoduo)",
        "Pending manual tasks",
        "Drift",
        "Unmanaged accounts",
        "Warning:",
        "Apply will refuse this plan without --force:",
    ]
    positions = [text.index(marker) for marker in markers]
    assert positions == sorted(positions)
    assert text.endswith("Plan: 3 to create, 3 to update, 2 to delete (3 manual).\n")
    assert text.startswith("Plan: 3 to create, 3 to update, 2 to delete (3 manual).\n\n")


def test_no_colour_unless_asked(rich_plan: Plan) -> None:
    assert "\x1b" not in render_text(rich_plan)


def test_colour_marks_creates_green_updates_yellow_deletes_red(rich_plan: Plan) -> None:
    text = render_text(rich_plan, color=True)
    assert "\x1b[32m  + acme-tmall/account/小王\x1b[0m" in text
    assert "\x1b[33m  ~ acme-tmall/account/磊磊\x1b[0m" in text
    assert "\x1b[31m  - acme-ks/account/老张\x1b[0m" in text
    assert "\x1b[31mApply will refuse this plan without --force:\x1b[0m" in text
    assert ANSI.sub("", text) == render_text(rich_plan)


def test_access_delta_leads_with_the_most_dangerous_person(rich_plan: Plan) -> None:
    text = render_text(rich_plan)
    access = text.split("\n\n", 1)[1]
    assert access.startswith("Access changes by person, critical and high risk first (low-risk ")
    assert (
        "\n\n  孙浩 (sun.hao)\n    + gains  critical  finance.view (财务查看)  on acme-tmall/浩哥"
        in access
    )
    assert "\n\n  zhou.jie\n" in access  # offboarded: the config no longer names them


def test_low_risk_permissions_are_counted_unless_verbose(rich_plan: Plan) -> None:
    text = render_text(rich_plan)
    assert "    + gains  low       +2 low-risk  on acme-tmall/小王\n" in text
    assert "    - loses  low       -1 low-risk  on acme-pdd/阿杰\n" in text
    assert "chat.reply (接待)" not in text
    verbose = render_text(rich_plan, verbose=True)
    assert "low-risk" not in verbose
    assert (
        "    + gains  low       chat.reply (接待), order.view (订单查看)  on acme-tmall/小王\n"
        in verbose
    )


def test_long_lines_fold_under_their_column_and_lose_nothing(rich_plan: Plan) -> None:
    wide = render_text(rich_plan, verbose=True)
    narrow = render_text(rich_plan, verbose=True, width=66)
    assert max(display_width(line) for line in wide.splitlines()) > 66
    assert all(display_width(line) <= 66 for line in narrow.splitlines())
    assert (
        "    + gains  high      order.modify_price (改价),\n"
        "                       product.edit (商品编辑)\n"
        "                       on acme-tmall/浩哥\n"
    ) in render_text(rich_plan, width=70)
    assert "  # new account for huang.li; pinduoduo has no account\n        API\n" in render_text(
        rich_plan, width=60
    )
    assert _words(narrow) == _words(wide)


def _words(text: str) -> list[str]:
    # Folding only moves text to the next line: the same characters, spaces aside.
    return "".join(text.split()).split()


def test_empty_plan_says_no_changes() -> None:
    assert render_text(Plan()) == "No changes.\n"


def test_no_changes_still_lists_pending_tasks_drift_and_unmanaged() -> None:
    address = Address("acme-pdd", "account", "鑫鑫")
    plan = Plan(
        pending=(PendingTask(3, address, "create", "新增子账号 鑫鑫"),),
        drift=(Drift(Address("acme-tmall", "account", "磊磊"), "dispatch", True, False),),
        unmanaged=(Unmanaged(Address("acme-tmall", "account", "临时"), "tmall", "report"),),
    )
    text = render_text(plan)
    assert "#3 create acme-pdd/account/鑫鑫: 新增子账号 鑫鑫" in text
    assert "acme-tmall/account/磊磊  dispatch: true -> false" in text
    assert "acme-tmall/account/临时 (tmall): report" in text
    assert text.endswith("\n\nNo changes.\n")


def test_creates_hide_empty_fields_and_updates_show_before_and_after() -> None:
    address = Address("s", "account", "a")
    create = Change(
        address,
        "tmall",
        "create",
        "api",
        "",
        (FieldChange("roles", None, ()), FieldChange("schedule", None, None)),
    )
    update = Change(
        address, "tmall", "update", "api", "", (FieldChange("groups", (), ("售前组",)),)
    )
    text = render_text(Plan(changes=(create, update)))
    assert "roles" not in text and "schedule" not in text and "None" not in text
    assert "groups: [] -> [售前组]" in text


def test_control_characters_from_a_platform_cannot_reach_the_terminal() -> None:
    nasty = "坏\x1b[2J\x07人"
    plan = Plan(
        unmanaged=(
            Unmanaged(Address("s", "account", nasty), "tmall", "report", (("roles", (nasty,)),)),
        ),
        access_delta=(AccessChange(nasty, "s", nasty, "chat.reply", "low", "gain"),),
    )
    text = render_text(plan)
    assert "\x1b" not in text and "\x07" not in text
    assert "坏\\x1b[2J\\x07人" in text


def test_a_create_split_in_two_is_one_create_not_an_update() -> None:
    # Kuaishou creates the account by API; its schedule is a manual step on the same account.
    address = Address("acme-ks", "account", "小王")
    other = Address("acme-ks", "account", "小李")
    changes = (
        Change(address, "kuaishou", "create", "api", "new", (FieldChange("status", None, "active"),)),
        Change(address, "kuaishou", "update", "manual", "new",
               (FieldChange("schedule", None, "daytime"),)),
        Change(other, "kuaishou", "update", "api", "config", (FieldChange("reception_limit", 80, 90),)),
    )  # fmt: skip
    plan = Plan(changes=changes)
    assert (plan.summary.create, plan.summary.update, plan.summary.manual) == (1, 1, 1)
    assert render_text(plan).endswith("Plan: 1 to create, 1 to update, 0 to delete (1 manual).\n")
