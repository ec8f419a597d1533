"""`provisioner tasks`: the manual work apply opened, with its back-office steps; close it when done."""

from __future__ import annotations

import json
from pathlib import Path

import click

from provisioner.apply.identity import current_user
from provisioner.apply.tasks import complete_task
from provisioner.cli.options import config_option, format_option
from provisioner.cli.output import echo, style
from provisioner.config.loader import load_config
from provisioner.run.workflow import close_all, connect_shops, state_path
from provisioner.state import StateReader, StateStore, Task

# Closing a task is quick; wait a little for an apply in progress rather than race it.
TASK_LOCK_WAIT = 30.0


@click.group("tasks", invoke_without_command=True)
@config_option
@click.pass_context
def command(ctx: click.Context, config_path: Path) -> None:
    """Manual tasks: list them, mark them done, or cancel them."""
    ctx.obj = {**(ctx.obj or {}), "config_path": config_path}
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_tasks)


@command.command("list")
@format_option("text", "json", default="text")
@click.option("--all", "show_all", is_flag=True, help="Include done and cancelled tasks.")
@click.pass_context
def list_tasks(ctx: click.Context, output_format: str = "text", show_all: bool = False) -> None:
    """Open tasks with their back-office steps."""
    loaded = load_config(ctx.obj["config_path"])
    with StateReader.open(state_path(loaded)) as state:
        tasks = state.tasks(None if show_all else "open")
    if output_format == "json":
        echo(json.dumps([_as_json(task) for task in tasks], ensure_ascii=False, indent=2))
        return
    if not tasks:
        echo("No open manual tasks." if not show_all else "No manual tasks.")
        return
    for task in tasks:
        echo(_as_text(task))


@command.command("done")
@click.argument("task_ids", nargs=-1, required=True, type=int)
@click.option("--note", help="What was done, for the record.")
@click.pass_context
def done(ctx: click.Context, task_ids: tuple[int, ...], note: str | None) -> None:
    """Record that tasks were carried out in the back office."""
    loaded = load_config(ctx.obj["config_path"])
    who = current_user()
    with (
        StateStore.open(state_path(loaded)) as store,
        store.lock(who, "tasks done", TASK_LOCK_WAIT),
    ):
        connectors = connect_shops(loaded, store)
        try:
            for task_id in task_ids:
                task = complete_task(store, connectors, task_id, who, note)
                echo(f"Task #{task.id} done: {task.action} {task.address} recorded.")
        finally:
            close_all(connectors)


@command.command("cancel")
@click.argument("task_ids", nargs=-1, required=True, type=int)
@click.option("--note", help="Why it was cancelled.")
@click.pass_context
def cancel(ctx: click.Context, task_ids: tuple[int, ...], note: str | None) -> None:
    """Drop tasks that are no longer wanted; the next plan proposes them again if still needed."""
    loaded = load_config(ctx.obj["config_path"])
    with StateStore.open(state_path(loaded)) as store:
        for task_id in task_ids:
            task = store.cancel_task(task_id, current_user(), note)
            echo(f"Task #{task.id} cancelled.")


def _as_text(task: Task) -> str:
    header = f"#{task.id} {style(task.status, fg='yellow' if task.is_open else None)} {task.action} {task.address} ({task.platform})"
    lines = [
        header,
        f"   why: {task.reason}",
        f"   opened {task.created_at} by {task.created_by or '?'}",
    ]
    if task.is_open:
        lines += ["   " + step.replace("\n", "\n   ") for step in task.steps]
        lines.append(f"   Then: provisioner tasks done {task.id}")
    else:
        lines.append(
            f"   {task.status} {task.closed_at} by {task.closed_by or '?'}"
            + (f": {task.note}" if task.note else "")
        )
    return "\n".join(lines) + "\n"


def _as_json(task: Task) -> dict[str, object]:
    return {
        "id": task.id,
        "status": task.status,
        "address": str(task.address),
        "platform": task.platform,
        "action": task.action,
        "reason": task.reason,
        "steps": list(task.steps),
        "fields": [{"field": f.field, "before": f.before, "after": f.after} for f in task.fields],
        "created_at": task.created_at,
        "created_by": task.created_by,
        "closed_at": task.closed_at,
        "closed_by": task.closed_by,
        "note": task.note,
    }
