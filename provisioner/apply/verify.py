"""Checking a manual task against the live shop before it is closed.

Capability-driven: whatever the platform's API can read (`KindCapabilities.listable` for
whether the resource exists, `readable` for field values) is compared with what the task asked
for; what it cannot read is taken on the word of whoever closes the task. A platform that gains a
read API (JD) is verified as soon as its descriptor says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from provisioner.connectors.base import Connector, LiveShop
from provisioner.platforms.capabilities import capability_for
from provisioner.resources import Change, FieldValue


@dataclass(frozen=True)
class Check:
    """What the live shop says about one change.

    `readable`: anything about it could be read; `missing`: what it does not show yet (empty:
    all that could be read matches); `remote_id`: the live resource's id, to record.
    """

    readable: bool
    missing: tuple[str, ...] = ()
    remote_id: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.readable and not self.missing


def can_check(connector: Connector, change: Change) -> bool:
    """Whether the platform can read anything that would show this change done."""
    capabilities = capability_for(connector.capabilities, change.address.kind)
    return capabilities.listable or any(f.field in capabilities.readable for f in change.fields)


def check_live(connector: Connector, change: Change, live: LiveShop) -> Check:
    """Compare `change` with the live shop `live` (read just now from `connector`)."""
    kind = change.address.kind
    capabilities = capability_for(connector.capabilities, kind)
    listed = kind in live.listed
    if not (listed or any(f.field in capabilities.readable for f in change.fields)):
        return Check(readable=False)
    found = live.resources.get(change.address)
    if change.action == "delete":
        if not listed:
            return Check(readable=False)
        return Check(True, (f"{change.address} still exists",) if found is not None else ())
    if found is None:
        if listed:
            return Check(True, (f"{change.address} does not exist",))
        return Check(readable=False)
    missing = tuple(
        f"{field.field} is {_shown(found.get(field.field))}, not {_shown(field.after)}"
        for field in change.fields
        if field.field in capabilities.readable and found.get(field.field) != field.after
    )
    return Check(True, missing, found.remote_id)


def _shown(value: FieldValue) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(value) + "]" if value else "[]"
    if value is None:
        return "not set"
    return str(value).lower() if isinstance(value, bool) else str(value)
