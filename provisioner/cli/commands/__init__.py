"""One module per command; `register` adds them all to the group."""

from __future__ import annotations

import click

from provisioner.cli.commands import (
    apply,
    importer,
    plan,
    report,
    sandbox,
    schema,
    show,
    state,
    tasks,
    validate,
)

MODULES = (validate, plan, apply, show, tasks, importer, report, state, sandbox, schema)


def register(group: click.Group) -> None:
    for module in MODULES:
        group.add_command(module.command)
