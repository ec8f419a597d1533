"""`provisioner report`: every account on every shop, from the live platforms and the state."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from provisioner.apply.identity import git_commit
from provisioner.cli.options import config_option, format_option, parallelism_option, shop_option
from provisioner.cli.output import echo, write_file
from provisioner.config.loader import load_config
from provisioner.config.timing import zone
from provisioner.render.html import report_html
from provisioner.render.report import ReportInfo, report_csv, report_markdown
from provisioner.run.workflow import take_inventory


@click.command("report")
@config_option
@format_option("markdown", "csv", "html", default="markdown")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
@shop_option
@parallelism_option
def command(
    config_path: Path,
    output_format: str,
    out: Path | None,
    shops: tuple[str, ...],
    parallelism: int,
) -> None:
    """Every account on every shop: who holds it, its roles, permissions and risk (for audits)."""
    loaded = load_config(config_path)
    rows = take_inventory(loaded, shops, parallelism)
    timezone = loaded.config.settings.timezone
    info = ReportInfo(
        generated_at=datetime.now(UTC).astimezone(zone(timezone)).strftime("%Y-%m-%d %H:%M:%S %z"),
        timezone=timezone,
        commit=git_commit(loaded.base_dir),
        shops=tuple(
            s for s in (shops or loaded.config.shops) if not loaded.config.shops[s].retired
        ),
    )
    if output_format == "html":
        text = report_html(rows, info)
    elif output_format == "csv":
        text = report_csv(rows)  # starts with a UTF-8 byte-order mark, for Excel
    else:
        text = report_markdown(rows, info)
    if out is None:
        echo(text, nl=False)
        return
    write_file(out, text, "the report")
    echo(f"Wrote {len(rows):,} accounts to {out}.", err=True)
