"""Lines folded to a terminal width without losing a character: only where a line may break.

A line breaks between tokens (words, or the items of a list), and continues under a hanging
indent. In prose, a token wider than the room left is broken next to a wide (CJK) character,
where a break is as legal as a space; a list item, or a long ASCII token (an address, a URL),
overflows whole instead.
`width=None` means "do not wrap": the library's default, for JSON-like callers and tests.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from provisioner.render.values import display_width

MIN_WIDTH = 40  # narrower than this, wrapping makes more noise than it saves


def fill(
    head: str, tokens: Iterable[str], width: int | None, indent: str, *, cjk: bool = False
) -> list[str]:
    """`head` directly followed by the first token, the rest joined by single spaces; a token
    that would pass `width` starts the next line, after `indent` (the first one too: then
    `head` stands alone). With `cjk`, a token may also break next to a wide character (prose);
    without, a token is never broken (list items)."""
    pending = list(tokens)[::-1]
    if width is None:
        return [head + " ".join(reversed(pending))]
    used = display_width(head)  # names and labels recur: their widths are cached
    if used + sum(display_width(token) + 1 for token in pending) - 1 <= width:
        return [head + " ".join(reversed(pending))]
    lines, line, first = [], head, True
    while pending:
        token = pending.pop()
        joined, size = (line + token, used) if first else (f"{line} {token}", used + 1)
        size += display_width(token)
        if size <= width:
            line, first, used = joined, False, size
            continue
        fits, rest = _cut_wide(joined, width, len(joined) - len(token)) if cjk else ("", "")
        if rest:
            lines.append(fits)
            pending.append(rest)
        elif not line.strip() or (first and line == indent):
            line, first, used = joined, False, size  # wider than a whole line: it overflows
            continue
        else:
            lines.append(line.rstrip(" "))
            pending.append(token)
        line, first, used = indent, True, len(indent)
    lines.append(line)
    return lines


def fill_text(text: str, width: int | None, extra: int = 2) -> list[str]:
    """A prose line broken at its spaces, continued `extra` columns right of where it starts."""
    body = text.lstrip(" ")
    lead = text[: len(text) - len(body)]
    if width is None or _fits(text, width):
        return [text]
    return fill(lead, body.split(" "), width, lead + " " * extra, cjk=True)


def items(values: Iterable[str], separator: str = ",") -> list[str]:
    """List items as tokens, each but the last carrying the separator: `a,` `b,` `c`."""
    listed = list(values)
    return [value + separator for value in listed[:-1]] + listed[-1:]


def _fits(text: str, width: int) -> bool:
    # Most lines are short: no character takes more than two columns, so no need to count.
    return len(text) * 2 <= width or display_width(text) <= width


def _cut_wide(line: str, width: int, start: int) -> tuple[str, str]:
    # A CJK run without spaces (a back-office step, a Chinese reason) can only break between
    # its characters: the longest head of the token that fits and ends or starts at a wide
    # character, and the rest; ("", "") when there is no such place.
    used = display_width(line[:start])
    cut = 0
    for index in range(start, len(line)):
        used += display_width(line[index])
        if used > width:
            break
        if index + 1 < len(line) and _breakable(line, index + 1):
            cut = index + 1
    if cut <= start:
        return "", ""
    return line[:cut], line[cut:]


def _breakable(line: str, index: int) -> bool:
    return _wide(line[index - 1]) or _wide(line[index])


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"
