"""Overdue offboarding work, as `check` and `plan --detailed-exitcode` report it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from provisioner.cli.output import echo, style
from provisioner.config.loader import LoadedConfig
from provisioner.run.workflow import state_path
from provisioner.state import StateReader, Task
from provisioner.tasks.due import overdue_offboarding
from provisioner.tasks.listing import TaskView, render_text, view_for


def overdue_tasks(
    loaded: LoadedConfig, shops: Collection[str] = ()
) -> tuple[list[Task], list[Task], TaskView]:
    """(overdue offboarding tasks, other overdue tasks, the view to show them with), of `shops`
    or of all."""
    with StateReader.open(state_path(loaded)) as state:
        every = tuple(t for t in state.tasks() if not shops or t.address.shop in shops)
    view = view_for(loaded.config, every, datetime.now(UTC))
    offboarding = overdue_offboarding(every, loaded.config.settings.tasks.due, view.now)
    others = [
        task
        for task in every
        if task.is_open and task not in offboarding and view.deadline(task).overdue(view.now)
    ]
    return offboarding, others, view


def describe(tasks: list[Task]) -> str:
    return ", ".join(f"#{task.id} {task.action} {task.address}" for task in tasks)


def show_tasks(tasks: list[Task], view: TaskView) -> None:
    echo(
        render_text(tuple(tasks), view, lambda text, colour: style(text, fg=colour or None)),
        nl=False,
    )


def overdue_message(tasks: list[Task], loaded: LoadedConfig) -> str:
    allowed = loaded.config.settings.tasks.due.offboarding
    count = len(tasks)
    return (
        f"{count} offboarding task{'s are' if count != 1 else ' is'} overdue (due within {allowed}): "
        f"{describe(tasks)}; do {'them' if count != 1 else 'it'} in the back office, then "
        "`provisioner tasks done ID`"
    )
