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
    "check": "check",
    "import": "importer",
    "report": "report",
    "state": "state",
    "sandbox": "sandbox",
    "schema": "schema",
    "completion": "completion",
}

# Each command's first help sentence, so `provisioner --help` (and shell completion) lists the
# commands without importing every one of them (that pulled in the whole package: ~0.5 s). A test
# checks these against the commands' own help; a command missing here is imported for its help.
SHORT_HELP = {
    "validate": "Check the configuration: syntax, keys, references, names, policies.",
    "plan": "Compare the config with the recorded and live state of every shop.",
    "apply": "Carry out the plan: API changes now, manual changes as tasks.",
    "show": "Show a plan saved with `plan --out`, with each manual task's back-office steps.",
    "tasks": "Manual tasks: list them, mark them done, verify or cancel them, remind the team.",
    "check": "Exit 1 while a manual task that removes access is past its due time.",
    "import": "Live accounts, roles and groups not yet in the config, as YAML to merge into it.",
    "report": "Every account on every shop: who holds it, its roles, permissions and risk (for audits).",
    "state": "The state store: what is recorded, the apply history, moving it, the apply lock.",
    "sandbox": "The local emulators of the platforms' APIs (no credentials, no network).",
    "schema": "The JSON Schema editors and CI use to check config files.",
    "completion": "Print the shell completion script for bash, zsh or fish.",
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

    def command_help(self, ctx: click.Context, name: str, limit: int) -> str:
        """A command's one-line help, from `SHORT_HELP` when it is there (no import)."""
        text = SHORT_HELP.get(name)
        if text is not None:
            return _truncated(text, limit)
        command = self.get_command(ctx, name)
        return command.get_short_help_str(limit) if command is not None else ""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = [name for name in self.list_commands(ctx) if name in COMMANDS]
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = [(name, self.command_help(ctx, name, limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(
        self, ctx: click.Context, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        from click.shell_completion import CompletionItem

        items = [
            CompletionItem(name, help=self.command_help(ctx, name, 45))
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        return items + super(click.Group, self).shell_complete(ctx, incomplete)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = click.utils.make_str(args[0]) if args else ""
        if args and name not in COMMANDS and not name.startswith("-"):
            close = difflib.get_close_matches(name, list(COMMANDS), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint}")
        return super().resolve_command(ctx, args)


def _truncated(text: str, limit: int) -> str:
    # As click shortens a command's help for listings: whole words, then "...".
    if len(text) <= limit:
        return text
    return text[: max(limit - 3, 0)].rsplit(" ", 1)[0].rstrip(" ,;:") + "..."
