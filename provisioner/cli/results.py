"""What an apply did: each change's result, grouped per shop (text), or as one JSON document.

`apply --format json`, format 1:

    {"format_version": "1", "run_id": 3, "plan_digest": "sha256:…",
     "summary": {"ok": 5, "task_opened": 2, "skipped": 0, "failed": 0},
     "shops": [{"shop": "acme-ks", "platform": "kuaishou",
                "summary": {"ok": 5, "task_opened": 0, "skipped": 0, "failed": 0},
                "results": [{"address": "acme-ks/account/小王", "kind": "account",
                             "name": "小王", "action": "create", "execution": "api",
                             "status": "ok", "message": "", "task_id": null}]}]}

`status` is ok | task_opened | skipped | failed; shops in name order, each shop's results in
the order they were carried out (the plan's).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from provisioner.apply.executor import ApplyReport, Outcome, Status
from provisioner.cli.output import style
from provisioner.printable import printable

FORMAT_VERSION = "1"
STATUSES: tuple[Status, ...] = ("ok", "task_opened", "skipped", "failed")
LABELS: Mapping[Status, str] = {
    "ok": "done",
    "task_opened": "manual tasks opened",
    "skipped": "skipped",
    "failed": "failed",
}
_MARKS: Mapping[Status, tuple[str, str]] = {
    "ok": ("✓", "green"),
    "task_opened": ("☐", "yellow"),
    "skipped": ("–", "yellow"),
    "failed": ("✗", "red"),
}


def by_shop(outcomes: Sequence[Outcome]) -> dict[str, list[Outcome]]:
    grouped: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        grouped.setdefault(outcome.change.address.shop, []).append(outcome)
    return dict(sorted(grouped.items()))


def counts(outcomes: Sequence[Outcome]) -> dict[str, int]:
    return {status: sum(1 for o in outcomes if o.status == status) for status in STATUSES}


def result_line(outcome: Outcome) -> str:
    mark, colour = _MARKS[outcome.status]
    change = outcome.change
    detail = f" ({outcome.message})" if outcome.message else ""  # a platform's words, maybe
    line = printable(f"{change.action} {change.address} [{change.execution}]{detail}")
    return f"{style(mark, fg=colour)} {line}"


def render_results_text(report: ApplyReport, platforms: Mapping[str, str]) -> str:
    """Per shop: a header with its counts, then each change's result."""
    lines: list[str] = []
    for shop, outcomes in by_shop(report.outcomes).items():
        found = counts(outcomes)
        tally = ", ".join(f"{found[s]} {LABELS[s]}" for s in STATUSES if found[s])
        platform = f" ({platforms[shop]})" if shop in platforms else ""
        lines.append(f"{style(shop, bold=True)}{platform}: {tally}")
        lines.extend(f"  {result_line(outcome)}" for outcome in outcomes)
    return "".join(line + "\n" for line in lines)


def summary_line(report: ApplyReport) -> str:
    found = counts(report.outcomes)
    return "Apply complete: " + ", ".join(f"{found[s]} {LABELS[s]}" for s in STATUSES) + "."


def _result(outcome: Outcome) -> dict[str, Any]:
    change = outcome.change
    return {
        "address": str(change.address),
        "kind": change.address.kind,
        "name": change.address.name,
        "action": change.action,
        "execution": change.execution,
        "status": outcome.status,
        "message": outcome.message,
        "task_id": outcome.task_id,
    }


def render_results_json(
    report: ApplyReport | None, platforms: Mapping[str, str], digest: str
) -> str:
    """The document; `report` None: nothing to apply (no run, `run_id` null, no shops)."""
    outcomes = report.outcomes if report is not None else ()
    document = {
        "format_version": FORMAT_VERSION,
        "run_id": report.run_id if report is not None else None,
        "plan_digest": digest,
        "summary": counts(outcomes),
        # Stopped by Ctrl-C or SIGTERM: what ran is below, `not_started` changes are left.
        "interrupted": report.interrupted if report is not None else False,
        "not_started": report.not_started if report is not None else 0,
        "shops": [
            {
                "shop": shop,
                "platform": platforms.get(shop),
                "summary": counts(outcomes),
                "results": [_result(outcome) for outcome in outcomes],
            }
            for shop, outcomes in by_shop(outcomes).items()
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
