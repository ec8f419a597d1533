"""`provisioner completion SHELL`: the script that makes the shell complete provisioner's commands."""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from provisioner.cli.output import echo

SHELLS = ("bash", "zsh", "fish")
# What click's completion scripts set to ask the program for candidates.
COMPLETE_VAR = "_PROVISIONER_COMPLETE"


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
@click.pass_context
def command(ctx: click.Context, shell: str) -> None:
    """Print the shell completion script for bash, zsh or fish.

    \b
    bash:  eval "$(provisioner completion bash)"      (in ~/.bashrc)
    zsh:   eval "$(provisioner completion zsh)"       (in ~/.zshrc)
    fish:  provisioner completion fish > ~/.config/fish/completions/provisioner.fish
    """
    completion_class = get_completion_class(shell)
    assert completion_class is not None  # click ships all three
    root = ctx.find_root().command
    echo(completion_class(root, {}, "provisioner", COMPLETE_VAR).source(), nl=False)
