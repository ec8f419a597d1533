"""`provisioner tasks`: the manual work apply opened, with its back-office steps; close it when done."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import click

from provisioner.apply.identity import current_user
from provisioner.apply.tasks import Verdict, complete_task, verify_open
from provisioner.cli.notifying import tell
from provisioner.cli.options import config_option, format_option
from provisioner.cli.output import echo, style
from provisioner.config.loader import LoadedConfig, load_config
from provisioner.errors import ProvisionerError
from provisioner.notify.message import reminder_message
from provisioner.run.workflow import close_all, connect_shops, state_path
from provisioner.state import StateReader, StateStore, Task
from provisioner.tasks.listing import as_json, render_text, view_for
from provisioner.tasks.words import word

# Closing a task is quick; wait a little for an apply in progress rather than race it.
TASK_LOCK_WAIT = 30.0

# `-c` is accepted after the subcommand too (`tasks list -c DIR`), as people type it.
sub_config_option = click.option(
    "-c",
    "--config",
    "sub_config",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file or directory (also accepted before the subcommand).",
)


@click.group("tasks", invoke_without_command=True)
@config_option
@click.pass_context
def command(ctx: click.Context, config_path: Path) -> None:
    """Manual tasks: list them, mark them done, verify or cancel them, remind the team."""
    ctx.obj = {**(ctx.obj or {}), "config_path": config_path}
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_tasks)


def loaded_config(ctx: click.Context, sub_config: Path | None) -> LoadedConfig:
    return load_config(sub_config or ctx.obj["config_path"])


@command.command("list")
@format_option("text", "json", default="text")
@click.option("--all", "show_all", is_flag=True, help="Include done and cancelled tasks.")
@click.option("--overdue", is_flag=True, help="Only open tasks past their due time.")
@click.option("--shop", "shops", multiple=True, metavar="SHOP", help="Only this shop (repeatable).")
@sub_config_option
@click.pass_context
def list_tasks(
    ctx: click.Context,
    output_format: str = "text",
    show_all: bool = False,
    overdue: bool = False,
    shops: tuple[str, ...] = (),
    sub_config: Path | None = None,
) -> None:
    """Open tasks with their due times and back-office steps."""
    loaded = loaded_config(ctx, sub_config)
    with StateReader.open(state_path(loaded)) as state:
        every = state.tasks()
    view = view_for(loaded.config, every, datetime.now(UTC))
    tasks = tuple(
        task
        for task in every
        if (show_all or task.is_open)
        and (not shops or task.address.shop in shops)
        and (not overdue or (task.is_open and view.deadline(task).overdue(view.now)))
    )
    if output_format == "json":
        echo(json.dumps([as_json(task, view) for task in tasks], ensure_ascii=False, indent=2))
        return
    language = loaded.config.settings.language
    if not tasks:
        empty = "none_overdue" if overdue else "none" if show_all else "none_open"
        echo(word(language, empty))
        return
    echo(render_text(tasks, view, lambda text, colour: style(text, fg=colour or None)), nl=False)


@command.command("done")
@click.argument("task_ids", nargs=-1, required=True, type=int)
@click.option("--note", help="What was done, for the record.")
@click.option(
    "--force",
    is_flag=True,
    help="Close it although the live shop does not show it done (needs --note: kept as an override).",
)
@sub_config_option
@click.pass_context
def done(
    ctx: click.Context,
    task_ids: tuple[int, ...],
    note: str | None,
    force: bool,
    sub_config: Path | None,
) -> None:
    """Record that tasks were carried out in the back office (checked on the live shop where it
    can be read)."""
    if force and not (note and note.strip()):
        raise click.UsageError("--force needs --note saying why the live shop may be trusted less")
    loaded = loaded_config(ctx, sub_config)
    who = current_user()
    with (
        StateStore.open(state_path(loaded)) as store,
        store.lock(who, "tasks done", TASK_LOCK_WAIT),
    ):
        connectors = connect_shops(loaded, store)
        try:
            for task_id in task_ids:
                task = complete_task(store, connectors, task_id, who, note, force=force)
                echo(_done_line(task))
        finally:
            close_all(connectors)


_HOW = {
    "verified": "checked on the live shop",
    "attested": "{platform} cannot be read: attested by {who}",
    "forced": "forced by {who} although the live shop does not show it",
}


def _done_line(task: Task) -> str:
    how = _HOW.get(task.closed_how or "", "")
    detail = f" ({how.format(platform=task.platform, who=task.closed_by)})" if how else ""
    return f"Task #{task.id} done: {task.action} {task.address} recorded{detail}."


@command.command("verify")
@sub_config_option
@click.pass_context
def verify(ctx: click.Context, sub_config: Path | None) -> None:
    """Close every open task the live shop already shows done (where the platform can read it)."""
    loaded = loaded_config(ctx, sub_config)
    who = current_user()
    with (
        StateStore.open(state_path(loaded)) as store,
        store.lock(who, "tasks verify", TASK_LOCK_WAIT),
    ):
        connectors = connect_shops(loaded, store)
        try:
            verdicts = verify_open(store, connectors, who)
        finally:
            close_all(connectors)
    if not verdicts:
        echo("No open manual tasks.")
        return
    for verdict in verdicts:
        echo(_verdict_line(verdict))
    closed = sum(1 for verdict in verdicts if verdict.outcome == "verified")
    echo(f"Verified {closed} of {len(verdicts)} open tasks.")


def _verdict_line(verdict: Verdict) -> str:
    task = verdict.task
    what = f"{task.action} {task.address}"
    if verdict.outcome == "verified":
        return f"Task #{task.id} done: {what} is live (checked on the live shop)."
    if verdict.outcome == "not_yet":
        return f"Task #{task.id} still open: {verdict.detail}."
    if verdict.outcome == "waiting":
        return f"Task #{task.id} still open: waits for {verdict.detail}."
    if verdict.outcome == "unreachable":
        return f"Task #{task.id} not checked: cannot read {task.address.shop} ({verdict.detail})."
    return (
        f"Task #{task.id} not checked: {task.platform} cannot be read; "
        f"`provisioner tasks done {task.id}` once it is done."
    )


@command.command("cancel")
@click.argument("task_ids", nargs=-1, required=True, type=int)
@click.option("--note", help="Why it was cancelled.")
@sub_config_option
@click.pass_context
def cancel(
    ctx: click.Context, task_ids: tuple[int, ...], note: str | None, sub_config: Path | None
) -> None:
    """Drop tasks that are no longer wanted; the next plan proposes them again if still needed."""
    loaded = loaded_config(ctx, sub_config)
    with StateStore.open(state_path(loaded)) as store:
        for task_id in task_ids:
            task = store.cancel_task(task_id, current_user(), note)
            echo(f"Task #{task.id} cancelled.")


@command.command("remind")
@click.option("--shop", "shops", multiple=True, metavar="SHOP", help="Only this shop (repeatable).")
@sub_config_option
@click.pass_context
def remind(ctx: click.Context, shops: tuple[str, ...], sub_config: Path | None) -> None:
    """Send the open tasks (overdue first) to the group bots in settings.notify."""
    loaded = loaded_config(ctx, sub_config)
    if not loaded.config.settings.notify:
        raise ProvisionerError(
            "no group bots to remind: add settings.notify (dingtalk, feishu or wecom)"
        )
    with StateReader.open(state_path(loaded)) as state:
        every = state.tasks()
    view = view_for(loaded.config, every, datetime.now(UTC))
    open_tasks = [t for t in every if t.is_open and (not shops or t.address.shop in shops)]
    message = reminder_message(open_tasks, view)
    if message is None:
        echo(word(loaded.config.settings.language, "none_open") + " Nothing to remind.")
        return
    if not tell(loaded, message, strict=True):
        ctx.exit(1)
