"""ANSI colours. Renderers are told whether to use them; deciding (tty, NO_COLOR) is the CLI's."""

from __future__ import annotations

from typing import Literal

Colour = Literal["green", "yellow", "red", "bold"]

_CODES: dict[Colour, str] = {"green": "32", "yellow": "33", "red": "31", "bold": "1"}


def paint(text: str, colour: Colour | None, enabled: bool) -> str:
    if not enabled or colour is None or not text:
        return text
    return f"\x1b[{_CODES[colour]}m{text}\x1b[0m"
