"""Leaving out what the models rejected, so the rest of a config can still be checked.

The loader reports every structural error, then validates the config again without the
entries those errors point into, and runs the semantic checks on what remains: one run shows
a typo in a key and an unknown role together. What was left out is recorded, so a reference to
it is not reported as unknown, and items dropped from a list keep their original index in
every later message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from provisioner.config.checks import Finding, Loc, Unchecked

SECTIONS = ("version", "settings", "shops", "roles", "schedules", "agents")
NAMED_SECTIONS = ("shops", "roles", "schedules", "agents")

# Lists whose items stand alone: an error in one item leaves its siblings and owner checkable.
# "*" matches any entry name.
ITEM_LISTS: tuple[tuple[str, ...], ...] = (
    ("agents", "*", "accounts"),
    ("schedules", "*", "shifts"),
    ("settings", "policies"),
)


@dataclass(frozen=True)
class Pruned:
    """Config data with rejected parts left out, and what it takes to talk about the rest."""

    data: dict[str, Any]
    unchecked: Unchecked = field(default_factory=Unchecked)
    # For each list that lost items: the original index of every item kept, in order.
    kept: Mapping[Loc, tuple[int, ...]] = field(default_factory=dict)

    def original_finding(self, finding: Finding) -> Finding:
        """`finding` with its places as paths in the config the user wrote."""
        if not self.kept:
            return finding
        related = self.original(finding.related) if finding.related is not None else None
        return replace(finding, loc=self.original(finding.loc), related=related)

    def original(self, loc: Loc) -> Loc:
        """`loc` in the pruned data, as a path in the config the user wrote."""
        for prefix, indexes in self.kept.items():
            size = len(prefix)
            index = loc[size] if len(loc) > size else None
            if loc[:size] == prefix and isinstance(index, int):
                return (*prefix, indexes[index], *loc[size + 1 :])
        return loc


def prune(pruned: Pruned, locs: Iterable[Loc], unknown_keys: Iterable[Loc] = ()) -> Pruned:
    """`pruned` without everything the errors at `locs` (paths in `pruned.data`) point into.

    An unknown key inside an entry (`stauts:`) goes alone: the rest of the entry means what it
    says without it. In a policy it takes the policy along, since a misspelt `except_roles`
    would turn the policy against roles it exempts.
    """
    data = pruned.data
    for loc in unknown_keys:
        if len(loc) >= 3 and _item_list(loc) != ("settings", "policies"):
            data = _without_key(data, loc)
        else:
            locs = [*locs, loc]
    names, sections = set(pruned.unchecked.names), set(pruned.unchecked.sections)
    dropped: set[str] = set()
    settings: set[str] = set()
    items: dict[Loc, set[int]] = {}
    for loc in locs:
        section = str(loc[0]) if loc else "version"
        prefix = _item_list(loc)
        if prefix is not None:
            items.setdefault(prefix, set()).add(int(loc[len(prefix)]))
        elif section in NAMED_SECTIONS and len(loc) >= 2:
            names.add((section, str(loc[1])))
        elif section == "settings" and len(loc) >= 2:
            settings.add(str(loc[1]))
        elif section != "version":
            dropped.add(section)
            # A misspelt section (`role:`) may hide every entry of the one meant: judge no names.
            sections.add(section if section in SECTIONS else "*")
    data = {key: value for key, value in data.items() if key not in dropped}
    data["version"] = 1
    kept = dict(pruned.kept)
    for prefix, bad in items.items():
        data = _drop_items(data, prefix, bad, kept)
    for section in NAMED_SECTIONS:
        if isinstance(data.get(section), dict):
            entries = data[section]
            data[section] = {k: v for k, v in entries.items() if (section, k) not in names}
    if isinstance(data.get("settings"), dict):
        data["settings"] = {k: v for k, v in data["settings"].items() if k not in settings}
    return Pruned(data, Unchecked(frozenset(names), frozenset(sections)), kept)


def _without_key(data: Any, loc: Loc) -> Any:
    """A copy of `data` without the mapping key at `loc`; the same `data` if there is none."""
    head, rest = loc[0], loc[1:]
    if isinstance(data, dict) and head in data:
        if not rest:
            return {key: value for key, value in data.items() if key != head}
        return {**data, head: _without_key(data[head], rest)}
    if isinstance(data, tuple) and isinstance(head, int) and 0 <= head < len(data) and rest:
        return (*data[:head], _without_key(data[head], rest), *data[head + 1 :])
    return data


def _item_list(loc: Loc) -> Loc | None:
    for pattern in ITEM_LISTS:
        size = len(pattern)
        matches = all(want in ("*", part) for want, part in zip(pattern, loc, strict=False))
        if matches and len(loc) > size and isinstance(loc[size], int):
            return loc[:size]
    return None


def _drop_items(
    data: dict[str, Any], prefix: Loc, bad: set[int], kept: dict[Loc, tuple[int, ...]]
) -> dict[str, Any]:
    values = _get(data, prefix)
    if not isinstance(values, tuple):
        return data
    before = kept.get(prefix, tuple(range(len(values))))
    kept[prefix] = tuple(before[i] for i in range(len(values)) if i not in bad)
    remaining = tuple(value for i, value in enumerate(values) if i not in bad)
    return _replaced(data, prefix, remaining)


def _get(data: Any, path: Loc) -> Any:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _replaced(data: dict[str, Any], path: Loc, value: Any) -> dict[str, Any]:
    # Copies every mapping along `path`: the merged data other code holds stays untouched.
    head, rest = path[0], path[1:]
    inner = value if not rest else _replaced(data[str(head)], rest, value)
    return {**data, str(head): inner}
