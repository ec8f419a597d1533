"""`plan --format json` is the versioned contract of DESIGN §5: keys, summary counts, changes."""

from __future__ import annotations

import json
import re
from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop

TOP_KEYS = [
    "format_version",
    "digest",
    "summary",
    "access_delta",
    "changes",
    "drift",
    "unmanaged",
    "warnings",
]
CHANGE_KEYS = [
    "address",
    "shop",
    "platform",
    "kind",
    "name",
    "action",
    "execution",
    "reason",
    "fields",
]
PLATFORMS = {"mem": "memory", "pdd": "pinduoduo", "jd": "jd"}
SHOPS = {"mem": memory_shop(), "pdd": manual_shop(), "jd": manual_shop("jd")}


def before(project: Project) -> None:
    agents = {
        "wang.xiaoming": agent("王小明", account("mem", "小王"), account("pdd", "小王")),
        "li.na": agent("李娜", account("mem", "小李"), account("jd", "小李")),
    }
    project.write(config(SHOPS, agents))
    project.converge()


def after(project: Project) -> None:
    """Every kind of change at once, plus drift and an unmanaged account on the platform."""
    agents = {
        "li.na": agent("李娜", account("mem", "小李", "aftersales"), account("jd", "小李")),
        "zhao.lei": agent("赵磊", account("mem", "小赵"), account("pdd", "小赵")),
    }
    project.write(config(SHOPS, agents))
    project.put_live("mem", "account/路人", status="active", roles=[])
    project.put_live("mem", "role/presales", native=["outside"])


def is_field_value(value: Any) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return value is None or isinstance(value, str | int | bool)


def assert_change_shape(change: dict[str, Any]) -> None:
    assert set(change) >= set(CHANGE_KEYS)
    assert change["address"] == f"{change['shop']}/{change['kind']}/{change['name']}"
    assert change["platform"] == PLATFORMS[change["shop"]]
    assert change["kind"] in {"account", "role", "group"}
    assert change["action"] in {"create", "update", "delete"}
    assert change["execution"] in {"api", "manual"}
    assert isinstance(change["reason"], str)
    assert change["reason"]
    assert change["fields"]
    for field in change["fields"]:
        assert list(field) == ["field", "before", "after"]
        assert is_field_value(field["before"])
        assert is_field_value(field["after"])
        if change["action"] == "create":
            assert field["before"] is None
        if change["action"] == "delete":
            assert field["after"] is None
    if change["platform"] != "memory":
        assert change["execution"] == "manual"


def test_the_json_plan_matches_the_contract(project: Project) -> None:
    before(project)
    after(project)
    result = project.run("plan", "--format", "json", "--detailed-exitcode")
    assert result.code == 2
    doc = json.loads(result.out)

    assert list(doc)[: len(TOP_KEYS)] == TOP_KEYS
    assert doc["format_version"] == "1"
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", doc["digest"])

    changes = doc["changes"]
    assert list(doc["summary"]) == ["create", "update", "delete", "manual", "unchanged"]
    assert doc["summary"] == {
        "create": sum(c["action"] == "create" for c in changes),
        "update": sum(c["action"] == "update" for c in changes),
        "delete": sum(c["action"] == "delete" for c in changes),
        "manual": sum(c["execution"] == "manual" for c in changes),
        "unchanged": doc["summary"]["unchanged"],
    }
    assert isinstance(doc["summary"]["unchanged"], int)
    assert doc["summary"]["unchanged"] > 0

    for change in changes:
        assert_change_shape(change)

    seen = {(c["address"], c["action"], c["execution"]) for c in changes}
    assert {
        ("mem/account/小赵", "create", "api"),
        ("pdd/account/小赵", "create", "manual"),
        ("mem/account/小李", "update", "api"),
        ("mem/account/小王", "delete", "api"),
        ("pdd/account/小王", "delete", "manual"),
    } <= seen
    (update,) = [c for c in changes if c["address"] == "mem/account/小李"]
    assert update["fields"] == [{"field": "roles", "before": ["presales"], "after": ["aftersales"]}]

    (drift,) = doc["drift"]
    assert drift["address"] == "mem/role/presales"
    assert (drift["field"], drift["recorded"], drift["live"]) == ("native", [], ["outside"])
    (unmanaged,) = doc["unmanaged"]
    assert unmanaged["address"] == "mem/account/路人"
    assert unmanaged["mode"] == "report"

    delta = doc["access_delta"]
    assert delta
    for entry in delta:
        assert set(entry) >= {"agent", "shop", "nickname", "permission", "risk", "direction"}
        assert entry["direction"] in {"gain", "loss"}
    risks = ["low", "medium", "high", "critical"]
    ranks = [-risks.index(entry["risk"]) for entry in delta]
    assert ranks == sorted(ranks)  # riskiest first
    assert {"li.na", "zhao.lei", "wang.xiaoming"} == {entry["agent"] for entry in delta}
    assert isinstance(doc["warnings"], list)

    text = project.ok("plan").out
    summary = doc["summary"]
    assert (
        f"Plan: {summary['create']} to create, {summary['update']} to update, "
        f"{summary['delete']} to delete ({summary['manual']} manual)."
    ) in text


def test_the_json_plan_is_deterministic_and_equals_the_saved_plan(project: Project) -> None:
    before(project)
    after(project)
    first = project.plan_json()
    second = project.plan_json()
    project.ok("plan", "--out", "p.json")
    saved = json.loads((project.root / "p.json").read_text(encoding="utf-8"))
    for doc in (first, second, saved):
        doc.pop("created_at")
    assert first == second == saved


def test_no_changes_is_an_empty_change_list(project: Project) -> None:
    before(project)
    doc = project.plan_json()
    assert doc["changes"] == []
    assert doc["summary"] == {"create": 0, "update": 0, "delete": 0, "manual": 0, "unchanged": 7}
    assert doc["access_delta"] == []
