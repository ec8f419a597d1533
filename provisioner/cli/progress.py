"""Progress of a running apply, on stderr: live per shop on a terminal, a line now and then if not.

On a terminal (stderr is a TTY) a live display (rich) shows a bar per shop being applied and one
for the whole run; finished shops leave it, so 200 shops never make 200 lines. Anywhere else
(CI logs, `| tee`), a line every `PROVISIONER_PROGRESS_SECONDS` (default 5) while it runs,
`1200/2378 changes, 3 shops left`, and then one where it ended; an apply done sooner writes
none. Failures are shown the moment they happen, in both.

Colour follows `use_color`: never with NO_COLOR, always with FORCE_COLOR, else only on a
terminal. The live display is never drawn on a non-terminal, whatever FORCE_COLOR says: a log
full of redrawn bars helps nobody.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, Self, TextIO

from provisioner.apply.executor import Outcome
from provisioner.cli.output import use_color
from provisioner.printable import printable
from provisioner.resources import Change

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

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
    return "✗ " + printable(
        f"{change.action} {change.address} [{change.execution}] ({outcome.message})"
    )


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
    """For a person at a terminal: one bar per running shop and one for the whole apply."""

    def __init__(self, totals: Counter[str], stream: TextIO) -> None:
        from rich.console import Console

        self.counts = _Counts(totals)
        self.lock = threading.Lock()
        color = use_color(stream)
        self.console = Console(
            file=stream,
            force_terminal=True,
            no_color=not color,
            color_system="auto" if color else None,
            highlight=False,
        )
        self.progress: Progress | None = None
        self.tasks: dict[str, TaskID] = {}
        self.overall: TaskID | None = None

    def __enter__(self) -> Self:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,  # the results, grouped per shop, follow on stdout
            refresh_per_second=8,
        )
        self.progress.start()
        self.overall = self.progress.add_task(
            f"{self.counts.total} changes, {len(self.counts.totals)} shops",
            total=self.counts.total,
        )
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self.progress is not None:
            self.progress.stop()

    def __call__(self, outcome: Outcome) -> None:
        with self.lock:
            shop = self.counts.add(outcome)
            progress = self.progress
            if progress is None or self.overall is None:
                return
            if outcome.status == "failed":
                progress.console.print(failure_line(outcome), style="red", markup=False)
            task = self.tasks.get(shop)
            if task is None:
                task = progress.add_task(shop, total=self.counts.totals[shop])
                self.tasks[shop] = task
            progress.update(task, completed=self.counts.done[shop])
            if self.counts.done[shop] >= self.counts.totals[shop]:
                progress.update(task, visible=False)
            progress.update(
                self.overall,
                completed=self.counts.finished,
                description=self.counts.line(),
            )
