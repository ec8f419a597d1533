"""Ctrl-C and SIGTERM during apply: stop starting changes, finish those in flight, exit 130.

Killing an apply between the platform's answer and the state's commit would leave an account
nobody recorded. So while changes run, SIGINT and SIGTERM only set an event the executor reads
before each change; the changes already sent finish and are recorded, and the command exits
130 (128 + SIGINT, what shells report for Ctrl-C) once the run is recorded as interrupted.
A second signal changes nothing: the wait is bounded by the HTTP timeouts.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

EXIT_INTERRUPTED = 130
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def stop_on_signals() -> Iterator[threading.Event]:
    """An event set by SIGINT or SIGTERM while the block runs (main thread only)."""
    stop = threading.Event()

    def requested(signum: int, frame: FrameType | None) -> None:
        del frame
        if not stop.is_set():
            # os.write, not print: a signal handler must not re-enter a buffered stream.
            name = signal.Signals(signum).name
            _say(f"{name}: starting no new changes; finishing and recording those in flight\n")
        stop.set()

    previous = {signum: signal.signal(signum, requested) for signum in _SIGNALS}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _say(text: str) -> None:
    with suppress(OSError):
        os.write(2, text.encode("utf-8"))
