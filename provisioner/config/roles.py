"""Role templates after `extends`: the permission set each template grants."""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.model import Role


def extends_cycles(roles: Mapping[str, Role]) -> list[tuple[str, ...]]:
    """Every distinct cycle in `extends`, each as the names along it, first name repeated last."""
    cycles: list[tuple[str, ...]] = []
    seen: set[frozenset[str]] = set()
    done: set[str] = set()

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            cycle = (*trail[trail.index(name) :], name)
            if frozenset(cycle) not in seen:
                seen.add(frozenset(cycle))
                cycles.append(cycle)
            return
        if name in done or name not in roles:
            return
        for parent in roles[name].extends:
            visit(parent, (*trail, name))
        done.add(name)

    for name in roles:
        visit(name, ())
    return cycles


def effective_permissions(roles: Mapping[str, Role]) -> dict[str, frozenset[str]]:
    """Each template's own permissions plus everything it extends (cycles and unknowns skipped)."""
    resolved: dict[str, frozenset[str]] = {}

    def resolve(name: str, trail: frozenset[str]) -> frozenset[str]:
        if name in resolved:
            return resolved[name]
        role = roles.get(name)
        if role is None or name in trail:
            return frozenset()
        permissions = set(role.permissions)
        for parent in role.extends:
            permissions |= resolve(parent, trail | {name})
        resolved[name] = frozenset(permissions)
        return resolved[name]

    for name in roles:
        resolve(name, frozenset())
    return resolved
