"""`provisioner check`: for CI, fails while an offboarding task is overdue."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option
from provisioner.cli.output import echo, error, warning
from provisioner.cli.overdue import describe, overdue_message, overdue_tasks, show_tasks
from provisioner.config.loader import load_config


@click.command("check")
@config_option
@click.pass_context
def command(ctx: click.Context, config_path: Path) -> None:
    """Exit 1 while a manual task that removes access is past its due time."""
    loaded = load_config(config_path)
    offboarding, others, view = overdue_tasks(loaded)
    if others:
        count = len(others)
        warning(f"{count} other task{'s are' if count != 1 else ' is'} overdue: {describe(others)}")
    if not offboarding:
        echo("No overdue offboarding tasks.")
        return
    show_tasks(offboarding, view)
    error(overdue_message(offboarding, loaded))
    ctx.exit(1)
