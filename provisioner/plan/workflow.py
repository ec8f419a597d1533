"""From a config path to a Plan: load, connect, check, read live, diff. What `plan` and `apply` share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from provisioner.config.loader import LoadedConfig, load_config
from provisioner.connectors.base import Connector
from provisioner.errors import PlanError, StateError
from provisioner.plan.model import Plan
from provisioner.plan.observe import connect, observe
from provisioner.plan.planner import Observed, make_plan, select_shops
from provisioner.state import StateReader


@dataclass
class Planned:
    loaded: LoadedConfig
    plan: Plan
    connectors: dict[str, Connector]


def state_path(loaded: LoadedConfig) -> Path:
    settings = loaded.config.settings.state
    if settings.backend != "sqlite":
        raise StateError(
            f"state backend '{settings.backend}' is not available in this version; use sqlite"
        )
    path = Path(settings.path).expanduser()
    return path if path.is_absolute() else loaded.base_dir / path


def connect_shops(
    loaded: LoadedConfig, state: StateReader, shops: Sequence[str] = ()
) -> dict[str, Connector]:
    selected = select_shops(loaded, state, shops)
    live_shops = [name for name in selected if not loaded.config.shops[name].retired]
    return connect(loaded, live_shops)


def plan_config(config_path: Path, shops: Sequence[str] = (), parallelism: int = 4) -> Planned:
    return plan_loaded(load_config(config_path), shops, parallelism)


def plan_loaded(loaded: LoadedConfig, shops: Sequence[str] = (), parallelism: int = 4) -> Planned:
    with StateReader.open(state_path(loaded)) as state:
        selected = select_shops(loaded, state, shops)
        connectors = connect_shops(loaded, state, selected)
        problems = [
            f"{name}: {problem}"
            for name, c in sorted(connectors.items())
            for problem in c.problems()
        ]
        if problems:
            raise PlanError("; ".join(problems))
        live = observe(connectors, parallelism)
        observed = Observed({name: c.capabilities for name, c in connectors.items()}, live)
        plan = make_plan(loaded, state, observed, selected)
    return Planned(loaded, plan, connectors)
