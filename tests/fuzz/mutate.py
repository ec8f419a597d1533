"""Seeded mutations of a config directory, and the user's verdict on running the CLI on one.

A case is `(seed, index)`: the same pair always makes the same files, so any failure the suite
or `tests/fuzz/run.py` reports reproduces with `python tests/fuzz/run.py --only SEED:INDEX`.

The mutations are what a clumsy editor, a bad merge or an attacker produces: characters typed,
dropped or pasted (control characters from a terminal, a BOM, U+FFFE), lines duplicated,
dropped, swapped or re-indented, names swapped for other names of the same config (references
to what does not exist, on the wrong platform), and scalars swapped for odd values (integers
such as `0x` or with more digits than Python converts, floats, nulls, empty collections).
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

from provisioner.cli.main import main

EXAMPLE = Path(__file__).parents[2] / "examples" / "acme"

PUNCTUATION = [
    *":-[]{}&*!|>'\"#\t\n ,?%@`0123456789",
    "<<: *a\n",
    '"<<": ',
    "'<<': ",
    "&a ",
    "*a",
    "\n  ",
    "---\n",
    "~",
]
CONTROL = [
    "\x00",
    "\x1b",
    "\x7f",
    "\x80",
    "\x9b",
    "\x9f",
    "\ufffe",
    "\uffff",
    "\x01",
    "\x08",
    "\ufeff",
]
ODD_VALUES = [
    "0x",
    "0b",
    "0x_",
    "0b_",
    "-0x",
    "+0b",
    "0o17",
    "1_000",
    "-0",
    "+1",
    "1e999",
    "-.inf",
    ".nan",
    "9" * 4301,
    "1" * 5000,
    "-" + "7" * 4400,
    "0x" + "f" * 4000,
    "1." + "5" * 5000,
    "1e-99999",
    "null",
    "~",
    "true",
    "[]",
    "{}",
    "''",
    '""',
    "[[[]]]",
    "{a: {b: {}}}",
    "x" * 300,
    "!!int x",
    "!!float x",
    "!!bool x",
    "!!null x",
    "!!str",
    "2024-13-45",
    "12:30",
    "0755",
    "-",
    "? x",
]
WORD = re.compile(r"[\w.\-]+", re.UNICODE)
SCALAR_AFTER_COLON = re.compile(r"(?<=: )[^\s#{}\[\],][^#\n{}\[\],]*")


def config_files(root: Path = EXAMPLE) -> dict[str, str]:
    """The config's YAML files by relative path (the README stays behind)."""
    return {
        path.relative_to(root).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(root.rglob("*.y*ml"))
    }


def mutated(files: dict[str, str], rng: random.Random) -> dict[str, str]:
    """A copy of `files` with one or two files damaged by one to three mutations each."""
    words = sorted({word for text in files.values() for word in WORD.findall(text)})
    result = dict(files)
    for name in rng.sample(sorted(files), 1 if rng.random() < 0.7 else min(2, len(files))):
        text = result[name]
        for _ in range(rng.randint(1, 3)):
            text = rng.choice(MUTATIONS)(text, rng, words)
        result[name] = text
    return result


def _at(text: str, rng: random.Random) -> int:
    return rng.randrange(len(text) + 1)


def punctuation(text: str, rng: random.Random, _words: Sequence[str]) -> str:
    at = _at(text, rng)
    roll = rng.random()
    if roll < 0.4:
        return text[:at] + rng.choice(PUNCTUATION) + text[at + 1 :]
    if roll < 0.7:
        return text[:at] + rng.choice(PUNCTUATION) + text[at:]
    return text[:at] + text[at + 1 :]


def control(text: str, rng: random.Random, _words: Sequence[str]) -> str:
    at = _at(text, rng)
    return text[:at] + rng.choice(CONTROL) + text[at:]


def odd_value(text: str, rng: random.Random, _words: Sequence[str]) -> str:
    spots = list(SCALAR_AFTER_COLON.finditer(text))
    if not spots:
        return text
    spot = rng.choice(spots)
    return text[: spot.start()] + rng.choice(ODD_VALUES) + text[spot.end() :]


def swap_word(text: str, rng: random.Random, words: Sequence[str]) -> str:
    spots = list(WORD.finditer(text))
    if not spots or not words:
        return text
    spot = rng.choice(spots)
    replacement = rng.choice(words)
    if rng.random() < 0.2:  # a typo rather than another name
        replacement = spot.group()[:-1] or replacement
    return text[: spot.start()] + replacement + text[spot.end() :]


def lines(text: str, rng: random.Random, _words: Sequence[str]) -> str:
    rows = text.split("\n")
    at = rng.randrange(len(rows))
    roll = rng.random()
    if roll < 0.3:
        rows.insert(at, rows[rng.randrange(len(rows))])
    elif roll < 0.5:
        del rows[at]
    elif roll < 0.7:
        other = rng.randrange(len(rows))
        rows[at], rows[other] = rows[other], rows[at]
    elif roll < 0.85:
        rows[at] = "  " + rows[at]
    else:
        rows[at] = rows[at][2:] if rows[at].startswith("  ") else rows[at]
    return "\n".join(rows)


MUTATIONS = (*(punctuation,) * 3, control, *(odd_value,) * 3, *(swap_word,) * 4, *(lines,) * 2)


@dataclass(frozen=True)
class Verdict:
    """How one CLI run went, judged as the user would: what they saw and how long it took."""

    case: str
    code: int
    seconds: float
    stderr: str
    hung: bool = False

    @property
    def unexpected(self) -> bool:
        # The CLI's last resort for a bug: `error: unexpected ValueError: ...`
        return "error: unexpected " in self.stderr or "Traceback" in self.stderr

    @property
    def unpositioned(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if not _positioned(line)]

    @property
    def problems(self) -> list[str]:
        found = []
        if self.hung:
            found.append("hang")
        if self.code not in (0, 1):
            found.append(f"exit {self.code}")
        if self.unexpected:
            found.append("unexpected")
        elif self.unpositioned:
            found.append("unpositioned")
        return found


_POSITIONED = re.compile(r"^(?:warning: )?[^\s:][^:]*:\d+:\d+: ")
_SUMMARY = re.compile(r"^error: \d+ errors? in the configuration$")


def _positioned(line: str) -> bool:
    return bool(_POSITIONED.match(line) or _SUMMARY.match(line))


class _Hung(Exception):
    pass


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise _Hung

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def write(files: dict[str, str], root: Path) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # surrogateescape: a mutation may leave text that is not valid UTF-8 once written
        path.write_text(text, encoding="utf-8", errors="surrogatepass")


def run_cli(case: str, argv: list[str], limit: float = 10.0) -> Verdict:
    """`provisioner ARGV` in this process, stopped after `limit` seconds (a hang)."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    hung = False
    code = -1
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            with _deadline(limit):
                code = main(argv)
        except _Hung:
            hung = True
    return Verdict(case, code, time.perf_counter() - started, err.getvalue(), hung)
