"""What the state store should hold once a change is done."""

from __future__ import annotations

from provisioner.resources import Change, Resource


def recorded_after(
    previous: Resource | None, change: Change, remote_id: str | None = None
) -> Resource | None:
    """The resource as recorded after `change` succeeded; None when it is gone."""
    if change.action == "delete":
        return None
    fields = dict(previous.fields) if previous is not None else {}
    fields.update(change.after())
    fields.update(dict(change.meta))
    known_id = (
        remote_id or change.remote_id or (previous.remote_id if previous is not None else None)
    )
    return Resource(change.address, fields, known_id)
