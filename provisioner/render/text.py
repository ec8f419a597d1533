"""The plan for a terminal: the summary line, who gains what (person by person, the most
dangerous first), every change per shop, and the summary line again where the reading ends."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from provisioner.plan.model import Plan, Unmanaged
from provisioner.render.access import (
    AccessLine,
    SharedLine,
    access_lines,
    by_person,
    is_low,
    low_risk_count,
    permission_label,
    person_label,
    shared,
)
from provisioner.render.ansi import Colour, paint
from provisioner.render.changes import SIGNS, change_detail_parts, change_title
from provisioner.render.summary import by_shop, summary_line
from provisioner.render.values import clean, display_width, format_value
from provisioner.render.wrap import fill, fill_text, items
from provisioner.resources import Action, Change

_ACTION_COLOURS: dict[Action, Colour] = {"create": "green", "update": "yellow", "delete": "red"}
_INDENT = "  "
_DETAIL_INDENT = "      "


@dataclass(frozen=True)
class _Style:
    color: bool = False
    steps: bool = False
    verbose: bool = False
    width: int | None = None


def render_text(
    plan: Plan,
    *,
    color: bool = False,
    steps: bool = False,
    verbose: bool = False,
    width: int | None = None,
) -> str:
    """The whole plan as terminal text, the summary line first and last.

    `color`: ANSI colours. `steps`: each manual change's back-office steps under it (`show`).
    `verbose`: low-risk permissions listed, not counted. `width`: lines folded to that many
    columns (None: never folded); nothing is ever cut, only continued on the next line.
    """
    style = _Style(color, steps, verbose, width)
    sections: tuple[Callable[[Plan, _Style], str], ...] = (
        _access,
        _changes,
        _pending,
        _drift,
        _unmanaged,
        _bookkeeping,
        _warnings,
        _unsafe,
    )
    blocks = [section(plan, style) for section in sections]
    summary = paint(_fold(summary_line(plan), style), "bold", color)
    shown = [block for block in blocks if block]
    return "\n\n".join([summary, *shown, summary] if shown else [summary]) + "\n"


def _fold(text: str, style: _Style, extra: int = 2) -> str:
    return "\n".join(
        line for raw in text.split("\n") for line in fill_text(raw, style.width, extra)
    )


def _access(plan: Plan, style: _Style) -> str:
    lines = access_lines(plan.access_delta)
    people = by_person(lines)
    if not people:
        return ""
    blocks = [_person(agent, rows, plan, style) for agent, rows in people.items()]
    counted = not style.verbose and any(is_low(line.risk) for line in lines)
    title = "Access changes by person, critical and high risk first" + (
        " (low-risk counted; --verbose lists them):" if counted else ":"
    )
    return _fold(title, style) + "\n\n" + "\n\n".join(blocks)


def _person(agent: str, lines: tuple[AccessLine, ...], plan: Plan, style: _Style) -> str:
    rows = [row for line in shared(lines) for row in _access_row(line, style)]
    return _fold(f"{_INDENT}{person_label(agent, plan.names)}", style, 4) + "\n" + "\n".join(rows)


def _access_row(line: SharedLine, style: _Style) -> list[str]:
    """The permissions on the row, the accounts under them: `on acme-jd/鑫鑫, acme-pdd/鑫鑫`."""
    sign = "+" if line.direction == "gain" else "-"
    verb = f"{sign} {line.verb}"
    head = f"{_INDENT * 2}{verb}  {line.risk.ljust(8)}  "
    if is_low(line.risk) and not style.verbose:
        tokens = [low_risk_count(line)]
    else:
        tokens = items(clean(permission_label(p)) for p in line.permissions)
    accounts = items(clean(account) for account in line.accounts)
    column = _column(head, tokens, style.width)
    rows = fill(head, [*tokens[:-1], f"{tokens[-1]}  on", *accounts], style.width, column)
    if len(rows) > 1:  # too long for one row: the permissions, then the accounts under them
        rows = fill(head, tokens, style.width, column)
        rows += fill(column + "on ", accounts, style.width, column + "   ")
    painted = paint(verb, "green" if sign == "+" else "red", style.color)
    rows[0] = rows[0].replace(verb, painted, 1)
    return rows


def _column(head: str, tokens: list[str], width: int | None) -> str:
    # Permissions continue under the permission column, unless the widest would not fit there
    # (a narrow terminal): then under the sign, so nothing runs past the edge.
    if width is None:
        return ""  # never used: nothing folds
    column = display_width(head)
    widest = max(display_width(token) for token in tokens)
    return " " * column if column + widest <= width else _INDENT * 4


def _changes(plan: Plan, style: _Style) -> str:
    shops = by_shop(plan.changes)
    known = plan.steps_by_key if style.steps else {}
    return "\n\n".join(_shop(shop, changes, style, known) for shop, changes in shops.items())


def _shop(
    shop: str, changes: tuple[Change, ...], style: _Style, steps: Mapping[str, tuple[str, ...]]
) -> str:
    title = paint(
        _fold(f"{clean(shop)} ({clean(changes[0].platform)})", style), "bold", style.color
    )
    return title + "\n" + "\n\n".join(_change(change, style, steps) for change in changes)


def _change(change: Change, style: _Style, steps: Mapping[str, tuple[str, ...]]) -> str:
    head = _fold(f"{_INDENT}{SIGNS[change.action]} {change_title(change)}", style)
    details = [
        line
        for detail in change_detail_parts(change)
        for line in fill(
            _DETAIL_INDENT + detail[0], detail[1], style.width, _hanging(detail), cjk=True
        )
    ]
    todo = steps.get(change.key, ())
    if todo:
        details.append(_DETAIL_INDENT + "back-office steps:")
        details += [
            folded
            for step in todo
            for line in step.split("\n")
            for folded in fill_text(_DETAIL_INDENT + _INDENT + clean(line), style.width, 3)
        ]
    return "\n".join([paint(head, _ACTION_COLOURS[change.action], style.color), *details])


def _hanging(detail: tuple[str, list[str]]) -> str:
    # A value continues under where it started, a `# reason` under its first word.
    return " " * (len(_DETAIL_INDENT) + display_width(detail[0]))


def _pending(plan: Plan, style: _Style) -> str:
    if not plan.pending:
        return ""
    rows = [
        f"{_INDENT}#{task.task_id} {task.action} {clean(str(task.address))}: {clean(task.summary)}"
        for task in plan.pending
    ]
    title = (
        "Pending manual tasks (opened by an earlier apply; `provisioner tasks done ID` when done):"
    )
    return _titled(title, "yellow", rows, style)


def _drift(plan: Plan, style: _Style) -> str:
    if not plan.drift:
        return ""
    rows = [
        f"{_INDENT}{clean(str(d.address))}  {clean(d.field)}: "
        f"{format_value(d.recorded)} -> {format_value(d.live)}"
        for d in plan.drift
    ]
    title = "Drift (changed outside git since the last apply; recorded -> live):"
    return _titled(title, "yellow", rows, style)


def _unmanaged(plan: Plan, style: _Style) -> str:
    listed = [item for item in plan.unmanaged if item.mode != "ignore"]
    if not listed:
        return ""
    rows = [line for item in listed for line in _unmanaged_item(item)]
    title = "Unmanaged accounts (on the platform, not in the config; report lists, remove deletes):"
    return _titled(title, "yellow", rows, style)


def _unmanaged_item(item: Unmanaged) -> list[str]:
    head = f"{_INDENT}{clean(str(item.address))} ({clean(item.platform)}): {item.mode}"
    width = max((len(name) for name, _ in item.fields), default=0)
    return [head] + [
        f"{_DETAIL_INDENT}{clean(name + ':').ljust(width + 1)} {format_value(value)}"
        for name, value in item.fields
    ]


def _bookkeeping(plan: Plan, style: _Style) -> str:
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
    return _titled(title, "bold", rows, style)


def _warnings(plan: Plan, style: _Style) -> str:
    prefix = "Warning: "
    lines = [_fold(prefix + clean(w), style, len(prefix)) for w in plan.warnings]
    return "\n".join(paint(prefix, "yellow", style.color) + line[len(prefix) :] for line in lines)


def _unsafe(plan: Plan, style: _Style) -> str:
    if not plan.unsafe:
        return ""
    rows = [f"{_INDENT}- {clean(reason)}" for reason in plan.unsafe]
    return _titled("Apply will refuse this plan without --force:", "red", rows, style)


def _titled(title: str, colour: Colour, rows: list[str], style: _Style) -> str:
    """A section: its title painted, then its rows, each folded under its own first word."""
    head = paint(_fold(title, style), colour, style.color)
    return "\n".join([head, *(_fold(row, style, 4) for row in rows)])
