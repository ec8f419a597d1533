"""Which fields a plan shows as changed: exactly those whose value or type differs."""

from __future__ import annotations

from provisioner.plan.diff import field_changes
from provisioner.resources import FieldChange

FIELDS = ("status", "roles", "dispatch", "reception_limit", "schedule")


def test_only_the_declared_fields_that_differ_in_field_order() -> None:
    current = {"status": "active", "roles": ("a", "b"), "reception_limit": 80, "dispatch": True}
    desired = {"reception_limit": 90, "roles": ("a", "c"), "status": "active"}
    assert field_changes(current, desired, FIELDS) == (
        FieldChange("roles", ("a", "b"), ("a", "c")),
        FieldChange("reception_limit", 80, 90),
    )


def test_a_field_not_declared_is_never_a_change() -> None:
    assert field_changes({"dispatch": True}, {}, FIELDS) == ()


def test_a_missing_current_value_is_a_change_from_none() -> None:
    assert field_changes({}, {"schedule": "day"}, FIELDS) == (FieldChange("schedule", None, "day"),)


def test_equal_values_of_another_type_are_a_change() -> None:
    # A platform answering 1 for "dispatch on" must not hide that the recorded value is no bool.
    assert field_changes({"dispatch": 1}, {"dispatch": True}, FIELDS) == (
        FieldChange("dispatch", 1, True),
    )
    assert field_changes({"reception_limit": 0}, {"reception_limit": False}, FIELDS) != ()


def test_a_large_group_compares_in_one_step() -> None:
    members = tuple(f"m{i:05}" for i in range(5000))
    assert field_changes({"members": members}, {"members": members}, ("members",)) == ()
    grown = (*members, "m99999")
    assert field_changes({"members": members}, {"members": grown}, ("members",)) == (
        FieldChange("members", members, grown),
    )
