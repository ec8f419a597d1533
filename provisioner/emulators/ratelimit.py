"""Per-app-key flow control as the platforms do it: a call budget per second, then a ban."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_QPS = 200.0
DEFAULT_BAN_SECONDS = 1.0


@dataclass
class _Budget:
    tokens: float
    updated: float
    banned_until: float = 0.0


class Limiter:
    """`check(key)` spends one call of `key`'s budget; going over it starts a ban.

    The budget refills at `qps` calls per second up to `qps` calls. While a key is banned every
    call is refused; `check` then returns the seconds the ban still lasts.
    """

    def __init__(
        self,
        qps: float = DEFAULT_QPS,
        ban_seconds: float = DEFAULT_BAN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._qps = qps
        self._ban_seconds = ban_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._budgets: dict[str, _Budget] = {}

    def check(self, key: str, qps: float | None = None) -> float | None:
        """None when the call may go ahead, else the seconds the key's ban still lasts."""
        rate = qps or self._qps
        with self._lock:
            now = self._clock()
            budget = self._budgets.setdefault(key, _Budget(tokens=rate, updated=now))
            if budget.banned_until > now:
                return budget.banned_until - now
            budget.tokens = min(rate, budget.tokens + (now - budget.updated) * rate)
            budget.updated = now
            if budget.tokens < 1:
                budget.banned_until = now + self._ban_seconds
                return self._ban_seconds
            budget.tokens -= 1
            return None

    def ban(self, key: str, seconds: float) -> None:
        with self._lock:
            now = self._clock()
            budget = self._budgets.setdefault(key, _Budget(tokens=self._qps, updated=now))
            budget.banned_until = max(budget.banned_until, now + seconds)
