"""Markdown and HTML building blocks for GitHub comments: text that cannot turn into markup."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from provisioner.render.values import clean

# Any ASCII punctuation may be backslash-escaped in CommonMark; these are the ones that can
# start emphasis, links, code, headings, lists, tables, strikethrough or raw HTML.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")
# GitHub turns "@name" into a mention that notifies people: a zero-width space after the "@"
# keeps the text as written and notifies nobody.
_MENTION = "@\u200b"


def escape(text: str) -> str:
    """Literal inline Markdown, safe inside a table cell or a list item."""
    return _SPECIAL.sub(r"\\\1", clean(text)).replace("@", _MENTION)


def escape_html(text: str) -> str:
    """Literal text inside raw HTML such as `<summary>`."""
    return html.escape(clean(text)).replace("@", _MENTION)


def table_row(cells: Iterable[str]) -> str:
    """One row; the cells must already be escaped."""
    return "| " + " | ".join(cells) + " |\n"


def table_head(*titles: str) -> str:
    return table_row(titles) + table_row("---" for _ in titles)


def fence(lines: Iterable[str]) -> str:
    """The backtick run that opens a code block no line inside can close."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)
