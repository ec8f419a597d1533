"""Saved plans: read back, and refused when the world moved on since they were made."""

from __future__ import annotations

from pathlib import Path

from provisioner.errors import PlanError, StalePlanError
from provisioner.plan.document import plan_from_json
from provisioner.plan.model import Plan


def read_plan(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanError(f"plan file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path} is not a saved plan: {exc}") from None
    try:
        return plan_from_json(text)
    except PlanError as exc:
        raise PlanError(f"{path}: {exc}") from None


def check_fresh(saved: Plan, fresh: Plan, path: Path) -> None:
    """Apply only what was reviewed: same config, same recorded and live state."""
    if saved.config_digest != fresh.config_digest:
        raise StalePlanError(f"{path} is stale: the config changed since it was saved; plan again")
    if saved.state_digest != fresh.state_digest:
        raise StalePlanError(
            f"{path} is stale: the recorded or live state changed since it was saved (another apply, a task "
            "closed, or a change in a back office); plan again"
        )
