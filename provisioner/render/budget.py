"""Fitting sections of a document under a size limit, the most important first.

A section is a head, a list of items and a tail. When the whole document is too long, the
sections are offered the remaining room in order of priority: each keeps as many leading
items as fit (saying how many it left out), or is left out entirely; the document keeps its
reading order and ends with a note.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass


def size(text: str) -> int:
    """Length as GitHub counts it: UTF-16 code units (an emoji counts two)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class Section:
    """`priority`: lower is kept first. `more(n)` is put after the kept items when n are
    left out; without it the section is all or nothing."""

    priority: int
    head: str
    items: tuple[str, ...] = ()
    tail: str = ""
    more: Callable[[int], str] | None = None

    def whole(self) -> str:
        return self.head + "".join(self.items) + self.tail

    def shrink(self, room: int) -> str:
        """The longest form of this section within `room`, or "" when nothing useful fits."""
        whole = self.whole()
        if size(whole) <= room:
            return whole
        if self.more is None:
            return ""
        kept = self._leading_items(room, self.more)
        if not kept:
            return ""
        left_out = len(self.items) - len(kept)
        return self.head + "".join(kept) + self.more(left_out) + self.tail

    def _leading_items(self, room: int, more: Callable[[int], str]) -> list[str]:
        used = size(self.head) + size(self.tail)
        kept: list[str] = []
        for item in self.items:
            used += size(item)
            # The "n more" line is counted with the count it would show if we stopped here.
            if used + size(more(len(self.items) - len(kept) - 1)) > room:
                break
            kept.append(item)
        return kept


def fit(sections: Sequence[Section], limit: int, note: str) -> str:
    """The sections joined, or, when that is over `limit`, what fits of them plus `note`."""
    whole = "".join(section.whole() for section in sections)
    if size(whole) <= limit:
        return whole
    room = limit - size(note)
    kept: dict[int, str] = {}
    for index in sorted(range(len(sections)), key=lambda i: sections[i].priority):
        text = sections[index].shrink(room)
        if text:
            kept[index] = text
            room -= size(text)
    text = "".join(kept[index] for index in sorted(kept)) + note
    # Only a limit smaller than the note itself gets here; the limit is still never broken.
    return text if size(text) <= limit else _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    used = 0
    for index, char in enumerate(text):
        used += size(char)
        if used > limit:
            return text[:index]
    return text
