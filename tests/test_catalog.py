import dataclasses
import json
import re
from importlib import resources
from typing import Any

import pytest

from provisioner.catalog import (
    PLATFORMS,
    RISK_ORDER,
    Catalog,
    NativeMapping,
    load_catalog,
    parse_catalog,
)

# DESIGN §2, the permission table, in its order.
DESIGN_RISKS = {
    "chat.reply": "low",
    "chat.transfer": "low",
    "quick_reply.manage": "low",
    "order.view": "low",
    "logistics.view": "low",
    "product.view": "low",
    "refund.view": "low",
    "chat.history": "medium",
    "order.note": "medium",
    "order.modify_status": "medium",
    "order.modify_address": "medium",
    "refund.request": "medium",
    "logistics.ship": "medium",
    "data.view": "medium",
    "team.manage": "medium",
    "order.modify_price": "high",
    "refund.approve": "high",
    "product.edit": "high",
    "marketing.manage": "high",
    "finance.view": "critical",
    "finance.withdraw": "critical",
    "shop.settings": "critical",
    "subaccount.manage": "critical",
}
KUAISHOU_SANDBOX_ROLES = {"客服", "售后客服", "客服主管", "运营", "财务"}


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog()


def bundled_json() -> dict[str, Any]:
    text = resources.files("provisioner").joinpath("catalog.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def problems_of(data: object) -> str:
    with pytest.raises(ValueError) as info:
        parse_catalog(json.dumps(data, ensure_ascii=False), "test.json")
    return str(info.value)


# The vocabulary


def test_permissions_and_risks_are_exactly_those_of_the_design(catalog: Catalog) -> None:
    assert {name: p.risk for name, p in catalog.permissions.items()} == DESIGN_RISKS
    assert list(catalog.permissions) == list(DESIGN_RISKS)


def test_every_permission_has_a_short_chinese_label(catalog: Catalog) -> None:
    assert catalog.permissions["chat.reply"].label == "接待"
    for permission in catalog.permissions.values():
        assert re.search(r"[\u4e00-\u9fff]", permission.label), permission
        assert len(permission.label) <= 8, permission


def test_membership_and_lookup(catalog: Catalog) -> None:
    assert "order.view" in catalog
    assert "order.viwe" not in catalog
    assert 42 not in catalog
    assert catalog.get("order.view") == catalog.permissions["order.view"]
    assert catalog.get("order.viwe") is None


def test_risk_of_an_unknown_permission_is_a_key_error(catalog: Catalog) -> None:
    assert catalog.risk("finance.withdraw") == "critical"
    with pytest.raises(KeyError):
        catalog.risk("finance.steal")


def test_risk_rank_sorts_most_dangerous_first(catalog: Catalog) -> None:
    assert RISK_ORDER == ("critical", "high", "medium", "low")
    names = ["chat.reply", "data.view", "finance.view", "product.edit"]
    ranked = sorted(names, key=catalog.risk_rank)
    assert ranked == ["finance.view", "product.edit", "data.view", "chat.reply"]
    assert [catalog.risk_rank(n) for n in ranked] == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("finance.*", {"finance.view", "finance.withdraw"}),
        ("order.modify_*", {"order.modify_status", "order.modify_address", "order.modify_price"}),
        ("*.view", {n for n in DESIGN_RISKS if n.endswith(".view")}),
        ("product.edit", {"product.edit"}),
        ("*", set(DESIGN_RISKS)),
        ("finance", set()),
        ("Finance.*", set()),
        ("nothing.*", set()),
    ],
)
def test_match_globs_over_names(catalog: Catalog, pattern: str, expected: set[str]) -> None:
    assert catalog.match(pattern) == frozenset(expected)


# Platform mappings


def test_every_platform_maps_at_least_80_percent(catalog: Catalog) -> None:
    for platform in PLATFORMS:
        mapped = len(catalog.permissions) - len(catalog.unmapped(platform, catalog.permissions))
        assert mapped / len(catalog.permissions) >= 0.8, platform


def test_some_permissions_are_deliberately_unmapped(catalog: Catalog) -> None:
    assert catalog.unmapped("jd", ["quick_reply.manage", "chat.reply"]) == ("quick_reply.manage",)
    assert catalog.mapping("douyin", "finance.withdraw") is None
    assert catalog.unmapped("tmall", catalog.permissions) == ()


def test_unmapped_is_sorted_and_unique(catalog: Catalog) -> None:
    asked = ["quick_reply.manage", "order.modify_status", "quick_reply.manage", "order.view"]
    assert catalog.unmapped("jd", asked) == ("order.modify_status", "quick_reply.manage")


def test_unknown_platform_or_permission_counts_as_unmapped(catalog: Catalog) -> None:
    assert catalog.unmapped("amazon", ["order.view"]) == ("order.view",)
    assert catalog.unmapped("tmall", ["order.viwe"]) == ("order.viwe",)
    assert catalog.mapping("amazon", "order.view") is None


def test_a_bare_string_is_refused(catalog: Catalog) -> None:
    with pytest.raises(TypeError):
        catalog.unmapped("tmall", "order.view")
    with pytest.raises(TypeError):
        catalog.native_codes("tmall", "order.view")


def test_mapping_carries_the_back_office_label(catalog: Catalog) -> None:
    mapping = catalog.mapping("tmall", "product.edit")
    assert mapping == NativeMapping("tmall", "product.edit", "sell", "宝贝管理", verified=True)
    assert catalog.mapping("pinduoduo", "order.view") == NativeMapping(
        "pinduoduo", "order.view", None, "订单管理 > 订单查询"
    )


