"""Which declared fields differ: plain equality first, deepdiff only on what actually differs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from deepdiff import DeepDiff

from provisioner.resources import FieldChange, FieldValue

_CHANGE_KINDS = (
    "values_changed",
    "type_changes",
    "dictionary_item_added",
    "dictionary_item_removed",
    "iterable_item_added",
    "iterable_item_removed",
)


def field_changes(
    current: Mapping[str, FieldValue], desired: Mapping[str, FieldValue], fields: Iterable[str]
) -> tuple[FieldChange, ...]:
    """The fields of `fields` whose desired value differs from the current one, in `fields` order."""
    names = [name for name in fields if name in desired]
    before = {name: current.get(name) for name in names}
    after = {name: desired[name] for name in names}
    if before == after:
        return ()
    changed = _changed_fields(before, after)
    return tuple(FieldChange(name, before[name], after[name]) for name in names if name in changed)


def _changed_fields(before: dict[str, FieldValue], after: dict[str, FieldValue]) -> set[str]:
    report = DeepDiff(before, after)
    changed: set[str] = set()
    for kind in _CHANGE_KINDS:
        for path in report.get(kind, ()):
            changed.add(_top_key(str(path)))
    return changed


def _top_key(path: str) -> str:
    # deepdiff paths look like root['roles'][1]; the field is the first key.
    return path.split("['", 1)[1].split("']", 1)[0]
