"""Saved plans: written (optionally signed), read back, and applied only if they are still true.

`apply FILE` trusts nothing in the file. It plans again from the config and the recorded and
live state, and refuses unless the fresh plan is the one in the file (see `binding`); then it
carries out the fresh plan. With `PROVISIONER_PLAN_KEY` set, `plan --out` signs the plan's
digest (HMAC-SHA256) and `apply FILE` accepts only a plan signed with that same key: the apply
job can tell a plan its own pipeline wrote from one handed to it. A plan signed while the apply
side has no key is refused too (the signature cannot be checked, and a signing set-up with the
key missing on one side is a mistake to surface, not to paper over).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from provisioner.errors import PlanError, StalePlanError
from provisioner.files import MIB, UnfitFileError, read_regular
from provisioner.plan.binding import content_digest, differences
from provisioner.plan.document import document_text, plan_from_document, plan_to_document
from provisioner.plan.model import Plan

KEY_VARIABLE = "PROVISIONER_PLAN_KEY"
MIN_KEY_LENGTH = 16
MAX_PLAN_BYTES = 256 * MIB  # a 50,000-account plan is a few tens of MiB
_SCHEME = "hmac-sha256:"


@dataclass(frozen=True)
class SavedPlan:
    plan: Plan
    signature: str | None


def plan_key() -> bytes | None:
    """The signing key from the environment; None when unset. Never shown in any message."""
    value = os.environ.get(KEY_VARIABLE)
    if value is None:
        return None
    if len(value) < MIN_KEY_LENGTH:
        raise PlanError(
            f"{KEY_VARIABLE} is too short ({len(value)} characters): use at least "
            f"{MIN_KEY_LENGTH} random characters, e.g. the output of `openssl rand -hex 32`"
        )
    return value.encode("utf-8")


def saved_text(plan: Plan, key: bytes | None) -> str:
    """The file `plan --out` writes: the format-1 document, plus its signature when keyed."""
    document: dict[str, Any] = plan_to_document(plan)
    if key is not None:
        document["signature"] = _sign(plan.digest, key)
    return document_text(document)


def read_plan(path: Path) -> SavedPlan:
    try:
        data = read_regular(path, MAX_PLAN_BYTES)
    except FileNotFoundError:
        raise PlanError(f"plan file not found: {path}") from None
    except UnfitFileError as exc:
        raise PlanError(f"{path} {exc}: a saved plan is a file written by `plan --out`") from None
    except OSError as exc:
        raise PlanError(f"{path} is not a saved plan: {exc.strerror}") from None
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path} is not a saved plan: {exc}") from None
    except ValueError as exc:
        raise PlanError(f"{path}: malformed plan file: not JSON ({exc})") from None
    try:
        plan = plan_from_document(document)
    except PlanError as exc:
        raise PlanError(f"{path}: {exc}") from None
    signature = document.get("signature")
    if signature is not None and not isinstance(signature, str):
        raise PlanError(f"{path}: malformed plan file: plan.signature: expected a string")
    return SavedPlan(plan, signature)


def check_signature(saved: SavedPlan, path: Path, key: bytes | None) -> None:
    """With a key: the plan must carry a signature made with it. Without: it must carry none."""
    if key is None:
        if saved.signature is not None:
            raise PlanError(
                f"{path} is signed, but {KEY_VARIABLE} is not set here: set it to the key the plan "
                "was signed with so the signature can be checked"
            )
        return
    if saved.signature is None:
        raise PlanError(
            f"{path} is not signed, and {KEY_VARIABLE} is set: only plans signed with that key "
            "are applied; make the plan with the key set"
        )
    if not hmac.compare_digest(saved.signature, _sign(saved.plan.digest, key)):
        raise PlanError(
            f"{path}: the signature does not match: the plan was signed with another key, or "
            "edited after it was signed"
        )


def check_matches(saved: Plan, fresh: Plan, path: Path) -> None:
    """Apply only what was reviewed: same config, same observed state, the same plan exactly."""
    if saved.config_digest != fresh.config_digest:
        raise StalePlanError(f"{path} is stale: the config changed since it was saved; plan again")
    if saved.state_digest != fresh.state_digest:
        raise StalePlanError(
            f"{path} is stale: the recorded or live state changed since it was saved (another apply, a task "
            "closed, or a change in a back office); plan again"
        )
    found = differences(saved, fresh)
    if found:
        raise PlanError(
            f"{path}: the saved plan differs from the current one: {'; '.join(found)}; "
            "it was edited after it was made: plan again and review that plan"
        )
    if saved.digest != content_digest(saved) or saved.digest != fresh.digest:
        raise PlanError(
            f"{path}: the plan's digest does not match its content: it was edited after it was "
            "made; plan again"
        )


def _sign(digest: str, key: bytes) -> str:
    return _SCHEME + hmac.new(key, digest.encode("utf-8"), hashlib.sha256).hexdigest()
