"""The cyclic garbage collector, held off while a run builds its long-lived data."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside; what was built inside is never rescanned afterwards.

    Loading and planning allocate hundreds of thousands of small containers and free almost
    none: the worst case for CPython's collector, which would rescan the growing heap again and
    again (3x the time of the parse itself on 20,000 agents). Nothing here makes cycles.

    Merely re-enabling the collector afterwards is not enough: everything allocated while it
    was off sits in the youngest generation, so the next collections scan the whole config and
    plan once per generation (27 % of a 50,000-account plan). `gc.freeze()` moves it all to the
    permanent generation instead; memory is still freed by reference counting. Nests: only the
    outermost pause freezes and re-enables.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
