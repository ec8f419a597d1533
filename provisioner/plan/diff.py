"""Which declared fields differ: plain equality first, deepdiff only on what actually differs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from deepdiff import DeepDiff

from provisioner.resources import FieldChange, FieldValue


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
    # The tree view hands back each difference's path as a list: no string paths to parse.
    report = DeepDiff(before, after, view="tree")
    return {level.path(output_format="list")[0] for levels in report.values() for level in levels}
