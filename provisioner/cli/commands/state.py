"""`provisioner state`: look into and look after the state store, on either backend."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from provisioner.apply.identity import current_user
from provisioner.cli.options import config_option
from provisioner.cli.output import echo
from provisioner.config.loader import load_config
from provisioner.errors import ProvisionerError
from provisioner.resources import Address, Resource
from provisioner.run.workflow import state_path
from provisioner.state import ApplyRun, StateReader, StateStore

IMPORT_LOCK_WAIT = 0.0


@click.group("state")
@config_option
@click.pass_context
def command(ctx: click.Context, config_path: Path) -> None:
    """The state store: what is recorded, the apply history, moving it, the apply lock."""
    ctx.obj = {**(ctx.obj or {}), "state_config": config_path}


def _config(config_path: Path) -> Path:
    """`-c` after the subcommand, else `-c` after `state`, else the current directory."""
    given = click.get_current_context().obj or {}
    return config_path if config_path != Path(".") else given.get("state_config", config_path)


def _reader(config_path: Path) -> StateReader:
    return StateReader.open(state_path(load_config(_config(config_path))))


@command.command("list")
@config_option
@click.option("--shop", help="Only this shop's resources.")
def list_(config_path: Path, shop: str | None) -> None:
    """Every recorded resource address, one a line, in address order."""
    with _reader(config_path) as state:
        for address in state.resources(shop):
            echo(str(address))


@command.command("show")
@config_option
@click.argument("address")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def show(config_path: Path, address: str, output_format: str) -> None:
    """What is recorded for one ADDRESS (SHOP/KIND/NAME): remote id and field values."""
    try:
        wanted = Address.parse(address)
    except ValueError:
        raise ProvisionerError(
            f"{address!r} is not an address: expected SHOP/account|role|group/NAME"
        ) from None
    with _reader(config_path) as state:
        resource = state.resources(wanted.shop).get(wanted)
        protected = wanted.kind == "account" and wanted.name in state.protected(wanted.shop)
        tasks = [task for task in state.tasks("open") if task.address == wanted]
    if resource is None:
        raise ProvisionerError(f"nothing is recorded for {address}; see `provisioner state list`")
    if output_format == "json":
        echo(
            json.dumps(
                _resource_json(resource, protected, [t.id for t in tasks]), ensure_ascii=False
            )
        )
        return
    echo(f"# {resource.address}")
    width = max([len("remote_id"), *(len(name) for name in resource.fields)])
    echo(f"{'remote_id'.ljust(width)} = {json.dumps(resource.remote_id, ensure_ascii=False)}")
    for name, value in sorted(resource.fields.items()):
        echo(f"{name.ljust(width)} = {json.dumps(_plain(value), ensure_ascii=False)}")
    if protected:
        echo("(protected: never modified or deleted)")
    for task in tasks:
        echo(f"open task #{task.id}: {task.action} ({task.execution})")


@command.command("history")
@config_option
@click.option("--limit", type=click.IntRange(1), default=10, show_default=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def history(config_path: Path, limit: int, output_format: str) -> None:
    """The latest applies: who, when, which commit (and whether it was dirty), how each went."""
    with _reader(config_path) as state:
        runs = state.history(limit)
    if output_format == "json":
        echo(json.dumps([_run_json(run) for run in runs], ensure_ascii=False, indent=2))
        return
    if not runs:
        echo("No applies recorded.")
    for run in runs:
        commit = f" commit {run.commit[:12]}" if run.commit else ""
        dirty = " (dirty)" if run.git_dirty else ""
        echo(
            f"#{run.id} {run.started_at} {run.who}{commit}{dirty} {run.status}: "
            f"{len(run.results)} changes"
        )


@command.command("export")
@config_option
def export(config_path: Path) -> None:
    """Write the whole state as JSON to stdout (a backup, or to move it to another backend)."""
    with _reader(config_path) as state:
        document = state.export()
    echo(json.dumps(document, ensure_ascii=False, indent=1))


@command.command("import")
@config_option
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--replace", is_flag=True, help="Drop what the store holds first (a restore).")
def import_(config_path: Path, file: Path, replace: bool) -> None:
    """Load a `state export` FILE into the store: checked whole first, then one transaction."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProvisionerError(f"{file}: cannot read it: {exc}") from None
    loaded = load_config(_config(config_path))
    with (
        StateStore.open(state_path(loaded)) as store,
        store.lock(current_user(), "state import", IMPORT_LOCK_WAIT),
    ):
        rows = store.import_state(text, str(file), replace=replace)
        where = store.where
    echo(f"Imported {rows} rows from {file} into {where}.")


@command.command("unlock")
@config_option
def unlock(config_path: Path) -> None:
    """Release the apply lock left by a process that is gone."""
    loaded = load_config(_config(config_path))
    with StateStore.open(state_path(loaded)) as store:
        held = store.unlock()
    echo(
        f"Released the lock held by {held.holder} ({held.operation}) since {held.since}."
        if held
        else "The state was not locked."
    )


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


def _resource_json(resource: Resource, protected: bool, tasks: list[int]) -> dict[str, Any]:
    return {
        "address": str(resource.address),
        "remote_id": resource.remote_id,
        "fields": {name: _plain(value) for name, value in sorted(resource.fields.items())},
        "protected": protected,
        "open_tasks": tasks,
    }


def _run_json(run: ApplyRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "operation": run.operation,
        "who": run.who,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status,
        "commit": run.commit,
        "dirty": run.git_dirty,
        "plan_digest": run.plan_digest,
        "results": [
            {
                "address": str(result.address),
                "action": result.action,
                "execution": result.execution,
                "status": result.status,
                "message": result.message,
                "at": result.at,
            }
            for result in run.results
        ],
    }
