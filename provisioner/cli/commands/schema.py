"""`provisioner schema`: print or write the JSON Schema of the configuration language."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.output import echo


@click.command("schema")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file.")
def command(out: Path | None) -> None:
    """The JSON Schema editors and CI use to check config files."""
    # Imported here: jsonschema is slow to import and no other command needs it.
    from provisioner.config.schema import schema_text

    text = schema_text()
    if out is None:
        echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        echo(f"Wrote {out}.")
