"""`provisioner plan`: show what apply would change, and optionally save it for a later apply."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import (
    config_option,
    format_option,
    parallelism_option,
    refresh_option,
    shop_option,
    verbose_option,
)
from provisioner.cli.output import echo, error, warning, write_file
from provisioner.cli.overdue import overdue_message, overdue_tasks
from provisioner.cli.render import rendered
from provisioner.plan.refresh import Refresh
from provisioner.plan.saved import plan_key, saved_text
from provisioner.run.workflow import plan_config


@click.command("plan")
@config_option
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Save the plan for `apply FILE`."
)
@format_option("text", "json", "markdown", default="text")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when changes are pending.")
@shop_option
@verbose_option
@parallelism_option
@refresh_option
@click.pass_context
def command(
    ctx: click.Context,
    config_path: Path,
    out: Path | None,
    output_format: str,
    detailed_exitcode: bool,
    shops: tuple[str, ...],
    parallelism: int,
    refresh: Refresh,
    verbose: bool,
) -> None:
    """Compare the config with the recorded and live state of every shop."""
    key = plan_key() if out is not None else None  # a bad key fails before any platform call
    planned = plan_config(config_path, shops, parallelism, refresh)
    planned.close()
    for diagnostic in planned.loaded.warnings:
        warning(str(diagnostic).replace(": warning: ", ": ", 1))
    echo(rendered(planned.plan, output_format, verbose=verbose), nl=False)
    if out is not None:
        write_file(out, saved_text(planned.plan, key), "the plan")
        echo(f"Saved the plan to {out}; apply it with: provisioner apply {out}", err=True)
    planned_shops = [name for name, _ in planned.plan.platforms]
    offboarding, _, _ = overdue_tasks(planned.loaded, planned_shops)
    if offboarding:
        if detailed_exitcode:
            error(overdue_message(offboarding, planned.loaded))
            ctx.exit(1)
        warning(overdue_message(offboarding, planned.loaded))
    if detailed_exitcode and planned.plan.has_pending_work:
        ctx.exit(2)
