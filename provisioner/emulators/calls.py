"""One API call as the emulator's router hands it to a platform."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Call:
    """`method` (from the `method` field on TOP, the path on Kuaishou), the form fields, the time
    the call arrived, the app key's call budget in force (None: the emulator's default), and the
    methods answered as retired (see `Faults.retired`)."""

    method: str
    params: Mapping[str, str]
    now: datetime
    qps: float | None = None
    retired: tuple[str, ...] = ()
