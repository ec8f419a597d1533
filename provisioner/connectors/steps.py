"""Back-office instructions for manual tasks: exactly what a person clicks, types and ticks.

The menu paths are those of each platform's merchant back office, from its descriptor
(`provisioner.platforms.builtin`); names, values and the permission boxes to tick come from the
change and the permission catalog. Steps are written in the team's `settings.language`; menu
and button names stay as the back office shows them, in Chinese.

The order is the order the back office asks for things: a new sub-account's form (name,
password, phone, role) is confirmed (确认创建) before its reception settings can be set, which
live in another menu and need the account to exist.
"""

from __future__ import annotations

from collections.abc import Mapping

from provisioner.catalog import load_catalog
from provisioner.connectors.base import ShopContext
from provisioner.model import Day, Schedule
from provisioner.platforms import BackOffice
from provisioner.printable import printable
from provisioner.resources import Change, FieldValue

_ZH = "zh-CN"

# Every sentence, as (Chinese, English); `{…}` are filled in.
_PHRASES: dict[str, tuple[str, str]] = {
    "login": (
        "用主账号登录 {home}（店铺 {shop}）。",
        "Log in to {home} of shop {shop} with the main account.",
    ),
    "acct_new": (
        "打开 {menu} → 新增子账号：账号名「{name}」；设置至少 6 位的初始密码并当面交给本人；绑定本人的手机号。",
        "Open {menu} → 新增子账号. Account name: '{name}'. Set an initial password of at least 6 "
        "characters and give it to the agent in person; bind the agent's own phone number.",
    ),
    "acct_edit": (
        "打开 {menu}，编辑子账号「{name}」。",
        "Open {menu} and edit sub-account '{name}'.",
    ),
    "acct_delete": (
        "打开 {menu}，找到子账号「{name}」，点击「删除」并确认。",
        "Open {menu}, find sub-account '{name}', choose 删除 (delete) and confirm.",
    ),
    "acct_roles": (
        "{word}只选：{roles}；其他全部取消。",
        "Set {word} to exactly: {roles}; untick any other.",
    ),
    "acct_status": ("账号状态设为「{verb}」。", "Set the account status: {verb}."),
    "acct_reset": (
        "为新持有人 {holder} 重置此账号：设置至少 6 位的新密码并当面交给本人；解绑原持有人的手机，"
        "绑定新持有人本人的手机号（换绑手机）。此处不要启用账号。",
        "Reset this account for its new holder {holder}: set a new password of at least 6 "
        "characters and give it to them in person; unbind the previous holder's phone and bind "
        "the new holder's own phone (换绑手机). Do not enable the account here.",
    ),
    "confirm": ("点击「确认创建」。", "Click 确认创建 (confirm)."),
    "save": ("点击「保存」。", "Save (保存)."),
    "service": (
        "在 {menu} 中为「{name}」设置：{settings}。",
        "In {menu}, for '{name}' set {settings}.",
    ),
    "role_open": (
        "打开 {menu} → {verb}{word}：名称「{name}」。",
        "Open {menu} → {verb}{word}: name '{name}'.",
    ),
    "role_delete": (
        "打开 {menu}，删除{word}「{name}」（须已没有账号在用）。",
        "Open {menu}, delete {word} '{name}' (no account may still use it).",
    ),
    "tick": (
        "只勾选以下权限，其余全部取消：{boxes}",
        "Tick exactly these permissions and untick all others:{boxes}",
    ),
    "native": ("另外勾选（平台专有）：{codes}。", "Also tick (platform-specific): {codes}."),
    "group_open": ("打开 {menu} → {verb}「{name}」。", "Open {menu} → {verb} '{name}'."),
    "group_delete": ("打开 {menu}，删除分组「{name}」。", "Open {menu}, delete group '{name}'."),
    "description": ("描述：{text}。", "Description: {text}."),
    "members": ("成员（恰好这些）：{names}。", "Members, exactly: {names}."),
    "none": ("（无）", "(none)"),
    "unmapped": (
        "{meaning}（{permission}；没有已知的对应勾选项：请找最接近的一项并核对）",
        "{meaning} ({permission}; no known checkbox: find the closest one and check)",
    ),
    "disable": ("停用", "停用 (disable)"),
    "enable": ("启用", "启用 (enable)"),
    "on": ("开启", "开启 (on)"),
    "off": ("关闭", "关闭 (off)"),
    "sep": ("；", "; "),
}

