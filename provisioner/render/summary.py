"""The one-line summaries: of the whole plan, and of one shop's changes."""

from __future__ import annotations

from collections.abc import Iterable

from provisioner.plan.model import Plan, action_counts
from provisioner.resources import Change

NO_CHANGES = "No changes."


def summary_line(plan: Plan) -> str:
    """`Plan: 1 to create, 2 to update, 0 to delete (1 manual).` or `No changes.`"""
    if not plan.has_changes:
        return NO_CHANGES
    return f"Plan: {counts(plan.changes)}."


def counts(changes: Iterable[Change]) -> str:
    """`1 to create, 2 to update, 0 to delete (1 manual)`; the manual count is always given,
    so scripts and reviewers find it in the same place."""
    changes = tuple(changes)
    actions = action_counts(changes)
    manual = sum(1 for change in changes if change.execution == "manual")
    return (
        f"{actions['create']} to create, {actions['update']} to update, "
        f"{actions['delete']} to delete ({manual} manual)"
    )


def by_shop(changes: Iterable[Change]) -> dict[str, tuple[Change, ...]]:
    """Changes per shop, shops in order of their first change, each in plan (apply) order."""
    shops: dict[str, list[Change]] = {}
    for change in changes:
        shops.setdefault(change.address.shop, []).append(change)
    return {shop: tuple(items) for shop, items in shops.items()}
