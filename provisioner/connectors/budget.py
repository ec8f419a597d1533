"""How long one change may take in all, retries included: a deadline the HTTP layer honours.

The executor gives each change `CHANGE_BUDGET` seconds (`within`). Every call made for that
change, every retry and every wait fits in what is left, so a platform in trouble costs a
bounded time per change, and the run goes on with the next change; the change that ran out
fails saying why, and the next apply tries it again.
"""

from __future__ import annotations

import contextlib
import contextvars
import time
from collections.abc import Iterator

CHANGE_BUDGET = 60.0  # seconds per change: a 120 s TOP ban is not waited out inside one change

_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "provisioner_change_deadline", default=None
)


@contextlib.contextmanager
def within(seconds: float) -> Iterator[None]:
    """Everything in the block, in this thread, shares one deadline `seconds` from now."""
    token = _deadline.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def remaining() -> float | None:
    """Seconds left before the current deadline (negative once passed); None: no deadline."""
    deadline = _deadline.get()
    return None if deadline is None else deadline - time.monotonic()
