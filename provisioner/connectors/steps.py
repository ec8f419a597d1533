"""Back-office instructions for manual tasks: exactly what a person clicks, types and ticks.

The menu paths are those of each platform's merchant back office, from its descriptor
(`provisioner.platforms.builtin`); names, values and the permission boxes to tick come from the
change and the permission catalog.
"""

from __future__ import annotations

from provisioner.catalog import load_catalog
from provisioner.connectors.base import ShopContext
from provisioner.platforms import BackOffice
from provisioner.resources import Change, FieldValue

_SERVICE_FIELDS = {"reception_limit": "接待上限", "dispatch": "分流", "schedule": "排班"}


def manual_steps(context: ShopContext, change: Change) -> tuple[str, ...]:
    """Numbered, self-contained instructions for one manual change."""
    office = context.descriptor.back_office
    shop = f"{context.shop.name} ({context.name})" if context.shop.name else context.name
    steps = [f"Log in to {office.home} of shop {shop} with the main account."]
    kind = change.address.kind
    if kind == "account":
        steps += _account_steps(office, context, change)
    elif kind == "role":
        steps += _role_steps(office, context, change)
    else:
        steps += _group_steps(office, change)
    return tuple(f"{number}. {step}" for number, step in enumerate(steps, 1))


def _account_name(context: ShopContext, nickname: str) -> str:
    return context.descriptor.account_name(nickname, context.shop.main_account)


def _account_steps(office: BackOffice, context: ShopContext, change: Change) -> list[str]:
    name = _account_name(context, change.address.name)
    after = change.after()
    if change.action == "delete":
        return [
            f"Open {office.accounts}, find sub-account '{name}', choose 删除 (delete) and confirm."
        ]
    steps = []
    if change.action == "create":
        steps.append(
            f"Open {office.accounts} → 新增子账号. Account name: '{name}'. Set an initial password of at "
            "least 6 characters and give it to the agent in person; bind the agent's own phone number."
        )
    else:
        steps.append(f"Open {office.accounts} and edit sub-account '{name}'.")
    steps += _account_field_steps(office, context, change, after)
    if change.action == "create":
        steps.append("Click 确认创建 (confirm).")
    return steps


def _account_field_steps(
    office: BackOffice, context: ShopContext, change: Change, after: dict[str, FieldValue]
) -> list[str]:
    steps = []
    if "roles" in after:
        roles = "、".join(_tuple(after["roles"])) or "(none)"
        steps.append(f"Set {office.role_word} to exactly: {roles}; untick any other.")
    if "status" in after and not (change.action == "create" and after["status"] == "active"):
        verb = "停用 (disable)" if after["status"] == "disabled" else "启用 (enable)"
        steps.append(f"Set the account status: {verb}.")
    service = [f"{_SERVICE_FIELDS[f]}: {_show(after[f])}" for f in _SERVICE_FIELDS if f in after]
    if service:
        steps.append(
            f"In {office.service}, for '{_account_name(context, change.address.name)}' set "
            + "; ".join(service)
            + "."
        )
    return steps


def _role_steps(office: BackOffice, context: ShopContext, change: Change) -> list[str]:
    name = change.address.name
    if change.action == "delete":
        return [
            f"Open {office.roles}, delete {office.role_word} '{name}' (no account may still use it)."
        ]
    verb = "新建" if change.action == "create" else "编辑"
    steps = [f"Open {office.roles} → {verb}{office.role_word}: name '{name}'."]
    permissions = _tuple(change.after().get("permissions"))
    binding = context.roles.get(name)
    if binding is not None and not permissions:
        permissions = binding.permissions
    if permissions:
        boxes = "".join(f"\n   - {label}" for label in _labels(context.platform, permissions))
        steps.append(f"Tick exactly these permissions and untick all others:{boxes}")
    native = _tuple(change.after().get("native"))
    if native:
        steps.append("Also tick (platform-specific): " + ", ".join(native) + ".")
    steps.append("Save (保存).")
    return steps


def _group_steps(office: BackOffice, change: Change) -> list[str]:
    name = change.address.name
    if change.action == "delete":
        return [f"Open {office.groups}, delete group '{name}'."]
    after = change.after()
    steps = [
        f"Open {office.groups} → {'新建分组' if change.action == 'create' else '编辑分组'} '{name}'."
    ]
    if "description" in after:
        steps.append(f"Description: {_show(after['description'])}.")
    if "members" in after:
        steps.append("Members, exactly: " + ("、".join(_tuple(after["members"])) or "(none)") + ".")
    steps.append("Save (保存).")
    return steps


def _labels(platform: str, permissions: tuple[str, ...]) -> list[str]:
    catalog = load_catalog()
    labels = []
    for permission in permissions:
        mapping = catalog.mapping(platform, permission)
        known = catalog.get(permission)
        if mapping is not None:
            labels.append(f"{mapping.label} ({permission})")
        else:
            meaning = known.label if known else permission
            labels.append(
                f"{meaning} ({permission}; no known checkbox: find the closest one and check)"
            )
    return labels


def _tuple(value: FieldValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


def _show(value: FieldValue) -> str:
    if isinstance(value, bool):
        return "开启 (on)" if value else "关闭 (off)"
    return str(value)