def test_native_codes_are_sorted_unique_and_skip_unknowns(catalog: Catalog) -> None:
    codes = catalog.native_codes("tmall", ["shop.settings", "product.edit", "chat.reply"])
    assert codes == ("cs-reception", "sell", "sm")
    assert catalog.native_codes("pinduoduo", ["order.view", "chat.reply"]) == ()
    assert catalog.native_codes("jd", ["quick_reply.manage"]) == ()
    assert catalog.native_codes("kuaishou", ["chat.reply", "chat.transfer"]) == ("客服",)


def test_tmall_and_taobao_share_top_codes(catalog: Catalog) -> None:
    for name in catalog.permissions:
        tmall, taobao = catalog.mapping("tmall", name), catalog.mapping("taobao", name)
        assert tmall is not None
        assert taobao is not None
        assert (tmall.native, tmall.label) == (taobao.native, taobao.label)
        assert tmall.native is not None
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", tmall.native), tmall


def test_kuaishou_maps_to_the_sandbox_platform_roles(catalog: Catalog) -> None:
    codes = catalog.native_codes("kuaishou", catalog.permissions)
    assert set(codes) == KUAISHOU_SANDBOX_ROLES


def test_every_label_is_chinese(catalog: Catalog) -> None:
    for platform in PLATFORMS:
        for mapping in catalog.mappings[platform].values():
            assert re.search(r"[\u4e00-\u9fff]", mapping.label), mapping


def test_placeholder_codes_are_marked_unverified(catalog: Catalog) -> None:
    verified = {
        m.native for p in PLATFORMS for m in catalog.mappings[p].values() if m.verified and m.native
    }
    assert verified == {"sell", "sm"}
    assert "unverified" in " ".join(bundled_json()["_comment"])


# Loading and validation


def test_load_catalog_reads_once(catalog: Catalog) -> None:
    assert load_catalog() is catalog


def test_catalog_values_are_immutable(catalog: Catalog) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalog.permissions["order.view"].risk = "critical"  # type: ignore[misc]
    with pytest.raises(TypeError):
        catalog.permissions["x.y"] = catalog.permissions["order.view"]  # type: ignore[index]
    with pytest.raises(TypeError):
        catalog.mappings["tmall"]["x.y"] = catalog.mappings["tmall"]["order.view"]  # type: ignore[index]


def test_bundled_json_round_trips_through_parse() -> None:
    data = bundled_json()
    assert parse_catalog(json.dumps(data)) == load_catalog()


def test_invalid_risk_is_reported() -> None:
    data = bundled_json()
    data["permissions"][0]["risk"] = "severe"
    message = problems_of(data)
    assert message.startswith("test.json: invalid permission catalog:")
    assert "permissions[0].risk: 'severe' is not one of critical, high, medium, low" in message


def test_mapping_of_an_unknown_permission_is_reported_with_a_suggestion() -> None:
    data = bundled_json()
    data["platforms"]["jd"]["order.viwe"] = {"native": None, "label": "订单"}
    assert (
        "platforms.jd: unknown permission 'order.viwe' (did you mean 'order.view'?)"
        in problems_of(data)
    )


def test_an_unknown_platform_is_reported_and_a_missing_one_maps_nothing() -> None:
    data = bundled_json()
    data["platforms"]["tmal"] = data["platforms"].pop("tmall")
    message = problems_of(data)
    assert "platforms: unknown key 'tmal' (did you mean 'tmall'?)" in message
    del data["platforms"]["tmal"]
    catalog = parse_catalog(json.dumps(data))  # a new platform needs no table to load
    assert catalog.unmapped("tmall", ["order.view"]) == ("order.view",)


def test_every_problem_is_reported_at_once() -> None:
    data = bundled_json()
    data["permissions"][1]["risk"] = "none"
    data["permissions"][2]["label"] = ""
    data["permissions"].append(dict(data["permissions"][3]))
    data["platforms"]["douyin"]["chat.reply"] = {"native": 7, "label": "接待", "unverified": "yes"}
    data["platforms"]["kuaishou"]["chat.reply"]["colour"] = "red"
    message = problems_of(data)
    assert message.splitlines()[1:] == [
        "  - permissions[1].risk: 'none' is not one of critical, high, medium, low",
        "  - permissions[2].label: must be a non-empty string",
        "  - permissions[23].name: 'order.view' is defined twice",
        "  - platforms.douyin[chat.reply].native: must be a non-empty string or null",
        "  - platforms.douyin[chat.reply].unverified: must be true or false",
        "  - platforms.kuaishou[chat.reply]: unknown key 'colour'",
    ]


def test_badly_formed_names_and_shapes_are_reported() -> None:
    message = problems_of({"permissions": [{"name": "Order View", "label": "x", "risk": "low"}]})
    assert "permissions[0].name: 'Order View' is not a dotted lower-case name" in message
    assert "platforms: must be an object" in message
    assert "permissions: must be a non-empty list" in problems_of({"platforms": {}})
    assert "catalog: must be an object" in problems_of([])


def test_duplicate_json_keys_are_refused() -> None:
    text = '{"permissions": [], "permissions": []}'
    with pytest.raises(ValueError, match="duplicate key 'permissions'"):
        parse_catalog(text, "dup.json")


def test_malformed_json_names_the_source() -> None:
    with pytest.raises(ValueError, match=r"^broken\.json: invalid permission catalog: Expecting"):
        parse_catalog("{", "broken.json")
