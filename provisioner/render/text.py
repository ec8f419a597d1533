"""The plan for a terminal, read like Terraform's: who gains what first, the summary line last."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from provisioner.plan.model import Plan, Unmanaged
from provisioner.render.access import AccessLine, access_lines, by_person, permission_label
from provisioner.render.ansi import Colour, paint
from provisioner.render.changes import SIGNS, change_details, change_title
from provisioner.render.summary import by_shop, summary_line
from provisioner.render.values import clean, display_width, format_value, pad
from provisioner.resources import Action, Change

_ACTION_COLOURS: dict[Action, Colour] = {"create": "green", "update": "yellow", "delete": "red"}
_INDENT = "  "
_DETAIL_INDENT = "      "


def render_text(plan: Plan, *, color: bool = False, steps: bool = False) -> str:
    """The whole plan as terminal text; ANSI colours only when `color` is true; each manual
    change's back-office steps under it when `steps` is true (`show`)."""
    sections: tuple[Callable[[Plan, bool], str], ...] = (
        _access,
        lambda p, c: _changes(p, c, steps),
        _pending,
        _drift,
        _unmanaged,
        _bookkeeping,
        _warnings,
        _unsafe,
    )
    blocks = [section(plan, color) for section in sections]
    blocks.append(paint(summary_line(plan), "bold", color))
    return "\n\n".join(block for block in blocks if block) + "\n"


def _access(plan: Plan, color: bool) -> str:
    people = by_person(access_lines(plan.access_delta))
    if not people:
        return ""
    blocks = [_person(agent, lines, color) for agent, lines in people.items()]
    return "Access changes (critical and high risk first):\n\n" + "\n\n".join(blocks)


def _person(agent: str, lines: tuple[AccessLine, ...], color: bool) -> str:
    width = max(display_width(clean(line.account)) for line in lines)
    rows = [_access_row(line, width, color) for line in lines]
    return f"{_INDENT}{clean(agent) or '(no agent)'}\n" + "\n".join(rows)


def _access_row(line: AccessLine, width: int, color: bool) -> str:
    sign = "+" if line.direction == "gain" else "-"
    head = paint(f"{sign} {line.verb}", "green" if sign == "+" else "red", color)
    permissions = ", ".join(permission_label(p) for p in line.permissions)
    account = pad(clean(line.account), width)
    return f"{_INDENT * 2}{head}  {line.risk.ljust(8)}  {account}  {clean(permissions)}"


def _changes(plan: Plan, color: bool, steps: bool = False) -> str:
    shops = by_shop(plan.changes)
    known = plan.steps_by_key if steps else {}
    return "\n\n".join(_shop(shop, changes, color, known) for shop, changes in shops.items())


def _shop(
    shop: str, changes: tuple[Change, ...], color: bool, steps: Mapping[str, tuple[str, ...]]
) -> str:
    title = paint(f"{clean(shop)} ({clean(changes[0].platform)})", "bold", color)
    return title + "\n" + "\n\n".join(_change(change, color, steps) for change in changes)


def _change(change: Change, color: bool, steps: Mapping[str, tuple[str, ...]]) -> str:
    head = f"{_INDENT}{SIGNS[change.action]} {change_title(change)}"
    details = [_DETAIL_INDENT + line for line in change_details(change)]
    todo = steps.get(change.key, ())
    if todo:
        details.append(_DETAIL_INDENT + "back-office steps:")
        details += [_DETAIL_INDENT + _INDENT + clean(line) for s in todo for line in s.split("\n")]
    return "\n".join([paint(head, _ACTION_COLOURS[change.action], color), *details])


def _pending(plan: Plan, color: bool) -> str:
    if not plan.pending:
        return ""
    rows = [
        f"{_INDENT}#{task.task_id} {task.action} {clean(str(task.address))}: {clean(task.summary)}"
        for task in plan.pending
    ]
    title = (
        "Pending manual tasks (opened by an earlier apply; `provisioner tasks done ID` when done):"
    )
    return "\n".join([paint(title, "yellow", color), *rows])


def _drift(plan: Plan, color: bool) -> str:
    if not plan.drift:
        return ""
    rows = [
        f"{_INDENT}{clean(str(d.address))}  {clean(d.field)}: "
        f"{format_value(d.recorded)} -> {format_value(d.live)}"
        for d in plan.drift
    ]
    title = "Drift (changed outside git since the last apply; recorded -> live):"
    return "\n".join([paint(title, "yellow", color), *rows])


def _unmanaged(plan: Plan, color: bool) -> str:
    items = [item for item in plan.unmanaged if item.mode != "ignore"]
    if not items:
        return ""
    rows = [line for item in items for line in _unmanaged_item(item)]
    title = "Unmanaged accounts (on the platform, not in the config; report lists, remove deletes):"
    return "\n".join([paint(title, "yellow", color), *rows])


def _unmanaged_item(item: Unmanaged) -> list[str]:
    head = f"{_INDENT}{clean(str(item.address))} ({clean(item.platform)}): {item.mode}"
    width = max((len(name) for name, _ in item.fields), default=0)
    return [head] + [
        f"{_DETAIL_INDENT}{clean(name + ':').ljust(width + 1)} {format_value(value)}"
        for name, value in item.fields
    ]


def _bookkeeping(plan: Plan, color: bool) -> str:
    """What apply records without changing any platform: it is part of what apply does."""
    rows = [f"{_INDENT}+ adopt  {clean(str(r.address))}" for r in plan.adopt]
    rows += [f"{_INDENT}- forget {clean(str(address))}" for address in plan.forget]
    for names in plan.protect:
        change = ", ".join(
            [*(f"+{clean(n)}" for n in names.added), *(f"-{clean(n)}" for n in names.removed)]
        )
        rows.append(f"{_INDENT}~ protect {clean(names.shop)}: {change}")
    if not rows:
        return ""
    title = (
        "Recorded by apply, nothing changes on the platforms (adopt: found live as declared, "
        "managed from now on; forget: record of what is gone; protect: protected names):"
    )
    return "\n".join([paint(title, "bold", color), *rows])


def _warnings(plan: Plan, color: bool) -> str:
    return "\n".join(paint("Warning: ", "yellow", color) + clean(w) for w in plan.warnings)


def _unsafe(plan: Plan, color: bool) -> str:
    if not plan.unsafe:
        return ""
    title = paint("Apply will refuse this plan without --force:", "red", color)
    return "\n".join([title, *(f"{_INDENT}- {clean(reason)}" for reason in plan.unsafe)])
