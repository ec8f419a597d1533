"""What the published JSON Schema adds to the models: a description on every property, and the
closed sets an editor can check as the user types (platforms, canonical permissions, times).

Kept beside the schema generator rather than on the models, so the models stay about validation
and this file reads as the reference an editor shows. A test fails when a property has no
description here or on its model field, so a new field cannot go undocumented.
"""

from __future__ import annotations

from typing import Any

from provisioner.catalog import load_catalog
from provisioner.platforms.registry import builtin_platforms, known_platforms

# "Model.field" (or "Config.section") -> what an editor shows on hover. A model field's own
# `description` wins; these fill in the rest.
DESCRIPTIONS: dict[str, str] = {
    "Config.version": "Config language version; always 1",
    "Config.settings": "State store, safety thresholds, policies, language and notifications",
    "Config.shops": "Shops by id: platform, credentials, groups and protected accounts",
    "Config.roles": "Role templates by name: permission sets an account is given",
    "Config.schedules": "Reception schedules by name: time zone and shifts",
    "Config.agents": "People by stable id (e.g. employee id) and their accounts on each shop",
    "Account.shop": "The shop id this account is on (a key of `shops`)",
    "Account.nickname": "The sub-account name on the shop; unique per shop",
    "Account.roles": "Role templates granted (keys of `roles`)",
    "Account.dispatch": "Receives customers through dispatch (分流)",
    "Account.reception_limit": "Maximum concurrent customers (接待上限)",
    "Account.schedule": "Reception schedule (a key of `schedules`)",
    "Account.groups": "Dispatch groups of this shop the account is in",
    "Agent.name": "The person's name, shown with the id in plans and reports",
    "Agent.status": "disabled: every account of the person is disabled",
    "Agent.accounts": "The person's sub-accounts, one per shop and nickname",
    "Group.description": "What the dispatch group handles",
    "NativeRole.permission_codes": "Platform permission codes added verbatim (Tmall/Taobao)",
    "Notify.to": "Which group bot: dingtalk, feishu or wecom",
    "Policy.name": "Named in every violation",
    "Policy.description": "Why the policy exists, for reviewers",
    "Policy.roles": "Globs over role template names the policy applies to",
    "Policy.except_roles": "Globs over role template names exempt from it",
    "Policy.require_agent_fields": "Agent fields every person must have (e.g. phone)",
    "Role.description": "What the role is for, shown to reviewers",
    "Role.extends": "Role templates whose permissions this one includes",
    "Role.native": "Per platform: codes or existing platform roles the template maps to",
    "Role.permissions": "Canonical permissions this template adds to those it extends",
    "Safety.max_delete_percent": "Refuse (without --force) deleting or disabling more of a shop's accounts",
    "Safety.max_update_percent": "Refuse (without --force) updating more of a shop's accounts",
    "Safety.min_accounts": "Thresholds apply only to shops with at least this many accounts",
    "Schedule.timezone": "IANA time zone of the shifts, e.g. Asia/Shanghai",
    "Schedule.shifts": "When the schedule's accounts receive customers",
    "Settings.state": "Where recorded state, tasks and history are kept",
    "Settings.safety": "Thresholds above which apply needs --force",
    "Settings.policies": "Rules every role and agent must satisfy, checked by validate and plan",
    "Settings.tasks": "Manual task settings: due times",
    "Shift.days": "Days of the week: mon, tue, wed, thu, fri, sat, sun",
    "Shop.platform": "tmall | taobao | pinduoduo | douyin | kuaishou | jd, or an installed plugin",
    "Shop.name": "The shop's display name",
    "Shop.credentials": "API credentials, each a reference ({env: NAME} or {file: PATH}), never a value",
    "Shop.groups": "Customer-service dispatch groups (分流组) of this shop, by name",
    "Shop.unmanaged": "Accounts that exist but are not declared: report, remove or ignore",
    "StateSettings.backend": "sqlite (default) or postgres",
    "TaskSettings.due": "How long a manual task may stay open",
}

# Exactly what the loader accepts (`config/checks.py`): "HH:MM", hours 00-23.
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def enrich(schema: dict[str, Any], *, plugins: bool = True) -> dict[str, Any]:
    """Descriptions everywhere, and enums and patterns where the set of values is closed.

    `plugins`: the platform enum also names connectors installed by other packages (what
    `provisioner schema` prints on a machine that has them); the committed schema has none.
    """
    _describe("Config", schema)
    for model, definition in schema.get("$defs", {}).items():
        _describe(model, definition)
    definitions = schema.get("$defs", {})
    platform = _property(definitions, "Shop", "platform")
    platform.pop("examples", None)
    extra = sorted(set(known_platforms()) - set(builtin_platforms())) if plugins else []
    platform["enum"] = [*builtin_platforms(), *extra]
    permissions = _property(definitions, "Role", "permissions")["items"]
    permissions["enum"] = list(load_catalog().permissions)
    for field in ("from", "to"):
        _property(definitions, "Shift", field)["pattern"] = TIME_PATTERN
    return schema


def _property(definitions: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    found: dict[str, Any] = definitions[model]["properties"][field]
    return found


def _describe(model: str, definition: dict[str, Any]) -> None:
    for name, prop in definition.get("properties", {}).items():
        if "description" not in prop and f"{model}.{name}" in DESCRIPTIONS:
            prop["description"] = DESCRIPTIONS[f"{model}.{name}"]
