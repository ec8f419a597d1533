"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

config_option = click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="Config file, or directory whose *.yaml/*.yml files are merged.",
)


def format_option(*choices: str, default: str) -> Callable[[F], F]:
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(choices),
        default=default,
        show_default=True,
        help="Output format.",
    )


shop_option = click.option(
    "--shop",
    "shops",
    multiple=True,
    metavar="SHOP",
    help="Only this shop (repeatable).",
)

refresh_option = click.option(
    "--refresh",
    type=click.Choice(["full", "changed"]),
    default="full",
    show_default=True,
    help="changed: read per-account details (Tmall/Taobao roles, one call each) only of "
    "accounts the config changes; the others keep their recorded values, unchecked for drift.",
)

parallelism_option = click.option(
    "--parallelism",
    type=click.IntRange(1, 64),
    default=4,
    show_default=True,
    help="Shops read and applied at the same time.",
)

verbose_option = click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="List low-risk permissions in full (by default each row counts them).",
)
