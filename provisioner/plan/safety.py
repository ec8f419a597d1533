"""Safety thresholds (octoDNS-style): refuse sweeping account changes without --force."""

from __future__ import annotations

from collections.abc import Iterable

from provisioner.model import Safety
from provisioner.resources import Change


def unsafe_reasons(
    shop: str, managed_accounts: int, changes: Iterable[Change], safety: Safety
) -> list[str]:
    """Why apply must refuse this shop's changes without --force; empty when it is safe.

    `managed_accounts` counts every account that exists, recorded or live: a first apply with
    `unmanaged: remove` must not sweep a shop clean unnoticed.
    """
    if managed_accounts < max(safety.min_accounts, 1):
        return []
    removed: set[str] = set()
    updated: set[str] = set()
    for change in changes:
        if change.address.kind != "account":
            continue
        if change.action == "delete" or change.after().get("status") == "disabled":
            removed.add(change.address.name)
        elif change.action == "update":
            updated.add(change.address.name)
    updated -= removed
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
