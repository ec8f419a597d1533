"""What the state store should hold once a change is done."""

from __future__ import annotations

from datetime import UTC, datetime

from provisioner.resources import Change, Resource


def recorded_after(
    previous: Resource | None, change: Change, remote_id: str | None = None
) -> Resource | None:
    """The resource as recorded after `change` succeeded; None when it is gone."""
    if change.action == "delete":
        return None
    fields = dict(previous.fields) if previous is not None else {}
    fields.update(change.after())
    meta = dict(change.meta)
    fields.update(meta)
    if meta.get("left") == "":  # the plan asks for the time its holder's access was removed
        fields["left"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    elif "agent" in meta:  # declared for someone: held, whatever left before
        fields.pop("left", None)
    known_id = (
        remote_id or change.remote_id or (previous.remote_id if previous is not None else None)
    )
    return Resource(change.address, fields, known_id)
