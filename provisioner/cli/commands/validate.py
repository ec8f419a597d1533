"""`provisioner validate`: load and check a config; one summary line when it is valid."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option
from provisioner.cli.output import echo, warning
from provisioner.config.loader import load_config


@click.command("validate")
@config_option
def command(config_path: Path) -> None:
    """Check the configuration: syntax, keys, references, names, policies."""
    loaded = load_config(config_path)
    for found in loaded.warnings:
        warning(f"{found.file}:{found.line}:{found.col}: {found.path}: {found.message}")
    config = loaded.config
    accounts = sum(len(agent.accounts) for agent in config.agents.values())
    echo(
        f"Valid: {_count(len(config.shops), 'shop')}, {_count(len(config.roles), 'role')}, "
        f"{_count(len(config.agents), 'agent')}, {_count(accounts, 'account')} "
        f"({_count(len(loaded.files), 'file')})."
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
