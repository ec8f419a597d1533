"""`provisioner sandbox serve`: the Tmall/Taobao, Kuaishou and JD emulators over HTTP on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import click

from provisioner.cli.output import echo
from provisioner.emulators.family import families
from provisioner.emulators.server import DEFAULT_PORT, make_server

CREDENTIALS = (
    "  app_key:      sandbox-app",
    "  app_secret:   sandbox-secret",
    "  sign_secret:  sandbox-sign-secret   (Kuaishou signSecret)",
    "  session:      sandbox-session       (TOP session / Kuaishou and JD access_token)",
)


@click.group("sandbox")
def command() -> None:
    """The local emulators of the platforms' APIs (no credentials, no network)."""


@command.command("serve")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="0 picks a free port.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path(".provisioner/sandbox"),
    show_default=True,
    help="Where the emulated shops are kept (the in-process sandbox of `endpoint: sandbox` uses the same place beside the config).",
)
@click.option(
    "--stop-after",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Stop by itself after this many seconds.",
)
def serve(port: int, data_dir: Path, stop_after: float | None) -> None:
    """Serve TOP at /router/rest, Kuaishou at /open/... and JD at /routerjson on one port of 127.0.0.1."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = make_server(data_dir, "127.0.0.1", port)
    echo(f"Sandbox serving {server.url} (data in {data_dir})")
    for family in families():
        where = f"{server.url}{family.path}" + ("..." if family.prefix else "")
        echo(f"  {family.title + ':':<21}{where}")
    echo(f"Use `endpoint: {server.url}` on a shop, with these fixed credentials:")
    for line in CREDENTIALS:
        echo(line)
    echo(
        "Every shop using session sandbox-session is one seller; use sandbox-session/NAME to keep shops apart."
    )
    echo("Ctrl-C stops it.")
    server.serve_forever(stop_after)