_SERVICE_FIELDS = {"reception_limit": "接待上限", "dispatch": "分流", "schedule": "排班"}


def manual_steps(context: ShopContext, change: Change) -> tuple[str, ...]:
    """Numbered, self-contained instructions for one manual change."""
    words = _Words(context)
    office = context.descriptor.back_office
    shop = f"{context.shop.name}，{context.name}" if context.shop.name else context.name
    if words.language != _ZH:
        shop = f"{context.shop.name} ({context.name})" if context.shop.name else context.name
    steps = [words("login", home=office.home, shop=shop)]
    kind = change.address.kind
    if kind == "account":
        steps += _account_steps(words, office, context, change)
    elif kind == "role":
        steps += _role_steps(words, office, context, change)
    else:
        steps += _group_steps(words, office, change)
    return tuple(f"{number}. {step}" for number, step in enumerate(steps, 1))


class _Words:
    def __init__(self, context: ShopContext) -> None:
        self.language = context.language
        self.context = context

    def __call__(self, key: str, **values: object) -> str:
        chinese, english = _PHRASES[key]
        # Values come from the config: escaped, so none can start a line of a task's steps.
        # `boxes` is this module's own layout (catalog labels on lines of their own).
        shown = {k: v if k == "boxes" else printable(str(v)) for k, v in values.items()}
        return (chinese if self.language == _ZH else english).format(**shown)

    def value(self, field: str, value: FieldValue) -> str:
        if isinstance(value, bool):
            return self("on" if value else "off")
        if field == "schedule" and isinstance(value, str):
            schedule = self.context.schedules.get(value)
            if schedule is not None:
                return spell_schedule(schedule, self.language, self.context.timezone)
        return str(value)

    def names(self, value: FieldValue) -> str:
        return "、".join(_tuple(value)) or self("none")


def _account_name(context: ShopContext, nickname: str) -> str:
    return context.descriptor.account_name(nickname, context.shop.main_account)


def _account_steps(
    words: _Words, office: BackOffice, context: ShopContext, change: Change
) -> list[str]:
    name = _account_name(context, change.address.name)
    after = change.after()
    if change.action == "delete":
        return [words("acct_delete", menu=office.accounts, name=name)]
    creating = change.action == "create"
    on_page = []  # what the account's own page sets
    if "agent" in after:  # a handover's reset (provisioner.plan.handover)
        on_page.append(words("acct_reset", holder=words.value("agent", after["agent"])))
    if "roles" in after:
        on_page.append(
            words("acct_roles", word=office.role_word, roles=words.names(after["roles"]))
        )
    if "status" in after and not (creating and after["status"] == "active"):
        verb = words("disable" if after["status"] == "disabled" else "enable")
        on_page.append(words("acct_status", verb=verb))
    steps = []
    if creating or on_page:
        opening = words("acct_new" if creating else "acct_edit", menu=office.accounts, name=name)
        steps += [opening, *on_page, words("confirm" if creating else "save")]
    service = [
        f"{label} {words.value(field, after[field])}"
        for field, label in _SERVICE_FIELDS.items()
        if field in after
    ]
    if service:
        settings = words("sep").join(service)
        steps.append(words("service", menu=office.service, name=name, settings=settings))
    return steps


