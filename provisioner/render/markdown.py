"""The plan as a GitHub pull-request comment: what a reviewer of an access PR reads first, first.

Order: the summary line, safety refusals, the access delta (a table by person, `马丽 (ma.li)`,
the most dangerous person first; low-risk permissions counted, their list folded in
`<details>`), then each shop's changes folded in `<details>`, manual tasks, drift, unmanaged
accounts and warnings. A comment over `limit` characters is refused by GitHub, so when the
whole plan does not fit, the least important parts are shortened or left out (see `budget`)
and a note points to the full plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from provisioner.plan.model import Plan
from provisioner.render.access import (
    SharedLine,
    access_lines,
    by_person,
    is_high,
    is_low,
    low_risk_count,
    permission_label,
    person_label,
    risk_rank,
    shared,
)
from provisioner.render.budget import Section, fit
from provisioner.render.changes import change_details, change_title
from provisioner.render.markup import escape, escape_html, fence, table_head, table_row
from provisioner.render.summary import by_shop, counts, summary_line
from provisioner.render.values import format_value
from provisioner.resources import Action, Change

GITHUB_COMMENT_LIMIT = 65_535

# GitHub colours ```diff lines by their first character: "+" green, "-" red, "!" orange.
_DIFF_SIGNS: dict[Action, str] = {"create": "+", "update": "!", "delete": "-"}
# Kept first when the comment must be shortened; the shops' details come last of all.
_HEADER, _UNSAFE, _ACCESS, _WARNINGS, _MANUAL, _DRIFT, _UNMANAGED, _DETAILS = range(8)


def render_markdown(plan: Plan, *, limit: int = GITHUB_COMMENT_LIMIT, verbose: bool = False) -> str:
    """Markdown for a PR comment, never longer than `limit` characters; `verbose` lists
    low-risk permissions in the table instead of folding them under their count."""
    sections = [
        Section(_HEADER, f"### {summary_line(plan)}\n\n"),
        *_unsafe(plan),
        *_access(plan, verbose),
        *_details(plan),
        *_manual(plan),
        *_drift(plan),
        *_unmanaged(plan),
        *_bookkeeping(plan),
        *_warnings(plan),
    ]
    return fit(sections, limit, _note(limit))


def _note(limit: int) -> str:
    return (
        "---\n\n"
        f"**This plan is too long for one comment** ({limit:,} characters at most): "
        "the parts above were shortened or left out. See the full plan with "
        "`provisioner plan --format json`, or `provisioner show PLANFILE` on the saved plan "
        "artifact.\n"
    )


def _more(what: str) -> Callable[[int], str]:
    return lambda count: f"\n_…and {count:,} more {what}: see the full plan._\n"


def _unsafe(plan: Plan) -> list[Section]:
    if not plan.unsafe:
        return []
    head = "> [!CAUTION]\n> **Apply will refuse this plan without `--force`:**\n"
    items = tuple(f"> - {escape(reason)}\n" for reason in plan.unsafe)
    return [Section(_UNSAFE, head, items, "\n", _more("reasons"))]


def _access(plan: Plan, verbose: bool) -> list[Section]:
    people = by_person(access_lines(plan.access_delta))
    if not people:
        return []
    head = "#### Access changes by person (critical and high risk first)\n\n" + _tally(plan)
    head += "\n\n" + table_head("Person", "Change", "Risk", "Permissions", "Accounts")
    rows = tuple(
        table_row(
            (
                escape(person_label(agent, plan.names)) if index == 0 else "",
                line.verb,
                f"**{escape(line.risk)}**" if is_high(line.risk) else escape(line.risk),
                _permissions(line, verbose),
                escape(", ".join(line.accounts)),  # the same grant on several accounts: one row
            )
        )
        for agent, lines in people.items()
        for index, line in enumerate(shared(lines))
    )
    return [Section(_ACCESS, head, rows, "\n", _more("access lines"))]


def _permissions(line: SharedLine, verbose: bool) -> str:
    """The permissions in full; low-risk ones counted, the list folded under the count."""
    labels = ", ".join(permission_label(p) for p in line.permissions)
    if verbose or not is_low(line.risk):
        return escape(labels)
    listed = escape_html(labels).replace("|", "&#124;")  # a "|" would end the table cell
    return f"<details><summary>{low_risk_count(line)}</summary>{listed}</details>"


def _tally(plan: Plan) -> str:
    """`**critical**: 1 granted, 0 revoked · low: 2 granted, 1 revoked`: survives any shortening."""
    counted = Counter((change.risk, change.direction) for change in plan.access_delta)
    risks = sorted({risk for risk, _ in counted}, key=risk_rank)
    return " · ".join(
        f"{f'**{escape(r)}**' if is_high(r) else escape(r)}: "
        f"{counted[r, 'gain']:,} granted, {counted[r, 'loss']:,} revoked"
        for r in risks
    )


def _details(plan: Plan) -> list[Section]:
    shops = by_shop(plan.changes)
    return [
        _shop(_DETAILS + index, shop, changes)
        for index, (shop, changes) in enumerate(shops.items())
    ]


def _shop(priority: int, shop: str, changes: tuple[Change, ...]) -> Section:
    items = tuple(_diff_lines(change) for change in changes)
    ticks = fence(items)
    summary = f"{shop} ({changes[0].platform}): {counts(changes)}"
    head = f"<details><summary>{escape_html(summary)}</summary>\n\n{ticks}diff\n"
    tail = f"{ticks}\n\n</details>\n\n"
    return Section(priority, head, items, tail, _more_in_code)


def _more_in_code(count: int) -> str:
    return f"… {count:,} more changes in this shop: see the full plan\n"


def _diff_lines(change: Change) -> str:
    sign = _DIFF_SIGNS[change.action]
    lines = [f"{sign} {change_title(change)}"]
    lines += [f"{sign}     {detail}" for detail in change_details(change)]
    return "\n".join(lines) + "\n"


def _manual(plan: Plan) -> list[Section]:
    manual = Counter(c.address.shop for c in plan.changes if c.execution == "manual")
    if not manual and not plan.pending:
        return []
    head = "#### Manual tasks\n\n"
    if manual:
        shops = ", ".join(f"{escape(shop)} ({count})" for shop, count in manual.items())
        head += (
            f"Apply opens {sum(manual.values())} task(s) for a person to carry out in the "
            f"merchant back office: {shops}.\n\n"
        )
    if not plan.pending:
        return [Section(_MANUAL, head)]
    head += "Still open from earlier applies (`provisioner tasks done ID` once done):\n\n"
    head += table_head("Task", "Resource", "Action", "What to do")
    rows = tuple(
        table_row((f"#{t.task_id}", escape(str(t.address)), escape(t.action), escape(t.summary)))
        for t in plan.pending
    )
    return [Section(_MANUAL, head, rows, "\n", _more("open tasks"))]


def _drift(plan: Plan) -> list[Section]:
    if not plan.drift:
        return []
    head = "#### Drift (changed outside git since the last apply)\n\n"
    head += table_head("Resource", "Field", "Recorded", "Live")
    rows = tuple(
        table_row(
            (
                escape(str(d.address)),
                escape(d.field),
                escape(format_value(d.recorded)),
                escape(format_value(d.live)),
            )
        )
        for d in plan.drift
    )
    return [Section(_DRIFT, head, rows, "\n", _more("drifted fields"))]


def _unmanaged(plan: Plan) -> list[Section]:
    items = [item for item in plan.unmanaged if item.mode != "ignore"]
    if not items:
        return []
    head = "#### Unmanaged accounts (on the platform, not in the config)\n\n"
    head += table_head("Account", "Platform", "Mode", "Fields")
    rows = tuple(
        table_row(
            (
                escape(str(item.address)),
                escape(item.platform),
                item.mode,
                escape(", ".join(f"{k}: {format_value(v)}" for k, v in item.fields)),
            )
        )
        for item in items
    )
    return [Section(_UNMANAGED, head, rows, "\n", _more("unmanaged accounts"))]


def _bookkeeping(plan: Plan) -> list[Section]:
    """What apply records without changing a platform: adopted, forgotten, protected names."""
    rows = [
        table_row(("adopt", escape(str(r.address)), "found live as declared")) for r in plan.adopt
    ]
    rows += [
        table_row(("forget", escape(str(a)), "gone from the platform, or its shop is retired"))
        for a in plan.forget
    ]
    for names in plan.protect:
        change = ", ".join([*(f"+{n}" for n in names.added), *(f"-{n}" for n in names.removed)])
        rows.append(table_row(("protect", escape(names.shop), escape(change))))
    if not rows:
        return []
    head = "#### Recorded by apply (nothing changes on the platforms)\n\n"
    head += table_head("What", "Resource", "Why")
    return [Section(_UNMANAGED, head, tuple(rows), "\n", _more("records"))]


def _warnings(plan: Plan) -> list[Section]:
    if not plan.warnings:
        return []
    items = tuple(f"- {escape(warning)}\n" for warning in plan.warnings)
    return [Section(_WARNINGS, "#### Warnings\n\n", items, "\n", _more("warnings"))]
