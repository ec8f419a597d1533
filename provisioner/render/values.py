"""Field values and names as one-line, printable text, shared by every renderer."""

from __future__ import annotations

import functools
import unicodedata

from provisioner.printable import printable
from provisioner.resources import FieldValue


def clean(text: str) -> str:
    """The text with control characters shown as escapes, so it stays on one harmless line.

    Names and values can come from a live platform (unmanaged accounts, drift): a control
    character there must not move the cursor, recolour the terminal or break a Markdown line.
    """
    return printable(text)


def format_value(value: FieldValue) -> str:
    """`true`, `80`, `[a, b]`, `""` for an empty string, `(unset)` for None."""
    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(clean(item) for item in value) + "]"
    if value == "":
        return '""'
    return clean(str(value))


def is_blank(value: FieldValue) -> bool:
    """Nothing worth a line when a resource is created or deleted: None, "" or ()."""
    return value is None or value in ("", ())


@functools.lru_cache(maxsize=1 << 16)
def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two, so Chinese nicknames still line up."""
    # A plan of 50,000 accounts measures millions of strings, the same names and labels over
    # and over: each is measured once; ASCII needs no lookup, other characters one each.
    return len(text) if text.isascii() else sum(map(_char_width, text))


@functools.cache
def _char_width(char: str) -> int:
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)
