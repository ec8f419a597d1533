"""Safety thresholds (octoDNS-style): refuse sweeping account changes without --force."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from provisioner.model import Safety
from provisioner.resources import Address, Change, Resource


def unsafe_reasons(
    shop: str,
    managed_accounts: int,
    changes: Iterable[Change],
    safety: Safety,
    recorded: Mapping[Address, Resource] | None = None,
) -> list[str]:
    """Why apply must refuse this shop's changes without --force; empty when it is safe.

    `managed_accounts` counts every account that exists, recorded or live: a first apply with
    `unmanaged: remove` must not sweep a shop clean unnoticed. An update that only sets fields
    never recorded for the account is the rest of its creation (an API create whose manual part
    an interrupted apply never reached), not an update: resuming a first apply needs no --force.
    """
    if managed_accounts < max(safety.min_accounts, 1):
        return []
    removed: set[str] = set()
    updated: set[str] = set()
    created: set[str] = set()
    for change in changes:
        if change.address.kind != "account":
            continue
        if change.action == "create":
            created.add(change.address.name)  # its manual part is the same create
        elif change.action == "delete" or change.after().get("status") == "disabled":
            removed.add(change.address.name)
        elif change.action == "update" and not _completes_create(change, recorded or {}):
            updated.add(change.address.name)
    updated -= removed | created
    reasons = []
    for verb, names, limit in (
        ("delete or disable", removed, safety.max_delete_percent),
        ("update", updated, safety.max_update_percent),
    ):
        percent = 100 * len(names) / managed_accounts
        if percent > limit:
            reasons.append(
                f"{shop}: would {verb} {len(names)} of {managed_accounts} managed accounts "
                f"({percent:.0f}% > {limit:g}%); use --force if that is intended"
            )
    return reasons


def _completes_create(change: Change, recorded: Mapping[Address, Resource]) -> bool:
    known = recorded.get(change.address)
    return known is not None and all(
        f.before is None and f.field not in known.fields for f in change.fields
    )
