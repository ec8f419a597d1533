"""Writing to the terminal: colour only on a terminal (or with FORCE_COLOR), never with NO_COLOR."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

import click

from provisioner.errors import ProvisionerError
from provisioner.printable import printable


def use_color(stream: TextIO) -> bool:
    # NO_COLOR (no-color.org) wins; FORCE_COLOR asks for colour in logs that render it (CI).
    if "NO_COLOR" in os.environ:
        return False
    if os.environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return stream.isatty()


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    try:
        click.echo(text, err=err, nl=nl, color=use_color(stream))
    except BrokenPipeError:
        _discard(stream)


def _discard(stream: TextIO) -> None:
    """The reader went away (`apply | head -1`): print nothing more there, but never stop the
    work. What is left in the stream's buffer, and all later output, goes to /dev/null."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind it (a test's capture)
        pass


def style(text: str, stream: TextIO | None = None, **styles: object) -> str:
    if not use_color(stream or sys.stdout):
        return text
    return click.style(text, **styles)  # type: ignore[arg-type]


def error(text: str, details: Iterable[str] = ()) -> None:
    """One error line (then its details, indented), every control character escaped: a value
    quoted in a message cannot start a line of its own (`::error ...`, `FILE:1:1: ...`)."""
    echo(style("error: ", sys.stderr, fg="red", bold=True) + printable(text), err=True)
    for detail in details:
        echo("  " + printable(detail), err=True)


def warning(text: str) -> None:
    echo(style("warning: ", sys.stderr, fg="yellow") + printable(text), err=True)


def write_file(path: Path, text: str, what: str, encoding: str = "utf-8") -> None:
    """Write atomically (a half-written plan must never be applied); one error line on failure."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding=encoding)
        os.replace(temporary, path)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ProvisionerError(f"cannot write {what} to {path}: {exc.strerror}") from None
