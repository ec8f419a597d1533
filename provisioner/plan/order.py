"""The order of a shop's changes and what each must wait for (DESIGN §3).

Roles before the accounts that use them, accounts before the groups that list them; deletions
in reverse. A change that depends on another is skipped by apply when that one fails.
"""

from __future__ import annotations

from dataclasses import replace

from provisioner.resources import KIND_ORDER, Change, FieldValue, ResourceKind

_ACTION_ORDER = {"create": 0, "update": 1, "delete": 2}


def change_order(change: Change) -> tuple[str, int, int, str, int, int]:
    """Roles, accounts, groups; then deletions in reverse; api before manual on one address."""
    address = change.address
    deleting = change.action == "delete"
    kind_rank = -KIND_ORDER[address.kind] if deleting else KIND_ORDER[address.kind]
    return (
        address.shop,
        int(deleting),
        kind_rank,
        address.name,
        _ACTION_ORDER[change.action],
        int(change.execution == "manual"),
    )


def in_dependency_order(changes: list[Change]) -> list[Change]:
    """`changes` (already sorted) with every change after those of the list it depends on.

    Apply runs a shop's changes in this order and checks a change's dependencies as it reaches
    it, so a dependency must come first (a handover's enable after its reset, say). Changes
    keep their sorted order otherwise; a dependency cycle (never planned) keeps it too.
    """
    keys = {change.key for change in changes}
    placed: set[str] = set()
    waiting: dict[str, list[Change]] = {}
    result: list[Change] = []

    def place(change: Change) -> None:
        missing = next((k for k in change.depends_on if k in keys and k not in placed), None)
        if missing is not None:
            waiting.setdefault(missing, []).append(change)
            return
        result.append(change)
        placed.add(change.key)
        for waiter in waiting.pop(change.key, []):
            place(waiter)

    for change in changes:
        place(change)
    stuck = [c for c in changes if c.key not in placed]
    return result + stuck


def with_dependencies(changes: list[Change]) -> list[Change]:
    """Roles before the accounts that use them, members before groups, removals in reverse."""
    creates = {(c.address.kind, c.address.name): c.key for c in changes if c.action == "create"}
    dropped = _dropped_by(changes)
    result = []
    for change in changes:
        needs = set(change.depends_on) | _needs(change, creates, dropped)
        needs.discard(change.key)
        result.append(
            _replace_depends(change, tuple(sorted(needs)))
            if needs != set(change.depends_on)
            else change
        )
    return result


# What a change takes away from others: a group change dropping a member account, an account
# change dropping a role. The removal of that account or role must wait for it.
_DROPS: dict[ResourceKind, tuple[str, ResourceKind]] = {
    "group": ("members", "account"),
    "account": ("roles", "role"),
}


def _dropped_by(changes: list[Change]) -> dict[tuple[ResourceKind, str], set[str]]:
    """(kind, name) -> keys of the changes that drop it, indexed once for the whole shop."""
    dropped: dict[tuple[ResourceKind, str], set[str]] = {}
    for change in changes:
        drop = _DROPS.get(change.address.kind)
        if drop is None:
            continue
        field, target = drop
        before = next((c.before for c in change.fields if c.field == field), None)
        kept = set(strings(change.after().get(field)))
        for name in strings(before):
            if name not in kept:
                dropped.setdefault((target, name), set()).add(change.key)
    return dropped


def _needs(
    change: Change,
    creates: dict[tuple[ResourceKind, str], str],
    dropped: dict[tuple[ResourceKind, str], set[str]],
) -> set[str]:
    after, address = change.after(), change.address
    if change.action == "delete":
        return set(dropped.get((address.kind, address.name), ()))
    if address.kind == "account":
        wanted = [("role", r) for r in strings(after.get("roles"))]
    elif address.kind == "group":
        wanted = [("account", m) for m in strings(after.get("members"))]
    else:
        return set()
    return {creates[item] for item in wanted if item in creates}


def strings(value: FieldValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def _replace_depends(change: Change, depends_on: tuple[str, ...]) -> Change:
    return replace(change, depends_on=depends_on)
