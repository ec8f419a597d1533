"""Writing to the terminal: colour only on a terminal, never with NO_COLOR set."""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click


def use_color(stream: TextIO) -> bool:
    return "NO_COLOR" not in os.environ and stream.isatty()


def echo(text: str = "", *, err: bool = False, nl: bool = True) -> None:
    stream = sys.stderr if err else sys.stdout
    click.echo(text, err=err, nl=nl, color=use_color(stream))


def style(text: str, stream: TextIO | None = None, **styles: object) -> str:
    if not use_color(stream or sys.stdout):
        return text
    return click.style(text, **styles)  # type: ignore[arg-type]


def error(text: str) -> None:
    echo(style("error: ", sys.stderr, fg="red", bold=True) + text, err=True)


def warning(text: str) -> None:
    echo(style("warning: ", sys.stderr, fg="yellow") + text, err=True)
