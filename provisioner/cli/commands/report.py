"""`provisioner report`: who has which permission where, from the config."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option, format_option
from provisioner.cli.output import echo, write_file
from provisioner.config.loader import load_config
from provisioner.render.report import access_rows, report_csv, report_html, report_markdown

_RENDERERS = {"markdown": report_markdown, "csv": report_csv, "html": report_html}


@click.command("report")
@config_option
@format_option("markdown", "csv", "html", default="markdown")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
def command(config_path: Path, output_format: str, out: Path | None) -> None:
    """Every person's permissions on every shop, with risk levels (for access reviews)."""
    rows = access_rows(load_config(config_path).config)
    text = _RENDERERS[output_format](rows)
    if out is None:
        echo(text, nl=False)
        return
    # Excel needs the byte-order mark to read a CSV file as UTF-8 (Chinese names).
    write_file(out, text, "the report", "utf-8-sig" if output_format == "csv" else "utf-8")
    echo(f"Wrote {len(rows):,} rows to {out}.", err=True)
