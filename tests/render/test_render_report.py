"""`provisioner report`: who has which permission where, in Markdown, CSV and HTML."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from provisioner.config.loader import load_config
from provisioner.model import Config, mask_phone
from provisioner.render.report import (
    COLUMNS,
    AccessRow,
    access_rows,
    report_csv,
    report_html,
    report_markdown,
)

CANARY_PHONE = "13912345678"
EXAMPLE = Path(__file__).parents[2] / "examples" / "acme"


@pytest.fixture
def config() -> Config:
    return Config.model_validate(
        {
            "version": 1,
            "shops": {
                "acme-tmall": {"platform": "tmall"},
                "acme-pdd": {"platform": "pinduoduo"},
            },
            "roles": {
                "presales": {"permissions": ("chat.reply", "order.view")},
                "lead": {"extends": ("presales",), "permissions": ("refund.approve",)},
                "empty": {},
            },
            "agents": {
                "wang.xiaoming": {
                    "name": "王小明",
                    "phone": CANARY_PHONE,
                    "accounts": (
                        {"shop": "acme-tmall", "nickname": "小王", "roles": ("lead",)},
                        {
                            "shop": "acme-pdd",
                            "nickname": "<script>alert(1)</script>",
                            "roles": ("empty",),
                        },
                    ),
                },
                "li.na": {
                    "status": "disabled",
                    "accounts": ({"shop": "acme-pdd", "nickname": "娜娜", "roles": ("presales",)},),
                },
            },
        }
    )


def test_rows_resolve_role_templates_through_extends(config: Config) -> None:
    rows = access_rows(config)
    xiaowang = [row for row in rows if row.nickname == "小王"]
    assert [(row.permission, row.risk) for row in xiaowang] == [
        ("refund.approve", "high"),
        ("chat.reply", "low"),
        ("order.view", "low"),
    ]
    assert xiaowang[0] == AccessRow(
        agent="wang.xiaoming",
        name="王小明",
        shop="acme-tmall",
        platform="tmall",
        nickname="小王",
        status="active",
        roles=("lead",),
        permission="refund.approve",
        risk="high",
    )


def test_an_account_without_permissions_is_still_listed(config: Config) -> None:
    rows = [
        row
        for row in access_rows(config)
        if row.shop == "acme-pdd" and row.agent == "wang.xiaoming"
    ]
    assert len(rows) == 1
    assert (rows[0].roles, rows[0].permission, rows[0].risk) == (("empty",), "", "")


def test_rows_are_ordered_by_person_then_account(config: Config) -> None:
    rows = access_rows(config)
    assert [row.agent for row in rows] == ["li.na", "li.na"] + ["wang.xiaoming"] * 4
    assert rows[0].status == "disabled"


def test_csv_parses_back(config: Config) -> None:
    rows = access_rows(config)
    parsed = list(csv.DictReader(io.StringIO(report_csv(rows))))
    assert tuple(parsed[0]) == COLUMNS
    again = [
        AccessRow(**{**record, "roles": tuple(filter(None, record["roles"].split(",")))})  # type: ignore[arg-type]
        for record in parsed
    ]
    assert tuple(again) == rows


def test_html_is_self_contained_and_escaped(config: Config) -> None:
    page = report_html(access_rows(config))
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http" not in page and "<link" not in page
    assert '<tr class="high active">' in page


def test_markdown_is_a_table_with_escaped_cells(config: Config) -> None:
    text = report_markdown(access_rows(config))
    assert text.startswith(
        "# Access report\n\n2 people, 3 accounts; permissions granted: 0 critical, 1 high"
    )
    assert (
        "| wang.xiaoming | 王小明 | acme-tmall | tmall | 小王 | active | lead | refund.approve | high |"
        in text
    )
    assert "\\<script\\>alert(1)\\</script\\>" in text


def test_phone_numbers_never_appear_not_even_masked(config: Config) -> None:
    rows = access_rows(config)
    for text in (report_markdown(rows), report_csv(rows), report_html(rows), repr(rows)):
        assert CANARY_PHONE not in text
        assert str(mask_phone(CANARY_PHONE)) not in text and "5678" not in text


def test_the_bundled_example_reports_every_account() -> None:
    loaded = load_config(EXAMPLE)
    rows = access_rows(loaded.config)
    declared = {
        (agent_id, account.shop, account.nickname)
        for agent_id, agent in loaded.config.agents.items()
        for account in agent.accounts
    }
    assert {(row.agent, row.shop, row.nickname) for row in rows} == declared
    phones = [agent.phone for agent in loaded.config.agents.values() if agent.phone]
    text = report_csv(rows) + report_html(rows) + report_markdown(rows)
    assert phones
    assert not [phone for phone in phones if phone in text or str(mask_phone(phone)) in text]
