"""The command line as a user first meets it: --version, --help everywhere, exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import click
import pytest

from provisioner import __version__
from provisioner.cli.commands import SHORT_HELP
from provisioner.cli.main import cli, main


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand registered, so a new one is covered without editing this."""
    context = click.Context(group)
    for name in sorted(group.list_commands(context)):
        command = group.get_command(context, name)
        assert command is not None
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from command_paths(command, (*prefix, name))


def command_at(path: tuple[str, ...]) -> click.Command:
    command: click.Command = cli
    for name in path:
        assert isinstance(command, click.Group)
        found = command.get_command(click.Context(command), name)
        assert found is not None
        command = found
    return command


COMMANDS = list(command_paths(cli))


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"provisioner, version {__version__}\n"


def test_the_documented_commands_are_registered() -> None:
    assert {("validate",), ("schema",)} <= set(COMMANDS)


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: provisioner ")
    for name in cli.list_commands(click.Context(cli)):
        assert f"  {name} " in out or f"  {name}\n" in out


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path, "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"Usage: provisioner {' '.join(path)}")
    assert command_at(path).help, f"`provisioner {' '.join(path)}` has no help text"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_every_command_accepts_h(path: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*path, "-h"]) == 0
    assert capsys.readouterr().out.startswith("Usage: ")


def test_a_usage_error_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--no-such-option"]) == 1
    err = capsys.readouterr().err
    assert "No such option '--no-such-option'" in err
    assert "Traceback" not in err


def test_an_unknown_command_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["valdate"]) == 1
    assert "validate" in capsys.readouterr().err


def test_the_installed_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "provisioner.cli.main", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == f"provisioner, version {__version__}\n"


def test_no_arguments_prints_the_help_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Usage: provisioner ")
    assert "  plan " in out


@pytest.mark.parametrize("name", sorted(SHORT_HELP))
def test_the_listed_help_is_each_commands_own(name: str) -> None:
    # `provisioner --help` lists SHORT_HELP without importing the commands: it must not drift.
    help_text = command_at((name,)).help or ""
    assert help_text.split("\n\n")[0].strip() == SHORT_HELP[name], (
        f"update SHORT_HELP[{name!r}] in provisioner/cli/commands/__init__.py"
    )


def test_help_does_not_import_the_commands() -> None:
    code = (
        "import sys; from provisioner.cli.main import main; main(['--help']);"
        "print(sorted(m for m in sys.modules if m.startswith(('provisioner.config',"
        " 'provisioner.plan', 'pydantic'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_a_script_for_each_shell(
    shell: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["completion", shell]) == 0
    script = capsys.readouterr().out
    assert "_PROVISIONER_COMPLETE" in script
    assert f"{shell}_complete" in script


def _complete(words: str, cword: int) -> list[str]:
    environment = {
        **os.environ,
        "_PROVISIONER_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(cword),
    }
    done = subprocess.run(
        [sys.executable, "-m", "provisioner.cli.main"],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_the_completion_script_completes_commands_and_choices() -> None:
    # What the bash script asks for as the user presses Tab, answered by the real program.
    assert _complete("provisioner pl", 1) == ["plan"]
    assert _complete("provisioner plan --format ", 3) == ["text", "json", "markdown"]
    assert _complete("provisioner completion ", 2) == ["bash", "zsh", "fish"]


def test_an_unknown_shell_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "powershell"]) == 1
    assert "'powershell' is not one of 'bash', 'zsh', 'fish'" in capsys.readouterr().err
