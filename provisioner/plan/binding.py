"""What a plan's digest binds, and how two plans differ in it: the basis of `apply FILE`.

A saved plan travels from the job that planned it (a pull request's) to the job that applies it
as a file anyone with access to the artifact can edit. So the digest covers everything apply acts
on or decides by: the config and observed-state digests, the shops, every change in full, the
adopt, forget and protected-name lists, the safety verdict and the people's display names (a
reviewer reads `马丽 (ma.li)`: a file edited to name someone else must not apply; the names come
from the config and the recorded state, both digested, so planning again yields the same ones). It leaves out what is only shown
to a reviewer and may read differently an hour later (warnings such as "expires in 3 days", pending task summaries,
drift and unmanaged listings, the access delta, which follow from the changes), the creation time
and where the config was (a checkout path).

`apply FILE` plans again and requires the fresh plan's bound content to equal the file's; what
runs is the fresh plan, so nothing the file says is trusted, the safety verdict least of all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

from provisioner.plan.document import change_document, protect_document, resource_document
from provisioner.plan.model import Plan
from provisioner.resources import Change

T = TypeVar("T")
_SHOWN = 3  # items named per kind of difference; the rest are counted


def bound_content(plan: Plan) -> dict[str, Any]:
    """The part of `plan` its digest covers, as JSON-ready data."""
    return {
        "config_digest": plan.config_digest,
        "state_digest": plan.state_digest,
        "platforms": [list(pair) for pair in plan.platforms],
        "changes": [change_document(change) for change in plan.changes],
        "adopt": [resource_document(resource) for resource in plan.adopt],
        "forget": [str(address) for address in plan.forget],
        "protect": [protect_document(names) for names in plan.protect],
        "unsafe": list(plan.unsafe),
        "people": [list(pair) for pair in plan.people],
    }


def content_digest(plan: Plan) -> str:
    """sha256 of the bound content in a canonical JSON form (sorted keys, no spacing)."""
    text = json.dumps(
        bound_content(plan), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def differences(saved: Plan, fresh: Plan) -> list[str]:
    """How `saved` differs from `fresh` in its bound content, said from the file's side."""
    found = _compare(
        "change",
        saved.changes,
        fresh.changes,
        key=lambda c: c.key,
        name=_change_name,
        same=lambda a, b: change_document(a) == change_document(b),
    )
    found += _compare(
        "adopt entry",
        saved.adopt,
        fresh.adopt,
        key=lambda r: r.address,
        name=lambda r: str(r.address),
        same=lambda a, b: resource_document(a) == resource_document(b),
    )
    found += _compare(
        "forget entry", saved.forget, fresh.forget, key=str, name=str, same=lambda a, b: True
    )
    if [c.key for c in saved.changes if c.key in _keys(fresh.changes)] != [
        c.key for c in fresh.changes if c.key in _keys(saved.changes)
    ]:
        found.append("the changes are in another order")
    if saved.protect != fresh.protect:
        found.append("the protected names it records differ")
    if saved.unsafe != fresh.unsafe:
        found.append(
            f"the safety verdict differs (the file says {_verdict(saved)}; it is {_verdict(fresh)})"
        )
    if saved.platforms != fresh.platforms:
        found.append("the shops differ")
    if saved.people != fresh.people:
        found.append("the people's names differ")
    return found


def _compare(
    what: str,
    saved: Sequence[T],
    fresh: Sequence[T],
    *,
    key: Callable[[T], Hashable],
    name: Callable[[T], str],
    same: Callable[[T, T], bool],
) -> list[str]:
    ours = {key(item): item for item in saved}
    theirs = {key(item): item for item in fresh}
    added = [name(item) for k, item in ours.items() if k not in theirs]
    missing = [name(item) for k, item in theirs.items() if k not in ours]
    altered = [name(item) for k, item in ours.items() if k in theirs and not same(item, theirs[k])]
    return [
        _counted(len(names), what, verb, names)
        for verb, names in (("added", added), ("missing", missing), ("altered", altered))
        if names
    ]


def _counted(count: int, what: str, verb: str, names: list[str]) -> str:
    shown = ", ".join(names[:_SHOWN]) + (", …" if count > _SHOWN else "")
    return f"{count} {what}{'s' if count != 1 else ''} {verb} ({shown})"


def _keys(changes: Sequence[Change]) -> set[str]:
    return {change.key for change in changes}


def _change_name(change: Change) -> str:
    return f"{change.action} {change.address}"


def _verdict(plan: Plan) -> str:
    return "unsafe" if plan.unsafe else "safe"
