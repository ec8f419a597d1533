"""Resolving the intent journal: what a killed apply did, read back from the platform.

An apply writes each create and delete down before sending it and clears it with its result.
A row still there means the process died in between: the change may or may not have happened.
The live read tells: a create whose resource is live happened (it is recorded now, so an
offboarding after the crash deletes it like any other account, instead of finding it
"unmanaged"); a delete whose resource is gone happened (its record is forgotten). Anything else
did not happen, and the plan simply plans it again. Only kinds the platform lists can be told
apart; apply writes intents for those kinds only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from provisioner.connectors.base import LiveShop
from provisioner.resources import Address, Resource
from provisioner.state import Intent


@dataclass(frozen=True)
class Resolved:
    recorded: dict[Address, Resource]  # the recorded state as it is once resolved
    adopt: tuple[Resource, ...]  # creates that happened: apply records them first
    forget: tuple[Address, ...]  # deletes that happened: apply forgets them first


def resolve(
    recorded: Mapping[Address, Resource],
    intents: Mapping[Address, Intent],
    live: Mapping[str, LiveShop],
    shops: Sequence[str],
) -> Resolved:
    after = dict(recorded)
    adopt: list[Resource] = []
    forget: list[Address] = []
    for address, intent in sorted(intents.items()):
        shop = live.get(address.shop)
        if address.shop not in shops or shop is None or address.kind not in shop.listed:
            continue
        found = shop.resources.get(address)
        if intent.action == "create" and found is not None:
            resource = Resource(address, {**intent.fields, **found.fields}, found.remote_id)
            after[address] = resource
            adopt.append(resource)
        elif intent.action == "delete" and found is None and address in after:
            del after[address]
            forget.append(address)
    return Resolved(after, tuple(adopt), tuple(forget))
