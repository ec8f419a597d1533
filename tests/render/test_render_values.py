"""The small pieces every renderer shares: values, escaping, fitting under a limit."""

from __future__ import annotations

import pytest

from provisioner.render.budget import Section, fit, size
from provisioner.render.markup import escape, escape_html, fence
from provisioner.render.values import display_width, format_value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "(unset)"),
        (True, "true"),
        (False, "false"),
        (0, "0"),
        ("", '""'),
        ("售前组", "售前组"),
        ((), "[]"),
        (("a", "b"), "[a, b]"),
        ("a\nb", "a\\nb"),
    ],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("sun.hao", "sun.hao"),
        ("acme-pdd/丽丽", "acme-pdd/丽丽"),
        ("1. 第一", "1\\. 第一"),
        ("2) 第二", "2\\) 第二"),
        ("# 标题", "\\# 标题"),
        ("- 列表", "\\- 列表"),
        ("a|b", "a\\|b"),
        ("x_y*z`~", "x\\_y\\*z\\`\\~"),
        ("[link](u)", "\\[link\\](u)"),
        ("<b>&amp;", "\\<b\\>\\&amp;"),
        ("@all", "@\u200ball"),
    ],
)
def test_markdown_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_html_escape_in_summary_tags() -> None:
    assert escape_html("<i>&@x") == "&lt;i&gt;&amp;@\u200bx"


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fence(["plain"]) == "```"
    assert fence(["a ```` b"]) == "`````"


def test_display_width_counts_cjk_twice() -> None:
    assert display_width("ab小王") == 6


def test_size_counts_utf16_units_like_github() -> None:
    assert size("小王") == 2
    assert size("😀") == 2


def test_fit_keeps_priority_order_for_room_and_reading_order_for_output() -> None:
    more = lambda n: f"[+{n}]"  # noqa: E731
    first = Section(0, "A:", ("1", "2", "3"), ";", more)
    second = Section(1, "B:", ("x" * 50,))
    third = Section(2, "C:", ("4", "5", "6", "7"), ";", more)
    assert fit([first, second, third], 100, "!") == "A:123;B:" + "x" * 50 + "C:4567;"
    assert fit([third, second, first], 20, "!") == "C:4567;A:123;!"
    assert fit([first, second, third], 12, "!") == "A:123;!"
    pairs = Section(0, "C:", ("44", "55", "66", "77"), ";", more)
    assert fit([pairs], 10, "!") == "C:44[+3];!"


def test_fit_drops_a_section_when_not_one_item_fits() -> None:
    section = Section(0, "HEAD:", ("long item",), ";", lambda n: f"+{n}")
    assert fit([section], 8, "!") == "!"
