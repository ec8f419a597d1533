"""`provisioner report`: who has which permission where, computed from the config alone.

One row per person, account and permission (an account whose roles grant nothing still gets
one row, with an empty permission, so every account is listed). Phone numbers are personal
data the report does not need: they are never read here, not even masked.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import io
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from provisioner.catalog import load_catalog
from provisioner.config.roles import effective_permissions
from provisioner.model import Account, Agent, Config
from provisioner.render.access import is_high, risk_rank
from provisioner.render.markup import escape, table_head, table_row

TITLE = "Access report"


@dataclass(frozen=True)
class AccessRow:
    """One permission one person holds on one shop account, through the account's roles."""

    agent: str
    name: str
    shop: str
    platform: str
    nickname: str
    status: str
    roles: tuple[str, ...]
    permission: str
    risk: str


COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(AccessRow))


def access_rows(config: Config) -> tuple[AccessRow, ...]:
    """Every row, by person id, shop and nickname, then most dangerous permission first."""
    granted = effective_permissions(config.roles)
    rows = [
        row
        for agent_id, agent in config.agents.items()
        for account in agent.accounts
        for row in _account_rows(config, granted, agent_id, agent, account)
    ]
    return tuple(sorted(rows, key=_order))


def report_markdown(rows: Iterable[AccessRow]) -> str:
    rows = tuple(rows)
    lines = [f"# {TITLE}\n\n", _totals(rows), "\n\n", table_head(*_HEADINGS)]
    lines += [table_row(escape(cell) for cell in _cells(row)) for row in rows]
    return "".join(lines)


def report_csv(rows: Iterable[AccessRow]) -> str:
    """RFC 4180 CSV with a header row; `roles` is comma-separated inside its quoted cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(_cells(row, roles_separator=",") for row in rows)
    return out.getvalue()


def report_html(rows: Iterable[AccessRow]) -> str:
    """A self-contained page: no script, no external stylesheet or font, everything escaped."""
    rows = tuple(rows)
    head = "".join(f"<th>{html.escape(title)}</th>" for title in _HEADINGS)
    body = "".join(_html_row(row) for row in rows)
    return _PAGE.format(
        title=html.escape(TITLE),
        totals=html.escape(_totals(rows)),
        head=head,
        body=body,
    )


_HEADINGS = (
    "Person",
    "Name",
    "Shop",
    "Platform",
    "Account",
    "Status",
    "Roles",
    "Permission",
    "Risk",
)

_PAGE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; }}
th, td {{ border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }}
th {{ background: #f3f3f3; }}
tr.high td.risk {{ color: #b00020; font-weight: bold; }}
tr.disabled {{ color: #888; }}
</style>
</head>
<body>
<h1>{title}</h1>
<p>{totals}</p>
<table>
<thead><tr>{head}</tr></thead>
<tbody>
{body}</tbody>
</table>
</body>
</html>
"""


def _account_rows(
    config: Config,
    granted: Mapping[str, frozenset[str]],
    agent_id: str,
    agent: Agent,
    account: Account,
) -> list[AccessRow]:
    shop = config.shops.get(account.shop)
    permissions = sorted({p for role in account.roles for p in granted.get(role, ())})
    base = AccessRow(
        agent=agent_id,
        name=agent.name or "",
        shop=account.shop,
        platform=shop.platform if shop else "",
        nickname=account.nickname,
        status=agent.status,
        roles=tuple(account.roles),
        permission="",
        risk="",
    )
    return [dataclasses.replace(base, permission=p, risk=_risk(p)) for p in permissions] or [base]


def _risk(permission: str) -> str:
    known = load_catalog().get(permission)
    return known.risk if known else ""


def _order(row: AccessRow) -> tuple[str, str, str, int, str]:
    return row.agent, row.shop, row.nickname, risk_rank(row.risk), row.permission


def _cells(row: AccessRow, roles_separator: str = ", ") -> tuple[str, ...]:
    return (
        row.agent,
        row.name,
        row.shop,
        row.platform,
        row.nickname,
        row.status,
        roles_separator.join(row.roles),
        row.permission,
        row.risk,
    )


def _html_row(row: AccessRow) -> str:
    classes = " ".join(c for c in ("high" if is_high(row.risk) else "", row.status) if c)
    cells = "".join(
        f'<td class="{heading.lower()}">{html.escape(cell)}</td>'
        for heading, cell in zip(_HEADINGS, _cells(row), strict=True)
    )
    return f'<tr class="{classes}">{cells}</tr>\n'


def _totals(rows: tuple[AccessRow, ...]) -> str:
    people = len({row.agent for row in rows})
    accounts = len({(row.agent, row.shop, row.nickname) for row in rows})
    risks = Counter(row.risk for row in rows if row.permission)
    grants = ", ".join(f"{risks[r]} {r}" for r in ("critical", "high", "medium", "low"))
    return f"{people} people, {accounts} accounts; permissions granted: {grants}."
