"""'did you mean …': the nearest known name to a misspelled one."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to `word`, or None when nothing is close enough."""
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """'; did you mean 'x'?' or '' when nothing is close enough."""
    close = closest(word, candidates)
    return f"; did you mean '{close}'?" if close else ""
