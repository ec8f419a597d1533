"""`provisioner validate`: load and check a config; one summary line when it is valid."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option, format_option
from provisioner.cli.output import echo, warning
from provisioner.config.loader import LoadedConfig, load_config
from provisioner.errors import ConfigError, ProvisionerError


@click.command("validate")
@config_option
@format_option("text", "json", default="text")
@click.pass_context
def command(ctx: click.Context, config_path: Path, output_format: str) -> None:
    """Check the configuration: syntax, keys, references, names, policies."""
    if output_format == "json":
        ctx.exit(_as_json(config_path))
    loaded = load_config(config_path)
    for found in loaded.warnings:
        warning(f"{found.file}:{found.line}:{found.col}: {found.path}: {found.message}")
    counts = _summary(loaded)
    echo(
        f"Valid: {_count(counts['shops'], 'shop')}, {_count(counts['roles'], 'role')}, "
        f"{_count(counts['agents'], 'agent')}, {_count(counts['accounts'], 'account')} "
        f"({_count(counts['files'], 'file')})."
    )


def _as_json(config_path: Path) -> int:
    """Every finding as one JSON document on stdout; exit 1 when the config is invalid."""
    from provisioner.render.validation import render_validation, unplaced

    try:
        loaded = load_config(config_path)
    except ConfigError as exc:
        echo(render_validation(None, exc.diagnostics), nl=False)
        return 1
    except ProvisionerError as exc:
        echo(render_validation(None, [unplaced(str(exc))]), nl=False)
        return 1
    echo(render_validation(loaded, (), loaded.warnings), nl=False)
    return 0


def _summary(loaded: LoadedConfig) -> dict[str, int]:
    from provisioner.render.validation import summary

    return summary(loaded)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
