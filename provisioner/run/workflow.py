"""From a config path to a Plan: load, connect, check, read live, diff. What `plan` and `apply` share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from provisioner.config.checks import Finding
from provisioner.config.heap import paused_gc
from provisioner.config.loader import LoadedConfig, load_config, located
from provisioner.connectors.base import Connector
from provisioner.connectors.steps import manual_steps
from provisioner.errors import MissingCredentialsError
from provisioner.plan.inventory import AccountAccess, inventory
from provisioner.plan.model import Plan
from provisioner.plan.planner import Observed, make_plan, plan_parts, select_shops
from provisioner.plan.refresh import Refresh
from provisioner.run.observe import connect, observe, problems
from provisioner.state import StateReader, StateSnapshot
from provisioner.state.location import Location, location_of


@dataclass
class Planned:
    loaded: LoadedConfig
    plan: Plan
    connectors: dict[str, Connector]

    def close(self) -> None:
        close_all(self.connectors)


def close_all(connectors: Mapping[str, Connector]) -> None:
    """Release every connector's connections (HTTP clients, sandbox databases)."""
    for connector in connectors.values():
        connector.close()


def state_path(loaded: LoadedConfig) -> Location:
    """The configured state store (a SQLite file, or a PostgreSQL schema)."""
    return location_of(loaded.config.settings.state, loaded.base_dir)


def connect_shops(
    loaded: LoadedConfig, state: StateReader, shops: Sequence[str] = ()
) -> dict[str, Connector]:
    return _connect_selected(loaded, state, select_shops(loaded, state, shops))


def _connect_selected(
    loaded: LoadedConfig,
    state: StateReader | StateSnapshot,
    selected: Sequence[str],
    refresh: Refresh = "full",
) -> dict[str, Connector]:
    """Connectors for the selected shops that are not retired (retired ones are only forgotten)."""
    active = [name for name in selected if not loaded.config.shops[name].retired]
    trusted = state.resources if refresh == "changed" else None
    return connect(loaded, active, state.remote_ids, trusted)


def plan_config(
    config_path: Path, shops: Sequence[str] = (), parallelism: int = 4, refresh: Refresh = "full"
) -> Planned:
    return plan_loaded(load_config(config_path), shops, parallelism, refresh)


def plan_loaded(
    loaded: LoadedConfig,
    shops: Sequence[str] = (),
    parallelism: int = 4,
    refresh: Refresh = "full",
) -> Planned:
    state = read_state(loaded)
    selected = select_shops(loaded, state, shops)
    connectors = _connect_selected(loaded, state, selected, refresh)
    try:
        return _plan_with(loaded, state, selected, connectors, parallelism)
    except BaseException:
        close_all(connectors)
        raise


def read_state(loaded: LoadedConfig) -> StateSnapshot:
    """Everything planning needs of the state, in one read: a constant number of round trips
    to the store whatever the shop count, and one consistent view the plan's digest binds."""
    with StateReader.open(state_path(loaded)) as reader:
        return reader.snapshot()


def _plan_with(
    loaded: LoadedConfig,
    state: StateSnapshot,
    selected: Sequence[str],
    connectors: dict[str, Connector],
    parallelism: int,
) -> Planned:
    found = problems(connectors, parallelism)
    if found:
        raise located(loaded, found)  # FILE:LINE:COL of what each platform objects to
    with paused_gc():
        try:
            live = observe(connectors, parallelism)
        except MissingCredentialsError as exc:  # FILE:LINE:COL of the shop lacking them
            raise located(loaded, [Finding(("shops", exc.shop), str(exc), at_key=True)]) from exc
        # A field a platform could not read this time (an API gone or not granted): recorded.
        capabilities = {name: live[name].degrade(c.capabilities) for name, c in connectors.items()}
        observed = Observed(capabilities, live)
        plan = make_plan(loaded, state, observed, selected)
    return Planned(loaded, with_steps(plan, connectors), connectors)


def take_inventory(
    loaded: LoadedConfig, shops: Sequence[str] = (), parallelism: int = 4
) -> tuple[AccountAccess, ...]:
    """Every account that exists on the selected shops, read live where the platform can."""
    state = read_state(loaded)
    selected = select_shops(loaded, state, shops)
    connectors = _connect_selected(loaded, state, selected)
    try:
        live = observe(connectors, parallelism)
        observed = Observed({name: c.capabilities for name, c in connectors.items()}, live)
        active = [name for name in selected if not loaded.config.shops[name].retired]
        found = plan_parts(loaded, state, observed, active)
        protected = {
            name: frozenset(loaded.config.shops[name].protected) | state.protected(name)
            for name in active
        }
        return inventory(loaded.config, found, observed, state.open_tasks, protected)
    finally:
        close_all(connectors)


def with_steps(plan: Plan, connectors: Mapping[str, Connector]) -> Plan:
    """The plan with each manual change's back-office steps, as its task will show them."""
    steps = tuple(
        (change.key, manual_steps(connectors[change.address.shop].context, change))
        for change in plan.changes
        if change.execution == "manual" and change.address.shop in connectors
    )
    return replace(plan, steps=steps)
