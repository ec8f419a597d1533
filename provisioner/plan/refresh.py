"""`--refresh=changed`: which recorded accounts a plan may take as read.

On Tmall/Taobao a plan reads every account's roles with a call of its own (TOP has none that
lists many at once): ~100 s for a 1,000-account shop at 10 calls a second. With
`--refresh=changed` the accounts the config does not change keep their recorded values; the
listing is still read whole, so accounts that appeared or vanished are still seen. Drift on a
trusted account goes unnoticed until the next full plan (the default; run one on a schedule).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from provisioner.resources import Address, Resource

Refresh = Literal["full", "changed"]


def unchanged_accounts(
    desired: Mapping[Address, Resource], recorded: Mapping[Address, Resource]
) -> dict[str, Resource]:
    """The recorded accounts, by nickname, whose every recorded field (roles, permissions,
    agent, ...) is what the config now wants. Fields the platform lists with every account
    (status, dispatch) are never recorded: they are read live either way."""
    return {
        address.name: resource
        for address, resource in recorded.items()
        if address.kind == "account"
        and address in desired
        and all(
            desired[address].fields.get(key) == value
            for key, value in resource.fields.items()
            if key != "name"  # a display name is never on the platform: nothing to read
        )
    }
