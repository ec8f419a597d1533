"""What folding a text plan to the terminal width costs: `render_text` of a big plan, unfolded
and at 100 columns, best of --runs. Run with provisioner's own Python:

    .venv/bin/python bench/render_text.py --accounts 20000 --runs 5
"""

from __future__ import annotations

import argparse
import dataclasses
import inspect
import time

from provisioner.plan.model import AccessChange, Plan
from provisioner.render.text import render_text
from provisioner.resources import Address, Change, FieldChange

PERMISSIONS = (
    ("finance.view", "critical"),
    ("order.modify_price", "high"),
    ("refund.request", "medium"),
    ("order.modify_address", "medium"),
    ("chat.reply", "low"),
    ("order.view", "low"),
)


def big_plan(accounts: int) -> Plan:
    """One new account per agent on one of 50 shops, with a six-permission role."""
    changes, delta = [], []
    for index in range(accounts):
        shop, nickname, agent = f"shop-{index % 50:02d}", f"客服{index:05d}", f"agent.{index:05d}"
        roles = ("cs-lead", "presales")
        changes.append(
            Change(
                Address(shop, "account", nickname),
                "tmall",
                "create",
                "api",
                f"new account of agent {agent}",
                (FieldChange("status", None, "active"), FieldChange("roles", None, roles)),
                agent=agent,
            )
        )
        delta += [
            AccessChange(agent, shop, nickname, name, risk, "gain") for name, risk in PERMISSIONS
        ]
    names = tuple((f"agent.{i:05d}", f"员工{i:05d}") for i in range(accounts))
    plan = Plan(changes=tuple(changes), access_delta=tuple(delta))
    # a provisioner from before names and folding (the "before" figure) has neither
    known = {f.name for f in dataclasses.fields(Plan)}
    return dataclasses.replace(plan, people=names) if "people" in known else plan


def best(plan: Plan, runs: int, width: int | None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_text(plan, **({} if width is None else {"width": width}))
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plan = big_plan(args.accounts)
    folds = "width" in inspect.signature(render_text).parameters
    for width in (None, 100) if folds else (None,):
        print(f"width {width}: {best(plan, args.runs, width):.2f} s")


if __name__ == "__main__":
    main()
