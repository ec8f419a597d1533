"""One module per command, imported only when its command runs (startup time is per run)."""

from __future__ import annotations

import difflib
import importlib

import click

# Name -> module; the order is the order of `provisioner --help`.
COMMANDS = {
    "validate": "validate",
    "plan": "plan",
    "apply": "apply",
    "show": "show",
    "tasks": "tasks",
    "import": "importer",
    "report": "report",
    "state": "state",
    "sandbox": "sandbox",
    "schema": "schema",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        module = COMMANDS.get(name)
        if module is None:
            return None
        command: click.Command = importlib.import_module(f"{__name__}.{module}").command
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)
