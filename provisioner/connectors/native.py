"""A role's native permission codes, as the platform's API and back office know them."""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.catalog import load_catalog
from provisioner.resources import FieldValue


def native_codes(platform: str, after: Mapping[str, FieldValue]) -> tuple[str, ...]:
    """The catalog's native codes for a role's permissions, plus its `native` extras."""
    permissions = after.get("permissions")
    extras = after.get("native")
    mapped = load_catalog().native_codes(
        platform, permissions if isinstance(permissions, tuple) else ()
    )
    return tuple(sorted({*mapped, *(extras if isinstance(extras, tuple) else ())}))