def _role_steps(
    words: _Words, office: BackOffice, context: ShopContext, change: Change
) -> list[str]:
    name = change.address.name
    if change.action == "delete":
        return [words("role_delete", menu=office.roles, word=office.role_word, name=name)]
    verb = "新建" if change.action == "create" else "编辑"
    steps = [words("role_open", menu=office.roles, verb=verb, word=office.role_word, name=name)]
    permissions = _tuple(change.after().get("permissions"))
    binding = context.roles.get(name)
    if binding is not None and not permissions:
        permissions = binding.permissions
    if permissions:
        boxes = "".join(
            f"\n   - {label}" for label in _labels(words, context.platform, permissions)
        )
        steps.append(words("tick", boxes=boxes))
    native = _tuple(change.after().get("native"))
    if native:
        steps.append(words("native", codes=", ".join(native)))
    steps.append(words("save"))
    return steps


def _group_steps(words: _Words, office: BackOffice, change: Change) -> list[str]:
    name = change.address.name
    if change.action == "delete":
        return [words("group_delete", menu=office.groups, name=name)]
    after = change.after()
    verb = "新建分组" if change.action == "create" else "编辑分组"
    steps = [words("group_open", menu=office.groups, verb=verb, name=name)]
    if "description" in after:
        steps.append(words("description", text=words.value("description", after["description"])))
    if "members" in after:
        steps.append(words("members", names=words.names(after["members"])))
    steps.append(words("save"))
    return steps


def _labels(words: _Words, platform: str, permissions: tuple[str, ...]) -> list[str]:
    catalog = load_catalog()
    labels = []
    for permission in permissions:
        mapping = catalog.mapping(platform, permission)
        if mapping is not None:
            labels.append(f"{mapping.label} ({permission})")
            continue
        known = catalog.get(permission)
        meaning = known.label if known else permission
        labels.append(words("unmapped", meaning=meaning, permission=permission))
    return labels


def _tuple(value: FieldValue) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()


# Schedules spelled out: `周一至周五 09:00–18:00`, `Mon–Fri 09:00–18:00`.
_DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES: Mapping[str, tuple[str, str]] = {
    "mon": ("周一", "Mon"),
    "tue": ("周二", "Tue"),
    "wed": ("周三", "Wed"),
    "thu": ("周四", "Thu"),
    "fri": ("周五", "Fri"),
    "sat": ("周六", "Sat"),
    "sun": ("周日", "Sun"),
}


def spell_schedule(schedule: Schedule, language: str, team_timezone: str) -> str:
    """Every shift of `schedule` in words; its time zone only when it is not the team's."""
    zh = language == _ZH
    shifts = []
    for shift in schedule.shifts:
        end = shift.to
        if shift.to <= shift.from_:  # an overnight shift ends the next day
            end = f"次日 {shift.to}" if zh else f"{shift.to} (next day)"
        shifts.append(f"{_days(shift.days, zh)} {shift.from_}–{end}")
    spelled = ("，" if zh else ", ").join(shifts)
    if schedule.timezone != team_timezone:
        spelled += f"（{schedule.timezone}）" if zh else f" ({schedule.timezone})"
    return spelled


def _days(days: tuple[Day, ...], zh: bool) -> str:
    """Runs of consecutive days as ranges: mon..fri -> 周一至周五; mon, wed -> 周一、周三."""
    chosen = sorted(set(days), key=_DAYS.index)
    if len(chosen) == 7:
        return "每天" if zh else "every day"
    runs: list[list[str]] = []
    for day in chosen:
        if runs and _DAYS.index(day) == _DAYS.index(runs[-1][-1]) + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    pick = 0 if zh else 1
    parts = []
    for run in runs:
        first, last = _DAY_NAMES[run[0]][pick], _DAY_NAMES[run[-1]][pick]
        if len(run) >= 3:
            parts.append(f"{first}至{last}" if zh else f"{first}–{last}")
        else:
            parts += [_DAY_NAMES[day][pick] for day in run]
    return ("、" if zh else ", ").join(parts)
