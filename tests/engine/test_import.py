"""`provisioner import`: what a readable shop has live, as YAML that re-plans to no changes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from engine_project import Project, account, agent, config

KS_ROLES: dict[str, Any] = {
    "presales": {
        "permissions": ["chat.reply", "order.view"],
        "native": {"kuaishou": {"roles": ["客服"]}},
    },
    "aftersales": {
        "extends": ["presales"],
        "permissions": ["refund.view"],
        "native": {"kuaishou": {"roles": ["客服", "售后客服"]}},
    },
}
SHOPS: dict[str, Any] = {
    "tm": {"platform": "tmall", "main_account": "acme旗舰店", "endpoint": "sandbox"},
    # Kuaishou cannot list dispatch groups (only read one by its recorded id), so a shop whose
    # state is forgotten has no groups to import: see test_kuaishou_groups.py.
    "ks": {"platform": "kuaishou", "endpoint": "sandbox"},
    "jd": {"platform": "jd", "endpoint": "sandbox"},
}
PHONE = "13800000001"


def staffed() -> dict[str, Any]:
    people = {
        "wang": agent(
            "王",
            {**account("tm", "小王", "aftersales"), "dispatch": True},
            account("ks", "小王"),
            phone=PHONE,
        ),
        "li": agent("李", account("ks", "小李", "aftersales"), status="active", phone=PHONE),
        "zhao": agent("赵", account("tm", "小赵"), account("jd", "xiaozhao"), status="disabled"),
        "liu": agent("刘", account("jd", "xiaoliu", "aftersales")),
    }
    return config(SHOPS, people, roles=KS_ROLES)


def forgotten(project: Project) -> None:
    """The accounts exist on the platforms, but neither the config nor the state knows them."""
    project.write(config(SHOPS, {}, roles=KS_ROLES))
    for suffix in ("", "-wal", "-shm"):
        project.db.with_name(project.db.name + suffix).unlink(missing_ok=True)


@pytest.mark.parametrize("shop", ["tm", "ks", "jd"])
def test_imported_accounts_plan_to_no_changes(project: Project, shop: str) -> None:
    project.write(staffed())
    project.converge()
    forgotten(project)
    unmanaged = {u["address"] for u in project.plan_json("--shop", shop)["unmanaged"]}
    assert unmanaged, "the forgotten accounts are live and reported as unmanaged"

    result = project.ok("import", "--shop", shop, "--out", "imported.yaml")
    assert "Imported" in result.err
    imported = project.root / "imported.yaml"
    text = imported.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server")
    if shop == "ks":  # what the header asks for: Kuaishou needs each agent's contact phone
        assert "Kuaishou needs each agent's contact phone" in text
        assert project.run("validate").code == 1
        text = re.sub(r'^(  "ks\.[^"]+":)$', rf'\1\n    phone: "{PHONE}"', text, flags=re.M)
        imported.write_text(text, encoding="utf-8")

    plan = project.plan_json("--shop", shop)
    assert plan["changes"] == []
    assert plan["unmanaged"] == []
    assert plan["access_delta"] == []
    project.ok("apply", "--auto-approve", "--shop", shop)  # records what was imported
    assert {a.split("/", 2)[2] for a in project.recorded() if a.startswith(f"{shop}/account/")} == {
        a.rsplit("/", 1)[1] for a in unmanaged
    }
    assert project.run("plan", "--shop", shop, "--detailed-exitcode").code == 0


def test_a_disabled_account_is_imported_as_a_disabled_agent(project: Project) -> None:
    project.write(staffed())
    project.converge()
    project.write(config(SHOPS, {"zhao": agent("赵", account("tm", "小赵"))}, roles=KS_ROLES))
    project.converge()  # 小赵 now exists; disable him outside provisioner's records
    project.write(
        config(
            SHOPS, {"zhao": agent("赵", account("tm", "小赵"), status="disabled")}, roles=KS_ROLES
        )
    )
    project.converge()
    forgotten(project)
    imported = project.ok("import", "--shop", "tm").out
    assert '"tm.小赵":\n    status: "disabled"' in imported


def test_import_needs_a_platform_that_can_list_accounts(project: Project) -> None:
    project.write(config({"pdd": {"platform": "pinduoduo"}}, {}))
    result = project.run("import", "--shop", "pdd")
    assert result.code == 1
    assert "cannot list accounts" in result.err


def test_import_of_an_unknown_shop_is_one_clear_error(project: Project) -> None:
    project.write(config(SHOPS, {}, roles=KS_ROLES))
    result = project.run("import", "--shop", "tmal")
    assert result.code == 1
    assert "unknown shop 'tmal'; did you mean 'tm'?" in result.err
