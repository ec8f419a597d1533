"""What a notification says, in the team's language: which shop, which account, what to do, by
when, and how to mark it done. Pure: tasks and settings in, blocks of lines out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from provisioner.resources import Change
from provisioner.state import Task
from provisioner.tasks.listing import TaskView
from provisioner.tasks.words import platform_name, what


@dataclass(frozen=True)
class Block:
    """One task (or the summary of several): a heading line, then plain lines."""

    heading: str
    lines: tuple[str, ...] = ()
    short: str = ""  # one line standing in for the block when a message is too small for it


@dataclass(frozen=True)
class Message:
    """A title, an intro line, the blocks, and a footer; bots split it to fit their limits."""

    title: str
    intro: str
    blocks: tuple[Block, ...]
    footer: str
    language: str


_TEXT = {
    "apply_title": (
        "provisioner：{count} 项人工任务待处理",
        "provisioner: {count} manual tasks to do",
    ),
    "apply_intro": (
        "{who} 刚运行了 apply{commit}，新开了 {count} 项需要在商家后台手工完成的任务：",
        "{who} just ran apply{commit}; it opened {count} tasks to do by hand in the back office:",
    ),
    "offboarded_title": (
        "provisioner：已通过 API 收回 {count} 个账号的权限",
        "provisioner: {count} accounts offboarded through the API",
    ),
    "offboarded_intro": ("{who} 刚运行了 apply{commit}。", "{who} just ran apply{commit}."),
    "remind_title": (
        "provisioner 提醒：{count} 项人工任务未完成",
        "provisioner reminder: {count} manual tasks open",
    ),
    "remind_intro": (
        "还有 {count} 项人工任务未完成，其中 {late} 项已逾期：",
        "{count} manual tasks are still open, {late} of them overdue:",
    ),
    "shop": ("店铺：{shop}", "Shop: {shop}"),
    "account": ("账号：{name}", "Account: {name}"),
    "agent": ("员工：{agent}", "Agent: {agent}"),
    "steps": ("操作步骤：", "Steps:"),
    "done": ("完成后运行：provisioner tasks done {id}", "When done: provisioner tasks done {id}"),
    "offboarded": ("已通过 API 收回权限：", "Offboarded through the API:"),
    "footer": (
        "查看全部：provisioner tasks list；逾期的下线任务会让 provisioner check 失败。",
        "All tasks: provisioner tasks list; overdue offboarding fails provisioner check.",
    ),
    "more": ("另有 {count} 项未展开：", "{count} more, not shown in full:"),
    "long": (
        "步骤较长，请运行 provisioner tasks list 查看。",
        "Long steps: see provisioner tasks list.",
    ),
}


def text(language: str, key: str, **values: object) -> str:
    zh, en = _TEXT[key]
    return (zh if language == "zh-CN" else en).format(**values)


def task_block(task: Task, view: TaskView) -> Block:
    language = view.language
    heading = f"#{task.id} {view.summary(task)}"
    lines = [text(language, "shop", shop=view.shop(task))]
    if task.address.kind == "account":
        lines.append(text(language, "account", name=task.address.name))
    agent = view.agent(task)
    if agent:
        lines.append(text(language, "agent", agent=agent))
    lines.append(view.due_line(task))
    waits = view.waits(task)
    if waits:
        lines.append(waits)
    lines.append(text(language, "steps"))
    lines += list(task.steps)
    lines.append(text(language, "done", id=task.id))
    short = f"#{task.id} {view.summary(task)} · {task.address.shop}"
    return Block(heading, tuple(lines), short)


def _commit(commit: str | None) -> str:
    return f" (git {commit[:10]})" if commit else ""


def opened_message(
    tasks: Sequence[Task],
    offboarded: Sequence[Change],
    view: TaskView,
    who: str,
    commit: str | None,
) -> Message | None:
    """What apply says: the tasks it opened and the offboardings it did; None if neither."""
    language = view.language
    blocks = [task_block(task, view) for task in tasks]
    if offboarded:
        lines = tuple(_offboarded_line(change, view) for change in offboarded)
        blocks.append(Block(text(language, "offboarded"), lines, lines[0]))
    if not blocks:
        return None
    if tasks:
        title = text(language, "apply_title", count=len(tasks))
        intro = text(language, "apply_intro", who=who, commit=_commit(commit), count=len(tasks))
    else:
        title = text(language, "offboarded_title", count=len(offboarded))
        intro = text(language, "offboarded_intro", who=who, commit=_commit(commit))
    return Message(title, intro, tuple(blocks), text(language, "footer"), language)


def _offboarded_line(change: Change, view: TaskView) -> str:
    language = view.language
    summary = what(change.address.kind, change.action, change.address.name, change.fields, language)
    label = view.shop_names.get(change.address.shop)
    shop = (
        change.address.shop
        if not label
        else f"{label}（{change.address.shop}）"
        if language == "zh-CN"
        else f"{label} ({change.address.shop})"
    )
    platform = platform_name(change.platform, language)
    agent = f" · {change.agent}" if change.agent else ""
    return f"- {summary} · {shop} · {platform}{agent}"


def reminder_message(tasks: Sequence[Task], view: TaskView) -> Message | None:
    """What `tasks remind` says: every open task, overdue ones first; None if nothing is open."""
    if not tasks:
        return None
    language = view.language
    ordered = sorted(
        tasks,
        key=lambda task: (
            not view.deadline(task).overdue(view.now),
            view.deadline(task).at,
            task.id,
        ),
    )
    late = sum(1 for task in tasks if view.deadline(task).overdue(view.now))
    title = text(language, "remind_title", count=len(tasks))
    intro = text(language, "remind_intro", count=len(tasks), late=late)
    blocks = tuple(task_block(task, view) for task in ordered)
    return Message(title, intro, blocks, text(language, "footer"), language)
