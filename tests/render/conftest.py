"""Plans the renderer tests share: a small one with every kind of content, and a huge one."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from provisioner.plan.model import AccessChange, Drift, PendingTask, Plan, Unmanaged
from provisioner.resources import Address, Change, FieldChange, Resource

GOLDEN = Path(__file__).parent / "golden"


def account(shop: str, nickname: str) -> Address:
    return Address(shop, "account", nickname)


def _changes() -> tuple[Change, ...]:
    role = Change(
        Address("acme-tmall", "role", "shop-manager"),
        "tmall",
        "create",
        "api",
        "role template used by 浩哥, not on the shop yet",
        (
            FieldChange(
                "permissions", None, ("finance.view", "order.modify_price", "product.edit")
            ),
            FieldChange("native", None, ("sell", "sm")),
        ),
    )
    return (
        role,
        Change(
            account("acme-tmall", "小王"),
            "tmall",
            "create",
            "api",
            "new account for wang.xiaoming",
            (
                FieldChange("status", None, "active"),
                FieldChange("roles", None, ("presales",)),
                FieldChange("dispatch", None, True),
                FieldChange("reception_limit", None, 80),
                FieldChange("schedule", None, "daytime"),
                FieldChange("groups", None, ()),
            ),
            agent="wang.xiaoming",
        ),
        Change(
            account("acme-tmall", "浩哥"),
            "tmall",
            "update",
            "manual",
            "roles changed in config: sun.hao is promoted to shop manager",
            (FieldChange("roles", ("cs-lead",), ("shop-manager",)),),
            remote_id="tm-3003",
            agent="sun.hao",
            depends_on=(role.key,),
        ),
        Change(
            account("acme-tmall", "磊磊"),
            "tmall",
            "update",
            "api",
            "dispatch and reception limit changed in config",
            (
                FieldChange("dispatch", True, False),
                FieldChange("reception_limit", 50, 80),
                FieldChange("schedule", None, "evening-weekend"),
            ),
            remote_id="tm-1001",
            agent="zhao.lei",
        ),
        Change(
            Address("acme-tmall", "group", "售前组"),
            "tmall",
            "update",
            "api",
            "members changed",
            (FieldChange("members", ("阿杰",), ("小王", "阿杰")),),
        ),
        Change(
            account("acme-pdd", "丽丽"),
            "pinduoduo",
            "create",
            "manual",
            "new account for huang.li; pinduoduo has no account API",
            (FieldChange("status", None, "active"), FieldChange("roles", None, ("aftersales",))),
            agent="huang.li",
        ),
        Change(
            account("acme-pdd", "阿杰"),
            "pinduoduo",
            "delete",
            "manual",
            "zhou.jie was removed from the config",
            (
                FieldChange("status", "active", None),
                FieldChange("roles", ("aftersales",), None),
                FieldChange("schedule", None, None),
            ),
            agent="zhou.jie",
        ),
        Change(
            account("acme-ks", "老张"),
            "kuaishou",
            "delete",
            "api",
            "unmanaged account and the shop says unmanaged: remove",
            (FieldChange("status", "active", None), FieldChange("roles", ("客服",), None)),
            remote_id="ks-2002",
        ),
    )


def _access() -> tuple[AccessChange, ...]:
    return (
        AccessChange("wang.xiaoming", "acme-tmall", "小王", "chat.reply", "low", "gain"),
        AccessChange("wang.xiaoming", "acme-tmall", "小王", "order.view", "low", "gain"),
        AccessChange("sun.hao", "acme-tmall", "浩哥", "product.edit", "high", "gain"),
        AccessChange("sun.hao", "acme-tmall", "浩哥", "finance.view", "critical", "gain"),
        AccessChange("sun.hao", "acme-tmall", "浩哥", "order.modify_price", "high", "gain"),
        AccessChange("huang.li", "acme-pdd", "丽丽", "refund.request", "medium", "gain"),
        AccessChange("zhou.jie", "acme-pdd", "阿杰", "refund.request", "medium", "loss"),
        AccessChange("zhou.jie", "acme-pdd", "阿杰", "order.view", "low", "loss"),
    )


def make_rich_plan() -> Plan:
    """Every part a plan can have, small enough to read in a golden file."""
    return Plan(
        changes=_changes(),
        unchanged=40,
        drift=(Drift(account("acme-tmall", "磊磊"), "dispatch", True, False),),
        unmanaged=(
            Unmanaged(
                account("acme-tmall", "临时_客服|01"),
                "tmall",
                "report",
                (("status", "active"), ("roles", ("客服",))),
            ),
            Unmanaged(account("acme-ks", "老张"), "kuaishou", "remove", (("status", "active"),)),
            Unmanaged(account("acme-ks", "不管"), "kuaishou", "ignore"),
        ),
        access_delta=_access(),
        pending=(
            PendingTask(
                7, account("acme-pdd", "鑫鑫"), "create", "在拼多多商家后台新增子账号 鑫鑫"
            ),
        ),
        warnings=("permission team.manage has no mapping on pinduoduo: it is not granted there",),
        unsafe=("acme-pdd: 1 of 2 managed accounts (50%) would be deleted; the limit is 30%",),
        adopt=(
            Resource(
                Address("acme-tmall", "group", "售后组"),
                {"description": "售后", "members": ("磊磊",)},
                "g-9",
            ),
        ),
        forget=(account("acme-old", "旧号"),),
        platforms=(("acme-ks", "kuaishou"), ("acme-pdd", "pinduoduo"), ("acme-tmall", "tmall")),
        # zhou.jie has left the config: the plan knows no name for them, so shows the id alone
        people=(("huang.li", "黄丽"), ("sun.hao", "孙浩"), ("wang.xiaoming", "王小明")),
        config_digest="sha256:" + "c" * 64,
        state_digest="sha256:" + "5" * 64,
        digest="sha256:" + "d" * 64,
        config_path="examples/acme",
        created_at="2025-01-31T09:30:00+00:00",
    )


@pytest.fixture
def rich_plan() -> Plan:
    return make_rich_plan()


@pytest.fixture
def golden() -> Callable[[str, str], None]:
    """Compare text with tests/render/golden/NAME; UPDATE_GOLDEN=1 rewrites the file instead."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if os.environ.get("UPDATE_GOLDEN"):
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8")

    return check
