"""`provisioner apply`: plan, show, confirm, then carry the changes out (or apply a saved plan)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from provisioner.apply.executor import ApplyReport, Executor
from provisioner.apply.identity import current_user, git_commit, git_dirty
from provisioner.cli.notifying import tell
from provisioner.cli.options import format_option, parallelism_option, refresh_option, shop_option
from provisioner.cli.output import echo, warning
from provisioner.cli.progress import progress_for
from provisioner.cli.render import rendered
from provisioner.cli.results import render_results_json, render_results_text, summary_line
from provisioner.cli.stopping import EXIT_INTERRUPTED, stop_on_signals
from provisioner.config.checkout import located
from provisioner.config.loader import LoadedConfig, load_config
from provisioner.errors import ProvisionerError, UnsafePlanError
from provisioner.notify.message import Message, opened_message
from provisioner.plan.model import Plan
from provisioner.plan.refresh import Refresh
from provisioner.plan.saved import SavedPlan, check_matches, check_signature, plan_key, read_plan
from provisioner.run.workflow import plan_loaded, state_path
from provisioner.state import StateStore
from provisioner.tasks.due import removes_access
from provisioner.tasks.listing import view_for


@click.command("apply")
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file or directory (default: the saved plan's, else the current directory).",
)
@click.argument("planfile", required=False, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--auto-approve", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Apply even if the plan exceeds a safety threshold.")
@shop_option
@parallelism_option
@refresh_option
@click.option(
    "--lock-timeout",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    help="Seconds to wait for the state lock.",
)
@format_option("text", "json", default="text")
@click.pass_context
def command(
    ctx: click.Context,
    config_path: Path | None,
    planfile: Path | None,
    auto_approve: bool,
    force: bool,
    shops: tuple[str, ...],
    parallelism: int,
    refresh: Refresh,
    lock_timeout: float,
    output_format: str,
) -> None:
    """Carry out the plan: API changes now, manual changes as tasks."""
    as_json = output_format == "json"
    if as_json and planfile is None and not auto_approve:
        raise click.UsageError("--format json shows no plan to confirm: pass --auto-approve")
    saved = _read_saved(planfile)
    if config_path is None:
        # Saved plans name their config relative to the checkout: any clone of it will do.
        config_path = located(saved.config_path) if saved and saved.config_path else Path(".")
    loaded = load_config(config_path)
    for diagnostic in loaded.warnings:  # once, as plan and validate show them
        warning(str(diagnostic).replace(": warning: ", ": ", 1))
    who = current_user()
    with StateStore.open(state_path(loaded)) as store, store.lock(who, "apply", lock_timeout):
        planned = plan_loaded(loaded, _shops_of(saved) if saved else shops, parallelism, refresh)
        try:
            plan = _reviewed(
                planned.plan,
                saved,
                planfile,
                force=force,
                auto_approve=auto_approve,
                show=not as_json,
            )
            if plan is None:
                if as_json:
                    echo(render_results_json(None, {}, planned.plan.digest), nl=False)
                return
            commit = git_commit(loaded.base_dir)
            with progress_for(plan.changes) as progress, stop_on_signals() as stop:
                executor = Executor(store, planned.connectors, progress, stop)
                report = executor.apply(
                    plan,
                    who=who,
                    commit=commit,
                    dirty=git_dirty(loaded.base_dir),
                    parallelism=parallelism,
                    force=force,
                )
            message = _news(loaded, store, report, who, commit)
        finally:
            planned.close()
    platforms = dict(plan.platforms)
    if as_json:
        echo(render_results_json(report, platforms, plan.digest), nl=False)
    else:
        echo(render_results_text(report, platforms), nl=False)
        _summarise(report)
    tell(loaded, message, err=True)  # after the lock is released: a slow bot holds up nobody
    if report.interrupted:
        ctx.exit(EXIT_INTERRUPTED)
    if report.failed:
        ctx.exit(1)


def _read_saved(planfile: Path | None) -> Plan | None:
    """The saved plan, its signature checked before anything connects to a platform."""
    if planfile is None:
        return None
    saved: SavedPlan = read_plan(planfile)
    check_signature(saved, planfile, plan_key())
    return saved.plan


def _news(
    loaded: LoadedConfig, store: StateStore, report: ApplyReport, who: str, commit: str | None
) -> Message | None:
    """For the group chat: the tasks this apply opened and the offboardings it did by API."""
    if not loaded.config.settings.notify:
        return None
    opened = [
        store.task(outcome.task_id)
        for outcome in report.outcomes
        if outcome.status == "task_opened" and outcome.task_id is not None
    ]
    offboarded = [
        outcome.change
        for outcome in report.outcomes
        if outcome.status == "ok"
        and outcome.change.execution == "api"
        and removes_access(
            outcome.change.address.kind, outcome.change.action, outcome.change.fields
        )
    ]
    view = view_for(loaded.config, store.tasks(), datetime.now(UTC))
    return opened_message(opened, offboarded, view, who, commit)


def _reviewed(
    fresh: Plan,
    saved: Plan | None,
    planfile: Path | None,
    *,
    force: bool,
    auto_approve: bool,
    show: bool = True,
) -> Plan | None:
    """The plan to carry out, once shown and confirmed (or checked fresh); None: nothing to do."""
    plan = fresh  # never the file's: safety and every change are what planning says now
    if saved is not None and planfile is not None:
        check_matches(saved, fresh, planfile)
    elif show:
        echo(rendered(plan, "text"), nl=False)
    if not (plan.changes or plan.has_bookkeeping):
        return None
    if plan.unsafe and not force:
        raise UnsafePlanError("refusing an unsafe plan: " + "; ".join(plan.unsafe))
    if plan.changes and saved is None and not auto_approve:
        _confirm()
    return plan


def _shops_of(plan: Plan) -> tuple[str, ...]:
    return tuple(name for name, _ in plan.platforms)


def _confirm() -> None:
    if not sys.stdin.isatty():
        raise ProvisionerError(
            "stdin is not a terminal: pass --auto-approve to apply without asking"
        )
    answer = click.prompt(
        "Apply these changes? Only 'yes' is accepted", default="", show_default=False
    )
    if answer.strip() != "yes":
        raise ProvisionerError("apply cancelled")


def _summarise(report: ApplyReport) -> None:
    if report.interrupted:
        done = summary_line(report).removeprefix("Apply complete: ").removesuffix(".")
        echo(f"Apply interrupted: {done}, {report.not_started} not started.")
        warning("interrupted: run apply again to carry out what was not started")
        return
    echo(summary_line(report))
    if report.count("task_opened"):
        echo(
            "See the back-office steps with `provisioner tasks`; mark each done with `provisioner tasks done ID`."
        )
    if report.failed:
        warning(
            "some changes failed; fix the cause and run apply again (it only redoes what is left)"
        )
