"""Fault injection: what the emulator does wrong, on purpose, for tests and benchmarks.

A `Faults` value is set in process (`make_app(data_dir, faults=Faults(...))`) or over HTTP
(`POST /_emulator/faults` with the same fields as JSON; `GET` shows them, `DELETE` clears them).
The counters (`fail_next`, `hang_next`, `ban_next`) are used up call by call; `latency` and `qps`
stay until changed. `methods`, when set, limits every fault to calls of those API methods.
"""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Faults:
    """- `latency`: seconds added before every API call is answered;
    - `fail_next`: the next N calls answer HTTP `fail_status` without doing anything;
    - `hang_next`: the next N calls are carried out, then the answer is held `hang_seconds`
      (the client times out not knowing whether the call took effect);
    - `ban_next`: when > 0, the next call starts a rate-limit ban of this many seconds;
    - `qps`: calls per second allowed per app key (None: the emulator's default);
    - `retired`: API methods answered the way the platform answers an API it no longer offers
      or this app may not call (JOS only: "API不存在"), as some of JD's 子账号 APIs may be;
    - chaos, drawn call by call at random (`seed` makes it repeatable): `fail_rate` of the
      calls answer HTTP `fail_status` without doing anything, `reset_rate` drop the connection
      without doing anything or answering (over HTTP; in process they answer 503 like
      `fail_rate`), `ban_rate` start a rate-limit ban of `ban_seconds`, `slow_rate` are carried
      out and answered `slow_seconds` late.
    """

    latency: float = 0.0
    fail_next: int = 0
    fail_status: int = 503
    hang_next: int = 0
    hang_seconds: float = 5.0
    ban_next: float = 0.0
    qps: float | None = None
    methods: tuple[str, ...] = ()
    retired: tuple[str, ...] = ()
    fail_rate: float = 0.0
    reset_rate: float = 0.0
    ban_rate: float = 0.0
    ban_seconds: float = 1.0
    slow_rate: float = 0.0
    slow_seconds: float = 1.0
    seed: int | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Faults:
        """Faults from a JSON object; ValueError naming any unknown or mistyped field."""
        names = {field.name: field for field in dataclasses.fields(cls)}
        unknown = sorted(set(data) - set(names))
        if unknown:
            raise ValueError(f"unknown fault fields: {', '.join(unknown)}")
        values = {name: _coerce(name, value) for name, value in data.items()}
        return cls(**values)  # type: ignore[arg-type]

    def to_json(self) -> dict[str, object]:
        data = dataclasses.asdict(self)
        data["methods"] = list(self.methods)
        data["retired"] = list(self.retired)
        return data


def _coerce(name: str, value: object) -> object:
    if name in ("methods", "retired"):
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise ValueError(f"{name}: expected a list of method names")
        return tuple(value)
    if name in ("qps", "seed") and value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name}: expected a number")
    if name.endswith("_rate") and not 0 <= value <= 1:
        raise ValueError(f"{name}: expected a share between 0 and 1")
    integer = name in ("fail_next", "fail_status", "hang_next", "seed")
    return int(value) if integer else float(value)


@dataclass(frozen=True)
class Draw:
    """What happens to one call."""

    latency: float = 0.0
    fail_status: int | None = None
    hang_seconds: float | None = None
    ban_seconds: float | None = None
    reset: bool = False


class FaultBox:
    """The current faults, shared by every request thread; drawing uses the counters up."""

    def __init__(self, faults: Faults | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._random = random.Random(self._faults.seed)

    def get(self) -> Faults:
        with self._lock:
            return self._faults

    def set(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults
            self._random = random.Random(faults.seed)

    def draw(self, method: str) -> Draw:
        with self._lock:
            faults = self._faults
            if faults.methods and method not in faults.methods:
                return Draw()
            chaos = self._chaos(faults)
            if chaos is not None:
                return chaos
            # A failed call is never carried out, so it cannot also hang or start a ban.
            if faults.fail_next > 0:
                self._faults = dataclasses.replace(faults, fail_next=faults.fail_next - 1)
                return Draw(latency=faults.latency, fail_status=faults.fail_status)
            self._faults = dataclasses.replace(
                faults, hang_next=max(0, faults.hang_next - 1), ban_next=0.0
            )
            return Draw(
                latency=faults.latency,
                hang_seconds=faults.hang_seconds if faults.hang_next > 0 else None,
                ban_seconds=faults.ban_next if faults.ban_next > 0 else None,
            )

    def _chaos(self, faults: Faults) -> Draw | None:
        """One random draw over the rates, in order; None: this call goes through untouched."""
        roll = self._random.random()
        for rate, draw in (
            (faults.fail_rate, Draw(faults.latency, fail_status=faults.fail_status)),
            (faults.reset_rate, Draw(faults.latency, reset=True)),
            (faults.ban_rate, Draw(faults.latency, ban_seconds=faults.ban_seconds)),
            (faults.slow_rate, Draw(faults.latency + faults.slow_seconds)),
        ):
            if roll < rate:
                return draw
            roll -= rate
        return None
