"""`provisioner report`: every account on every shop, as Markdown, CSV or HTML, for access reviews.

The rows come from reality (`provisioner.plan.inventory`): what the platforms hold live where
they can be read, else what the state recorded, including unmanaged, protected and disabled
accounts and those waiting for a manual task. Phone numbers are personal data the report does
not need: they are never read here, not even masked.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from provisioner.plan.delta import UNMANAGED
from provisioner.plan.inventory import AccountAccess, highest_risk
from provisioner.render.access import permission_label, risk_rank
from provisioner.render.markup import escape, table_head, table_row

TITLE = "Access report"
BOM = "\ufeff"  # Excel on Chinese Windows reads a CSV as UTF-8 only with it

COLUMNS: tuple[str, ...] = (
    "agent",
    "name",
    "shop",
    "platform",
    "nickname",
    "management",
    "status",
    "pending",
    "roles",
    "permission",
    "risk",
)


@dataclass(frozen=True)
class ReportInfo:
    """When the report was made (in the team's time zone), from which commit and config."""

    generated_at: str
    timezone: str
    commit: str | None = None
    shops: tuple[str, ...] = ()

    @property
    def made(self) -> str:
        commit = f", git commit {self.commit}" if self.commit else ", not in a git checkout"
        return f"Generated {self.generated_at} ({self.timezone}){commit}."


def people(rows: Iterable[AccountAccess]) -> list[str]:
    """Person ids in report order: people first, then the unmanaged accounts' "(unmanaged)"."""
    found = dict.fromkeys(row.agent for row in rows)
    return sorted(found, key=lambda agent: (agent == UNMANAGED, agent))


def cell_risk(rows: Iterable[AccountAccess]) -> str:
    """The highest risk of a person's accounts on a shop ("none" when they grant nothing)."""
    risks = [row.risk for row in rows if row.risk]
    return min(risks, key=risk_rank) if risks else "none"


def totals(rows: Sequence[AccountAccess]) -> str:
    persons = len({row.agent for row in rows if row.agent != UNMANAGED})
    counted = Counter(status for row in rows for status in row.statuses)
    risks = Counter(row.risk for row in rows if row.risk)
    parts = ", ".join(f"{counted[s]} {s}" for s in ("unmanaged", "disabled", "pending deletion"))
    grants = ", ".join(f"{risks[r]} {r}" for r in ("critical", "high", "medium", "low"))
    return (
        f"{len(rows)} accounts of {persons} people ({parts}); accounts by highest risk: {grants}."
    )


def report_markdown(rows: Sequence[AccountAccess], info: ReportInfo) -> str:
    shops = info.shops or tuple(dict.fromkeys(row.shop for row in rows))
    lines = [f"# {TITLE}\n\n", f"{escape(info.made)}\n\n", escape(totals(rows)), "\n\n"]
    lines += ["## Highest risk per person and shop\n\n", table_head("Person", *shops)]
    for agent in people(rows):
        cells = [cell_risk(r for r in rows if r.agent == agent and r.shop == s) for s in shops]
        lines.append(table_row((escape(agent), *(_risk_md(c) for c in cells))))
    lines += ["\n## Accounts\n\n", table_head(*_HEADINGS)]
    lines += [table_row(escape(cell) for cell in _cells(row)) for row in rows]
    return "".join(lines)


def report_csv(rows: Iterable[AccountAccess]) -> str:
    """RFC 4180 CSV, UTF-8 with a byte-order mark, one row per account and permission (an
    account granting nothing still has one row); `roles` comma-separated in its cell."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        for permission in row.permissions or ("",):
            writer.writerow(_csv_cells(row, permission))
    return BOM + out.getvalue()


_HEADINGS = (
    "Person",
    "Name",
    "Shop",
    "Platform",
    "Account",
    "Management",
    "Status",
    "Pending",
    "Roles",
    "Risk",
    "Permissions",
)


def _risk_md(risk: str) -> str:
    return f"**{risk}**" if risk in ("critical", "high") else risk


def _cells(row: AccountAccess) -> tuple[str, ...]:
    roles = ", ".join(
        f"{r} (permissions unknown)" if r in row.unknown_roles else r for r in row.roles
    )
    return (
        row.agent,
        row.name,
        row.shop,
        row.platform,
        row.nickname,
        row.management,
        row.status,
        ", ".join(row.pending),
        roles,
        row.risk,
        ", ".join(permission_label(p) for p in row.permissions),
    )


def _csv_cells(row: AccountAccess, permission: str) -> tuple[str, ...]:
    return (
        row.agent,
        row.name,
        row.shop,
        row.platform,
        row.nickname,
        row.management,
        row.status,
        ",".join(row.pending),
        ",".join(row.roles),
        permission,
        highest_risk((permission,)) if permission else "",
    )
