"""The task list as text (`provisioner tasks list`) and as JSON (`--format json`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from provisioner.model import Config, Settings
from provisioner.printable import printable
from provisioner.state import Task
from provisioner.tasks.clock import iso, show, span
from provisioner.tasks.due import Deadline, deadline, opened_at
from provisioner.tasks.words import platform_name, what, word

Emphasis = Callable[[str, str], str]  # (text, colour) -> text as the terminal shows it


def _plain(text: str, colour: str) -> str:
    return text


@dataclass(frozen=True)
class TaskView:
    """Everything the list needs besides the tasks: the team's settings and a few names."""

    settings: Settings
    now: datetime
    shop_names: Mapping[str, str] = field(default_factory=dict)
    agent_names: Mapping[str, str] = field(default_factory=dict)
    by_id: Mapping[int, Task] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return self.settings.language

    def deadline(self, task: Task) -> Deadline:
        return deadline(task, self.settings.tasks.due)

    def summary(self, task: Task) -> str:
        return what(task.address.kind, task.action, task.address.name, task.fields, self.language)

    def shop(self, task: Task) -> str:
        name = task.address.shop
        platform = platform_name(task.platform, self.language)
        label = self.shop_names.get(name)
        if self.language == "zh-CN":
            return f"{label}（{name}，{platform}）" if label else f"{name}（{platform}）"
        return f"{label} ({name}, {platform})" if label else f"{name} ({platform})"

    def agent(self, task: Task) -> str | None:
        if not task.agent:
            return None
        name = self.agent_names.get(task.agent)
        if not name:
            return task.agent
        return f"{name}（{task.agent}）" if self.language == "zh-CN" else f"{name} ({task.agent})"

    def waits(self, task: Task) -> str | None:
        if not task.waits_for:
            return None
        shown = []
        for task_id in task.waits_for:
            other = self.by_id.get(task_id)
            if other is None:
                shown.append(f"#{task_id}")
                continue
            state = "" if other.is_open else f" ({word(self.language, other.status)})"
            shown.append(f"#{task_id} {self.summary(other)}{state}")
        return word(self.language, "waits", tasks=word(self.language, "sep").join(shown))

    def due_line(self, task: Task) -> str:
        limit = self.deadline(task)
        at = show(limit.at, self.settings.timezone)
        if limit.overdue(self.now):
            line = word(
                self.language, "overdue", at=at, late=span(limit.left(self.now), self.language)
            )
        else:
            line = word(self.language, "due", at=at, left=span(limit.left(self.now), self.language))
        return line + (word(self.language, "offboarding") if limit.offboarding else "")


def render_text(tasks: tuple[Task, ...], view: TaskView, emphasis: Emphasis = _plain) -> str:
    return "".join(_task_text(task, view, emphasis) + "\n" for task in tasks)


def _task_text(task: Task, view: TaskView, emphasis: Emphasis) -> str:
    language = view.language
    status = word(language, task.status)
    limit = view.deadline(task)
    late = task.is_open and limit.overdue(view.now)
    colour = "red" if late else "yellow" if task.is_open else ""
    if language == "zh-CN":
        what = f"{view.summary(task)} · {view.shop(task)}"
        header = f"#{task.id} {emphasis(status, colour)} {printable(what)}"
    else:
        header = f"#{task.id} {emphasis(status, colour)} " + printable(
            f"{task.action} {task.address} ({task.platform})"
        )
    lines = [header]
    agent = view.agent(task)
    if agent:
        lines.append(printable(agent if language == "zh-CN" else f"agent: {agent}"))
    if language != "zh-CN":
        lines.append(printable(word(language, "why", reason=task.reason)))
    who = task.created_by or "?"
    at = show(opened_at(task), view.settings.timezone)
    lines.append(printable(word(language, "opened", at=at, who=who)))
    if task.is_open:
        due = printable(view.due_line(task))
        lines.append(emphasis(due, "red") if late else due)
        waits = view.waits(task)
        if waits:
            lines.append(printable(waits))
        # A step's own line breaks are its layout (values in it were escaped when it was made).
        lines += ["\n   ".join(map(printable, step.split("\n"))) for step in task.steps]
        lines.append(word(language, "then", id=task.id))
    else:
        lines.append(printable(_closed(task, view)))
    return "\n   ".join(lines) + "\n"


def _closed(task: Task, view: TaskView) -> str:
    language = view.language
    at = (
        show(datetime.fromisoformat(task.closed_at), view.settings.timezone)
        if task.closed_at
        else "?"
    )
    line = word(
        language, "closed", status=word(language, task.status), at=at, who=task.closed_by or "?"
    )
    how = closed_how(task, language)
    if how:
        line += ("，" if language == "zh-CN" else "; ") + how
    if task.note:
        line += ("：" if language == "zh-CN" else ": ") + task.note
    return line


def closed_how(task: Task, language: str) -> str | None:
    if task.closed_how is None:
        return None
    return word(language, task.closed_how, who=task.closed_by or "?")


def as_json(task: Task, view: TaskView) -> dict[str, object]:
    zone = view.settings.timezone
    limit = view.deadline(task)
    return {
        "id": task.id,
        "status": task.status,
        "address": str(task.address),
        "shop": task.address.shop,
        "platform": task.platform,
        "kind": task.address.kind,
        "name": task.address.name,
        "action": task.action,
        "summary": view.summary(task),
        "reason": task.reason,
        "agent": task.agent,
        "steps": list(task.steps),
        "fields": [{"field": f.field, "before": f.before, "after": f.after} for f in task.fields],
        "created_at": iso(opened_at(task), zone),
        "created_by": task.created_by,
        "due_at": iso(limit.at, zone),
        "offboarding": limit.offboarding,
        "overdue": task.is_open and limit.overdue(view.now),
        "waits_for": list(task.waits_for),
        "closed_at": iso(datetime.fromisoformat(task.closed_at), zone) if task.closed_at else None,
        "closed_by": task.closed_by,
        "closed_how": task.closed_how,
        "note": task.note,
    }


def view_for(config: Config, tasks: tuple[Task, ...], now: datetime) -> TaskView:
    """The view of `tasks` for a team configured by `config`."""
    return TaskView(
        settings=config.settings,
        now=now,
        shop_names={name: shop.name for name, shop in config.shops.items() if shop.name},
        agent_names={name: agent.name for name, agent in config.agents.items() if agent.name},
        by_id={task.id: task for task in tasks},
    )
