"""`provisioner report` renderers: Markdown, CSV (always with a UTF-8 BOM) and HTML, escaped."""

from __future__ import annotations

import csv
import io

import pytest

from provisioner.plan.inventory import AccountAccess
from provisioner.render.html import report_html
from provisioner.render.report import BOM, COLUMNS, ReportInfo, report_csv, report_markdown

INFO = ReportInfo(
    "2026-12-02 14:30:00 +0800", "Asia/Shanghai", "0123abc", ("acme-tmall", "acme-pdd")
)


@pytest.fixture
def rows() -> tuple[AccountAccess, ...]:
    def row(
        agent: str, name: str, shop: str, platform: str, nickname: str, *rest: object
    ) -> AccountAccess:
        return AccountAccess(shop, platform, nickname, agent, name, *rest)  # type: ignore[arg-type]

    return (
        row(
            "wang.xiaoming", "王小明", "acme-tmall", "tmall", "小王", "managed", "active", (),
            ("lead",), ("refund.approve", "chat.reply"), "high",
        ),
        row(
            "wang.xiaoming", "王小明", "acme-pdd", "pinduoduo", "<script>alert(1)</script>",
            "managed", "disabled", ("deletion #3",), ("empty",), (), "",
        ),
        row(
            "(unmanaged)", "", "acme-tmall", "tmall", "路人", "unmanaged", "active", (),
            ("财务岗",), (), "", ("财务岗",),
        ),
    )  # fmt: skip


def test_csv_starts_with_a_bom_and_parses_back(rows: tuple[AccountAccess, ...]) -> None:
    text = report_csv(rows)
    assert text.startswith(BOM)
    parsed = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert tuple(parsed[0]) == COLUMNS
    assert [(r["nickname"], r["permission"], r["risk"]) for r in parsed] == [
        ("小王", "refund.approve", "high"),
        ("小王", "chat.reply", "low"),
        ("<script>alert(1)</script>", "", ""),  # an account granting nothing still has a row
        ("路人", "", ""),
    ]
    assert parsed[2]["pending"] == "deletion #3" and parsed[2]["status"] == "disabled"


def test_markdown_has_the_matrix_and_every_account_escaped(rows: tuple[AccountAccess, ...]) -> None:
    text = report_markdown(rows, INFO)
    assert text.startswith("# Access report\n\nGenerated 2026-12-02 14:30:00 +0800 (Asia/Shanghai)")
    assert "git commit 0123abc" in text
    assert "| wang.xiaoming | **high** | none |" in text
    assert "| (unmanaged) | none | none |" in text
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "财务岗 (permissions unknown)" in text


def test_html_is_self_contained_and_escaped(rows: tuple[AccountAccess, ...]) -> None:
    page = report_html(rows, INFO)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    assert page.count("<script") == 1 and "<script src" not in page
    assert "Generated 2026-12-02 14:30:00 +0800 (Asia/Shanghai), git commit 0123abc." in page
