"""Markdown and HTML building blocks for GitHub comments: text that cannot turn into markup."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from provisioner.render.values import clean

# Characters that start emphasis, code, links, raw HTML, entities, strikethrough or a table
# cell anywhere in a line; the text stays readable because "." and "-" in names are left alone.
_INLINE = re.compile(r"([\\`*_\[\]<>|~&])")
# At the start of a cell or list item these would open a heading, a list or a quote.
_LEADING = re.compile(r"^(#|[-+=]|\d+(?=[.)]))")
# GitHub turns "@name" into a mention that notifies people: a zero-width space after the "@"
# keeps the text as written and notifies nobody.
_MENTION = "@\u200b"


def escape(text: str) -> str:
    """Literal inline Markdown, safe inside a table cell or a list item."""
    text = _INLINE.sub(r"\\\1", clean(text))
    return _LEADING.sub(_escape_leading, text).replace("@", _MENTION)


def _escape_leading(match: re.Match[str]) -> str:
    # "1." opens a list through its dot, "#" or "-" through itself.
    marker = match.group()
    return marker + "\\" if marker[0].isdigit() else "\\" + marker


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
