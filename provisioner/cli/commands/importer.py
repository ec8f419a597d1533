"""`provisioner import --shop SHOP`: write a readable shop's live accounts as config YAML."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.options import config_option
from provisioner.cli.output import echo, write_file
from provisioner.config.loader import load_config
from provisioner.run.importer import import_shop
from provisioner.run.workflow import connect_shops, state_path
from provisioner.state import StateReader


@click.command("import")
@config_option
@click.option("--shop", required=True, metavar="SHOP", help="The shop to read.")
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write to this file (e.g. inside the config directory).",
)
def command(config_path: Path, shop: str, out: Path | None) -> None:
    """Live accounts, roles and groups not yet in the config, as YAML to merge into it."""
    loaded = load_config(config_path)
    with StateReader.open(state_path(loaded)) as state:
        connector = connect_shops(loaded, state, (shop,))[shop]
    try:
        imported = import_shop(loaded, shop, connector)
    finally:
        connector.close()
    summary = f"Imported {imported.accounts} accounts, {imported.roles} role templates, {imported.groups} groups from {shop}."
    if out is None:
        echo(imported.yaml, nl=False)
        echo(summary, err=True)
        return
    write_file(out, imported.yaml, "the imported config")
    echo(f"{summary} Wrote {out}.", err=True)
