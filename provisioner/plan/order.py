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


def with_dependencies(changes: list[Change]) -> list[Change]:
    """Roles before the accounts that use them, members before groups, removals in reverse."""
    creates = {(c.address.kind, c.address.name): c.key for c in changes if c.action == "create"}
    result = []
    for change in changes:
        needs = set(change.depends_on) | _needs(change, creates, changes)
        needs.discard(change.key)
        result.append(
            _replace_depends(change, tuple(sorted(needs)))
            if needs != set(change.depends_on)
            else change
        )
    return result


def _needs(
    change: Change, creates: dict[tuple[ResourceKind, str], str], changes: list[Change]
) -> set[str]:
    after, kind = change.after(), change.address.kind
    needs: set[str] = set()
    if kind == "account" and change.action != "delete":
        needs |= {
            creates[("role", r)] for r in strings(after.get("roles")) if ("role", r) in creates
        }
    if kind == "group" and change.action != "delete":
        needs |= {
            creates[("account", m)]
            for m in strings(after.get("members"))
            if ("account", m) in creates
        }
    if kind == "account" and change.action == "delete":
        needs |= {
            other.key
            for other in changes
            if other.address.kind == "group" and _drops(other, "members", change.address.name)
        }
    if kind == "role" and change.action == "delete":
        needs |= {
            other.key
            for other in changes
            if other.address.kind == "account" and _drops(other, "roles", change.address.name)
        }
    return needs


def _drops(change: Change, name: str, member: str) -> bool:
    before = {c.field: c.before for c in change.fields}
    after = change.after()
    return member in strings(before.get(name)) and member not in strings(after.get(name))


def strings(value: FieldValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def _replace_depends(change: Change, depends_on: tuple[str, ...]) -> Change:
    return replace(change, depends_on=depends_on)
