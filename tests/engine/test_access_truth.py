"""The access delta from what the platforms really hold (issue 9's holes), end to end.

Each test sets a sandbox shop up through the real CLI, changes the back office by hand as a
person would (through the emulator), and checks what the reviewer sees (JSON and Markdown)
and what the platform holds afterwards.
"""

from __future__ import annotations

from typing import Any

import pytest
from engine_project import Project, agent, config, summary_of
from sandbox_office import KUAISHOU, TMALL, by_hand, create_by_hand, live_account, live_roles

ROLES: dict[str, Any] = {
    "presales": {
        "permissions": ["chat.reply", "order.view"],
        "native": {"kuaishou": {"roles": ["客服"]}},
    },
    "shop-manager": {
        "extends": ["presales"],
        "permissions": ["data.view", "finance.view"],
        "native": {"kuaishou": {"roles": ["客服", "客服主管", "财务"]}},
    },
}
FAMILY = {"tm": "top", "ks": "kuaishou"}


def manager(shop: str, **extra: Any) -> dict[str, Any]:
    account = {"shop": shop, "nickname": "小张", "roles": ["shop-manager"]}
    people = {"zhang.san": agent("张三", account, phone="13800000001", **extra)}
    return config({"tm": dict(TMALL), "ks": dict(KUAISHOU)}, people, roles=ROLES)


def markdown_access(project: Project) -> str:
    """The Markdown comment's access section (it comes before every shop's details)."""
    text = project.ok("plan", "--format", "markdown").out
    assert "#### Access changes" in text, text
    section = text.split("#### Access changes", 1)[1]
    return section.split("\n<details>", 1)[0]  # a shop's details start a line; a cell's do not


@pytest.mark.parametrize("shop", ["tm", "ks"])
def test_a_drift_undo_that_re_enables_an_account_is_in_the_access_delta(
    project: Project, shop: str
) -> None:
    family = FAMILY[shop]
    project.write(manager(shop))
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0

    by_hand(project, shop, family, "小张", disabled=True)  # someone disables it in the back office
    plan = project.plan_json()
    assert summary_of(plan) == [(f"{shop}/account/小张", "update", "api")]
    assert plan["changes"][0]["reason"].startswith("undo drift")
    first = plan["access_delta"][0]
    assert (first["agent"], first["permission"], first["risk"], first["direction"]) == (
        "zhang.san",
        "finance.view",
        "critical",
        "gain",
    )
    assert first["reason"].startswith("undo drift")
    assert {a["direction"] for a in plan["access_delta"]} == {"gain"}
    section = markdown_access(project)
    assert "zhang.san" in section
    assert "finance.view" in section
    assert "**critical**" in section

    project.ok("apply", "--auto-approve")
    found = live_account(project, shop, family, "小张")
    assert found is not None and not found.disabled
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_role_granted_by_hand_and_taken_back_is_a_loss(project: Project) -> None:
    project.write(manager("ks"))
    project.write(
        config(
            {"ks": dict(KUAISHOU)},
            {
                "li.si": agent(
                    "李四",
                    {"shop": "ks", "nickname": "小李", "roles": ["presales"]},
                    phone="13800000002",
                )
            },
            roles=ROLES,
        )
    )
    project.converge()
    by_hand(project, "ks", "kuaishou", "小李", roles=("客服", "财务"))  # 财务 added by hand

    plan = project.plan_json()
    assert summary_of(plan) == [("ks/account/小李", "update", "api")]
    assert [(a["agent"], a["permission"], a["direction"]) for a in plan["access_delta"]] == [
        ("li.si", "finance.view", "loss")
    ]
    project.ok("apply", "--auto-approve")
    assert live_roles(project, "ks", "kuaishou", "小李") == {"客服"}


def test_an_unmanaged_account_removed_loses_what_it_held(project: Project) -> None:
    shops = {"ks": {**KUAISHOU, "unmanaged": "remove"}}
    project.write(config(shops, {}, roles=ROLES))
    create_by_hand(project, "ks", "kuaishou", "路人", roles=("财务",))

    plan = project.plan_json()
    assert summary_of(plan) == [("ks/account/路人", "delete", "api")]
    assert [(a["agent"], a["permission"], a["direction"]) for a in plan["access_delta"]] == [
        ("(unmanaged)", "finance.view", "loss")
    ]
    assert "(unmanaged)" in markdown_access(project)
    project.ok("apply", "--auto-approve")
    assert live_account(project, "ks", "kuaishou", "路人") is None


def test_editing_a_role_template_shows_every_holder_gaining(project: Project) -> None:
    people = {
        "zhang.san": agent("张三", {"shop": "tm", "nickname": "小张", "roles": ["presales"]}),
        "li.si": agent("李四", {"shop": "tm", "nickname": "小李", "roles": ["presales"]}),
    }
    project.write(config({"tm": dict(TMALL)}, people, roles=ROLES))
    project.converge()
    edited = {**ROLES, "presales": {"permissions": ["chat.reply", "order.view", "refund.approve"]}}
    project.write(config({"tm": dict(TMALL)}, people, roles=edited))

    plan = project.plan_json()
    assert summary_of(plan) == [("tm/role/presales", "update", "manual")]  # TOP cannot edit roles
    gains = [(a["agent"], a["permission"], a["risk"], a["reason"]) for a in plan["access_delta"]]
    assert gains == [
        ("li.si", "refund.approve", "high", "role template presales changed"),
        ("zhang.san", "refund.approve", "high", "role template presales changed"),
    ]
