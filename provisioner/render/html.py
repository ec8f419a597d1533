"""The access report as one self-contained HTML page for an auditor (Jinja2, autoescaped).

A person × shop matrix with each cell's highest risk, then every person's accounts, roles and
permissions; filters by shop, risk and status (plain JavaScript in the page, also read from
and written to the address's `#shop=…&risk=…&status=…`, so a filtered view can be linked). No
network: no external script, stylesheet, font or image. Every value is escaped by Jinja2's
autoescape; the template is `templates/report.html.j2`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import jinja2

from provisioner.catalog import RISK_ORDER
from provisioner.plan.inventory import STATUSES, AccountAccess
from provisioner.render.access import permission_label
from provisioner.render.report import TITLE, ReportInfo, cell_risk, people, totals


@dataclass(frozen=True)
class Cell:
    shop: str
    risk: str
    rows: tuple[AccountAccess, ...]

    @property
    def label(self) -> str:
        return self.risk if self.rows else ""


@dataclass(frozen=True)
class Person:
    agent: str
    name: str
    rows: tuple[AccountAccess, ...]
    cells: tuple[Cell, ...]


def report_html(rows: Sequence[AccountAccess], info: ReportInfo) -> str:
    shops = info.shops or tuple(dict.fromkeys(row.shop for row in rows))
    matrix = [_person(agent, rows, shops) for agent in people(rows)]
    labels = {p: permission_label(p) for row in rows for p in row.permissions}
    return _template().render(
        title=TITLE,
        info=info,
        totals=totals(rows),
        shops=shops,
        risks=RISK_ORDER,
        statuses=STATUSES,
        matrix=matrix,
        rows=rows,
        labels=labels,
    )


def _person(agent: str, rows: Sequence[AccountAccess], shops: Sequence[str]) -> Person:
    mine = tuple(row for row in rows if row.agent == agent)
    cells = []
    for shop in shops:
        here = tuple(row for row in mine if row.shop == shop)
        cells.append(Cell(shop, cell_risk(here) if here else "none", here))
    return Person(agent, next((r.name for r in mine if r.name), ""), mine, tuple(cells))


@cache
def _template() -> jinja2.Template:
    text = resources.files("provisioner.render").joinpath("templates/report.html.j2")
    environment = jinja2.Environment(
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True
    )
    return environment.from_string(text.read_text(encoding="utf-8"))
