"""Text from a config or a platform, made safe to print anywhere: one line, no hidden effects.

Names, reasons and error messages carry values a pull request or a platform chose. Printed raw,
a newline there starts a line of the attacker's (`::error file=README.md::…` is a GitHub
Actions workflow command; `FILE:1:1: …` a fake diagnostic), an ESC sequence recolours or
rewrites the terminal, and a bidirectional override reorders what a reviewer reads. Each such
character is shown as its Python escape (`\\n`, `\\x1b`, `\\u202e`) instead.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab included), DEL, C1 controls (NEL U+0085 among them), the Unicode
# line and paragraph separators, and the bidirectional embeddings, overrides and isolates.
_UNPRINTABLE = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def printable(text: str) -> str:
    """`text` with every control character shown as an escape, so it stays one harmless line."""
    return _UNPRINTABLE.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")
