"""Progress of a running apply, on stderr: live per shop on a terminal, a line now and then if not.

On a terminal (stderr is a TTY) a live display shows a bar per shop being applied and one for
the whole run; finished shops leave it, so 200 shops never make 200 lines. Anywhere else
(CI logs, `| tee`), a line every `PROVISIONER_PROGRESS_SECONDS` (default 5) while it runs,
`1200/2378 changes, 3 shops left`, and then one where it ended; an apply done sooner writes
none. Failures are shown the moment they happen, in both.

Colour follows `use_color`: never with NO_COLOR, always with FORCE_COLOR, else only on a
terminal. The live display is never drawn on a non-terminal, whatever FORCE_COLOR says: a log
full of redrawn bars helps nobody.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from types import TracebackType
from typing import Protocol, Self, TextIO

from provisioner.apply.executor import Outcome
from provisioner.cli.output import use_color
from provisioner.resources import Change

DEFAULT_INTERVAL = 5.0
INTERVAL_VARIABLE = "PROVISIONER_PROGRESS_SECONDS"


class ApplyProgress(Protocol):
    """Told of every outcome as it happens (from the executor's worker threads)."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...

    def __call__(self, outcome: Outcome) -> None: ...


def progress_for(changes: Iterable[Change], stream: TextIO | None = None) -> ApplyProgress:
    """The display that suits `stream` (default stderr) for an apply of `changes`."""
    stream = stream or sys.stderr
    totals = Counter(change.address.shop for change in changes)
    if _is_terminal(stream):
        return LiveProgress(totals, stream)
    return LineProgress(totals, stream, _interval())


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get(INTERVAL_VARIABLE, DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def failure_line(outcome: Outcome) -> str:
    change = outcome.change
    return f"✗ {change.action} {change.address} [{change.execution}] ({outcome.message})"


class _Counts:
    """What is done, per shop and in all; thread-safe through the caller's lock."""

    def __init__(self, totals: Counter[str]) -> None:
        self.totals = totals
        self.done: Counter[str] = Counter()
        self.total = sum(totals.values())

    def add(self, outcome: Outcome) -> str:
        shop = outcome.change.address.shop
        self.done[shop] += 1
        return shop

    @property
    def finished(self) -> int:
        return sum(self.done.values())

    @property
    def shops_left(self) -> int:
        return sum(1 for shop, total in self.totals.items() if self.done[shop] < total)

    def line(self) -> str:
        left = self.shops_left
        return f"{self.finished}/{self.total} changes, {left} shop{'' if left == 1 else 's'} left"


class LineProgress:
    """For logs: a line per interval while it runs, and one at the end if any was written."""

    def __init__(self, totals: Counter[str], stream: TextIO, interval: float) -> None:
        self.counts = _Counts(totals)
        self.stream = stream
        self.interval = interval
        self.lock = threading.Lock()
        self.last = time.monotonic()
        self.last_line = ""
        self.color = use_color(stream)

    def __enter__(self) -> Self:
        self.last = time.monotonic()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            if self.last_line and self.counts.line() != self.last_line:
                self._status()  # where it ended, even if it ended early

    def __call__(self, outcome: Outcome) -> None:
        with self.lock:
            self.counts.add(outcome)
            if outcome.status == "failed":
                self._write(self._red(failure_line(outcome)))
            if time.monotonic() - self.last >= self.interval:
                self._status()

    def _status(self) -> None:
        self.last_line = self.counts.line()
        self._write(self.last_line)
        self.last = time.monotonic()

    def _red(self, text: str) -> str:
        return f"\x1b[31m{text}\x1b[0m" if self.color else text

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class LiveProgress:
    """For a person at a terminal: one bar per running shop and one for the whole apply.

    Drawn with plain ANSI sequences (redraw the frame in place, at most 10 times a second) and
    erased at the end, since the results follow on stdout. No library: the obvious one (rich)
    is also imported by httpx whenever it is installed, which every API plan would then pay.
    """

    REDRAW_SECONDS = 0.1

    def __init__(self, totals: Counter[str], stream: TextIO) -> None:
        self.counts = _Counts(totals)
        self.stream = stream
        self.lock = threading.Lock()
        self.color = use_color(stream)
        self.running: dict[str, None] = {}  # shops started and not finished, in start order
        self.height = 0  # lines of the frame on screen
        self.drawn = 0.0

    def __enter__(self) -> Self:
        with self.lock:
            self.stream.write("\x1b[?25l")  # hide the cursor while drawing
            self._draw()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self.lock:
            self._erase()
            self.stream.write("\x1b[?25h")
            self.stream.flush()

    def __call__(self, outcome: Outcome) -> None:
        with self.lock:
            shop = self.counts.add(outcome)
            if self.counts.done[shop] >= self.counts.totals[shop]:
                self.running.pop(shop, None)
            else:
                self.running.setdefault(shop, None)
            if outcome.status == "failed":
                self._erase()
                self.stream.write(self._paint(failure_line(outcome), "31") + "\n")
                self._draw()
            elif time.monotonic() - self.drawn >= self.REDRAW_SECONDS:
                self._draw()

    def _erase(self) -> None:
        # Up to the frame's first line, then clear each line of it.
        if self.height:
            self.stream.write(f"\x1b[{self.height}F" + "\x1b[2K\n" * self.height)
            self.stream.write(f"\x1b[{self.height}F")
        self.height = 0

    def _draw(self) -> None:
        width = shutil.get_terminal_size((100, 24)).columns
        label = max([len(shop) for shop in self.running] + [0])
        lines = [self.counts.line()]
        lines.append(self._bar(self.counts.finished, self.counts.total, width - 2))
        for shop in self.running:
            done, total = self.counts.done[shop], self.counts.totals[shop]
            tally = f"{done}/{total}"
            room = max(width - label - len(tally) - 6, 10)
            lines.append(f"  {shop.ljust(label)} {self._bar(done, total, room)} {tally}")
        self._erase()
        self.stream.write("".join(f"\x1b[2K{line[: width - 1]}\n" for line in lines))
        self.stream.flush()
        self.height = len(lines)
        self.drawn = time.monotonic()

    def _bar(self, done: int, total: int, width: int) -> str:
        full = round(width * done / total) if total else width
        return self._paint("━" * full, "32") + self._paint("━" * (width - full), "90")

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text
