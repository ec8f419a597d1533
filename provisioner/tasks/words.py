"""The words of the task list and the notifications, in each `settings.language`.

Back-office menu names stay Chinese in every language: they are what the screen shows.
"""

from __future__ import annotations

from provisioner.resources import FieldChange

Language = str  # "zh-CN" | "en"

PLATFORMS = {
    "tmall": ("天猫", "Tmall"),
    "taobao": ("淘宝", "Taobao"),
    "pinduoduo": ("拼多多", "Pinduoduo"),
    "douyin": ("抖店", "Douyin Shop"),
    "kuaishou": ("快手小店", "Kuaishou"),
    "jd": ("京东", "JD"),
}

_WORDS: dict[str, tuple[str, str]] = {
    "open": ("待办", "open"),
    "done": ("已完成", "done"),
    "cancelled": ("已取消", "cancelled"),
    "opened": ("创建于 {at}，由 {who}", "opened {at} by {who}"),
    "due": ("截止 {at}（还剩 {left}）", "due {at} (in {left})"),
    "overdue": ("已逾期：截止 {at}，超时 {late}", "OVERDUE: was due {at}, {late} ago"),
    "offboarding": ("（收回权限，优先处理）", " (removes access: do it first)"),
    "waits": ("需先完成：{tasks}", "waits for: {tasks}"),
    "then": ("完成后运行：provisioner tasks done {id}", "Then: provisioner tasks done {id}"),
    "why": ("原因：{reason}", "why: {reason}"),
    "closed": ("{status}于 {at}，由 {who}", "{status} {at} by {who}"),
    "verified": ("已读取店铺核实", "verified on the live shop"),
    "attested": ("平台无法读取，由 {who} 确认", "attested by {who} (the platform cannot be read)"),
    "forced": ("店铺尚未显示，强制关闭", "forced: the live shop did not show it"),
    "none_open": ("没有待办的人工任务。", "No open manual tasks."),
    "none": ("没有人工任务。", "No manual tasks."),
    "none_overdue": ("没有逾期的人工任务。", "No overdue manual tasks."),
    "zone": ("（时间为 {zone} 时区）", "(times in {zone})"),
    "sep": ("、", ", "),
}

_KINDS = {
    "account": ("子账号", "sub-account"),
    "role": ("角色", "role"),
    "group": ("客服分组", "group"),
}
_FIELDS = {
    "roles": ("角色", "roles"),
    "status": ("状态", "status"),
    "dispatch": ("分流", "dispatch"),
    "reception_limit": ("接待上限", "reception limit"),
    "schedule": ("排班", "schedule"),
    "permissions": ("权限", "permissions"),
    "native": ("平台权限", "native permissions"),
    "description": ("描述", "description"),
    "members": ("成员", "members"),
}


def _pick(pair: tuple[str, str], language: Language) -> str:
    return pair[0] if language == "zh-CN" else pair[1]


def word(language: Language, key: str, **values: object) -> str:
    return _pick(_WORDS[key], language).format(**values)


def platform_name(platform: str, language: Language) -> str:
    pair = PLATFORMS.get(platform)
    return _pick(pair, language) if pair else platform


def what(
    kind: str, action: str, name: str, fields: tuple[FieldChange, ...], language: Language
) -> str:
    """One line saying what a task asks for: `新建子账号「小王」`, `停用子账号「小王」`."""
    noun = _pick(_KINDS.get(kind, (kind, kind)), language)
    zh = language == "zh-CN"
    quoted = f"「{name}」" if zh else f" '{name}'"
    after = {change.field: change.after for change in fields}
    if action == "create":
        return f"新建{noun}{quoted}" if zh else f"create {noun}{quoted}"
    if action == "delete":
        return f"删除{noun}{quoted}" if zh else f"delete {noun}{quoted}"
    if set(after) == {"status"}:
        disabling = after["status"] == "disabled"
        if zh:
            return f"{'停用' if disabling else '启用'}{noun}{quoted}"
        return f"{'disable' if disabling else 'enable'} {noun}{quoted}"
    changed = word(language, "sep").join(
        _pick(_FIELDS.get(change.field, (change.field, change.field)), language)
        for change in fields
    )
    return f"修改{noun}{quoted}：{changed}" if zh else f"change {noun}{quoted}: {changed}"
