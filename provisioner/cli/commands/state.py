"""`provisioner state`: look after the state store (history, a stuck lock)."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option
from provisioner.cli.output import echo
from provisioner.config.loader import load_config
from provisioner.run.workflow import state_path
from provisioner.state import StateReader, StateStore


@click.group("state")
def command() -> None:
    """The state store: apply history and the apply lock."""


@command.command("unlock")
@config_option
def unlock(config_path: Path) -> None:
    """Release the apply lock left by a process that is gone."""
    loaded = load_config(config_path)
    with StateStore.open(state_path(loaded)) as store:
        held = store.unlock()
    echo(
        f"Released the lock held by {held.holder} ({held.operation}) since {held.since}."
        if held
        else "The state was not locked."
    )


@command.command("history")
@config_option
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True)
def history(config_path: Path, limit: int) -> None:
    """The latest applies: who, when, which commit, and how each went."""
    loaded = load_config(config_path)
    with StateReader.open(state_path(loaded)) as state:
        runs = state.history(limit)
    if not runs:
        echo("No applies recorded.")
    for run in runs:
        commit = f" commit {run.commit[:12]}" if run.commit else ""
        echo(
            f"#{run.id} {run.started_at} {run.who}{commit} {run.status}: {len(run.results)} changes"
        )
