"""Handing an account over to a new person: never silently, and reset before it is enabled.

An account recorded as one person's and declared for another is refused unless the new
declaration names the previous holder (`handover_from: OLD_ID`). A handover then plans, in
this order (each step waits for the ones before it):

1. if the account is enabled and the API can disable it: disable it at once;
2. set its roles, and every other field, to what the new person is declared with: through the
   API where the field is writable, else as a manual task (every role the new person is not
   granted goes; nothing is enabled yet);
3. a manual task to reset it: a new password, given to the new person in person, and the new
   person's phone bound instead of the old one's; the account is recorded as the new person's
   only once this is done;
4. enable it (through the API where it can, else in the manual task of step 2, which then
   waits for the reset): never before steps 2 and 3 are done.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from provisioner.connectors.base import KindCapabilities
from provisioner.plan.diff import field_changes
from provisioner.resources import (
    ACCOUNT_FIELDS,
    Address,
    Change,
    Execution,
    FieldChange,
    FieldValue,
    Resource,
)

RESET_FIELD = "agent"  # a reset task's one field: the holder, old -> new


@dataclass(frozen=True)
class HandoverProblem:
    """Why an account cannot be planned; `at_handover` places it at `handover_from`."""

    nickname: str
    message: str
    at_handover: bool


def check_holder(
    address: Address,
    recorded: Resource | None,
    wanted: Resource,
    handover_from: str | None,
    previously: Mapping[str, tuple[str, ...]],
) -> tuple[HandoverProblem | None, str | None]:
    """(a problem, or None; the previous holder when this is a handover, else None)."""
    new = _text(wanted.get("agent"))
    old = _text(recorded.get("agent")) if recorded is not None else None
    same = old is None or old == new or old in previously.get(new or "", ())
    if handover_from is None:
        if same:
            return None, None
        left = _text(recorded.get("left")) if recorded is not None else None
        when = f"left {left}" if left else "still recorded as theirs"
        return (
            HandoverProblem(
                address.name,
                f"{address} is recorded as {old}'s account ({when}); it is not handed to {new} "
                f"silently: add `handover_from: {old}` to hand it over (it is reset first), or "
                "give the new person another nickname",
                False,
            ),
            None,
        )
    if old == new:
        return None, None  # the handover is done; `handover_from` may stay or go
    if old != handover_from:
        holder = f"it is recorded as {old}'s" if old else "no such account is recorded"
        return (
            HandoverProblem(
                address.name,
                f"handover_from: {handover_from} never held {address} ({holder})",
                True,
            ),
            None,
        )
    return None, old


def handover_changes(
    address: Address,
    current: Resource,
    wanted: Resource,
    old: str,
    cap: KindCapabilities,
    platform: str,
) -> list[Change]:
    """The changes that hand `address` from `old` to the person `wanted` declares."""
    new = _text(wanted.get("agent")) or ""
    why = f"handover from {old} to {new}"
    keep: tuple[tuple[str, FieldValue], ...] = ()  # still the old holder's until the reset
    owner = tuple((k, v) for k, v in wanted.fields.items() if k in ("agent", "name", "permissions"))
    differences = field_changes(current.fields, wanted.fields, ACCOUNT_FIELDS)
    fields = [d for d in differences if d.field != "status"]
    enable = wanted.get("status") == "active"
    steps: list[Change] = []
    if current.get("status") != "disabled" and cap.can_disable:
        disable = (FieldChange("status", current.get("status"), "disabled"),)
        steps.append(
            _change(address, platform, "api", f"{why}: disabled until it is reset", disable,
                    current, keep, (), f"{address}#disable:api", new)
        )  # fmt: skip
    first = tuple(c.key for c in steps)
    by_api = tuple(d for d in fields if d.field in cap.writable)
    by_hand = [d for d in fields if d.field not in cap.writable]
    if by_api:
        steps.append(
            _change(address, platform, "api", f"{why}: only the new person's roles and settings",
                    by_api, current, keep, first, f"{address}#reset:api", new)
        )  # fmt: skip
    reset = _change(
        address,
        platform,
        "manual",
        f"{why}: reset the account (new password, the new person's phone)",
        (FieldChange(RESET_FIELD, old, new),),
        current,
        owner,
        first,
        f"{address}#handover:manual",
        new,
    )
    steps.append(reset)
    status_by_api = "status" in cap.writable
    if enable and not status_by_api and current.get("status") == "disabled":
        by_hand.append(FieldChange("status", "disabled", "active"))
    if by_hand:
        steps.append(
            _change(address, platform, "manual", f"{why}: only the new person's roles and settings",
                    tuple(by_hand), current, keep, (*first, reset.key), f"{address}#update:manual", new)
        )  # fmt: skip
    if enable and status_by_api:
        waits = tuple(c.key for c in steps)
        steps.append(
            _change(address, platform, "api", f"{why}: enabled once it is reset",
                    (FieldChange("status", "disabled", "active"),), current,
                    owner, waits, f"{address}#update:api", new)
        )  # fmt: skip
    return steps


def _change(
    address: Address,
    platform: str,
    execution: Execution,
    reason: str,
    fields: tuple[FieldChange, ...],
    current: Resource,
    meta: tuple[tuple[str, FieldValue], ...],
    depends_on: tuple[str, ...],
    key: str,
    wanted_agent: FieldValue = None,
) -> Change:
    return Change(
        address,
        platform,
        "update",
        execution,
        reason,
        fields,
        remote_id=current.remote_id,
        agent=_text(wanted_agent),
        meta=meta,
        depends_on=depends_on,
        key=key,
    )


def _text(value: FieldValue) -> str | None:
    return value if isinstance(value, str) and value else None
