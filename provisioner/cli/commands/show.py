"""`provisioner show PLANFILE`: render a saved plan again, in any format."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import format_option, verbose_option
from provisioner.cli.output import echo
from provisioner.cli.render import rendered
from provisioner.plan.saved import read_plan


@click.command("show")
@click.argument("planfile", type=click.Path(path_type=Path, dir_okay=False))
@format_option("text", "json", "markdown", default="text")
@verbose_option
def command(planfile: Path, output_format: str, verbose: bool) -> None:
    """Show a plan saved with `plan --out`, with each manual task's back-office steps."""
    echo(rendered(read_plan(planfile).plan, output_format, steps=True, verbose=verbose), nl=False)
