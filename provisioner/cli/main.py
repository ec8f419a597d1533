"""`provisioner`: the entry point, the command group and the one place errors become exit codes."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import click

from provisioner import __version__
from provisioner.cli.commands import LazyGroup
from provisioner.cli.output import error
from provisioner.cli.stopping import EXIT_INTERRUPTED
from provisioner.errors import ConfigError, ProvisionerError


class _Group(LazyGroup):
    """Turns expected failures into one line on stderr and exit 1; tracebacks only with --debug."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ConfigError as exc:
            for diagnostic in exc.diagnostics:
                click.echo(str(diagnostic), err=True)
            error(str(exc))
        except ProvisionerError as exc:
            if _debugging(ctx):
                raise
            error(str(exc), exc.details)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except Exception as exc:
            # A bug, not the user's doing: still one line, the traceback only with --debug.
            if _debugging(ctx):
                raise
            error(f"unexpected {type(exc).__name__}: {exc} (run with --debug for the traceback)")
        raise click.exceptions.Exit(1)


def _debugging(ctx: click.Context) -> bool:
    return bool(ctx.obj and ctx.obj.get("debug"))


@click.group(
    cls=_Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, prog_name="provisioner")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Customer-service staff access as code: plan and apply sub-accounts on every shop."""
    if ctx.invoked_subcommand is None and not ctx.resilient_parsing:
        # `provisioner` alone is someone finding their way: the help, and success.
        click.echo(ctx.get_help())
        ctx.exit(0)
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code instead of exiting, for tests and embedding."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="provisioner",
            standalone_mode=False,
        )
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 1
    except click.exceptions.Abort as exc:
        if isinstance(exc.__cause__, KeyboardInterrupt):  # Ctrl-C before apply's own handler
            error("interrupted")
            return EXIT_INTERRUPTED
        error("aborted")
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
