"""Safety thresholds: sweeping deletes or updates are refused without --force (DESIGN §3)."""

from __future__ import annotations

import json
from typing import Any

from engine_project import Project, account, agent, config, memory_shop, summary_of

SAFETY = {"max_delete_percent": 30, "max_update_percent": 50, "min_accounts": 10}
DELETE_REASON = "mem: would delete or disable 4 of 10 managed accounts (40% > 30%)"
UPDATE_REASON = "mem: would update 6 of 10 managed accounts (60% > 50%)"


def staff(
    count: int = 10, promoted: int = 0, safety: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`count` agents on one memory shop; the first `promoted` also get the aftersales role."""
    agents = {
        f"a{i}": agent(
            f"员工{i}",
            account("mem", f"a{i}", *(("presales", "aftersales") if i < promoted else ())),
        )
        for i in range(count)
    }
    return config({"mem": memory_shop()}, agents, safety=safety or SAFETY)


def snapshot(project: Project) -> tuple[str, dict[str, Any]]:
    platform = json.dumps(project.platform("mem"), sort_keys=True)
    recorded = {address: dict(r.fields) for address, r in project.recorded().items()}
    return platform, recorded


def start(project: Project) -> None:
    project.write(staff())
    project.ok("apply", "--auto-approve")  # no managed accounts yet: below min_accounts


def test_deleting_too_many_accounts_is_refused_without_force(project: Project) -> None:
    start(project)
    project.write(staff(6))
    before = snapshot(project)

    planned = project.run("plan")
    assert planned.code == 0
    assert DELETE_REASON in planned.out
    assert project.plan_json()["unsafe"] == [DELETE_REASON + "; use --force if that is intended"]

    refused = project.run("apply", "--auto-approve")
    assert refused.code == 1
    assert "Plan: 0 to create, 0 to update, 4 to delete (0 manual)." in refused.out
    assert DELETE_REASON in refused.out  # the plan is still shown, with the reason
    assert refused.err.startswith("error: refusing an unsafe plan: " + DELETE_REASON)
    assert snapshot(project) == before

    forced = project.run("apply", "--auto-approve", "--force")
    assert forced.code == 0, forced.output
    assert project.live_accounts("mem") == {f"a{i}" for i in range(6)}
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_deleting_up_to_the_threshold_needs_no_force(project: Project) -> None:
    start(project)
    project.write(staff(7))  # 3 of 10 = 30%: not more than the limit
    assert project.plan_json()["unsafe"] == []
    assert project.run("apply", "--auto-approve").code == 0
    assert len(project.live_accounts("mem")) == 7


def test_updating_too_many_accounts_is_refused_without_force(project: Project) -> None:
    start(project)
    project.write(staff(promoted=6))
    assert [a for a, action, _ in summary_of(project.plan_json()) if action == "update"] == [
        f"mem/account/a{i}" for i in range(6)
    ]
    before = snapshot(project)

    refused = project.run("apply", "--auto-approve")
    assert refused.code == 1
    assert UPDATE_REASON in refused.out
    assert UPDATE_REASON in refused.err
    assert snapshot(project) == before

    assert project.run("apply", "--auto-approve", "--force").code == 0
    roles = project.platform("mem")["account/a0"]["fields"]["roles"]
    assert roles == ["aftersales", "presales"]
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_a_saved_unsafe_plan_is_refused_too(project: Project) -> None:
    start(project)
    project.write(staff(6))
    project.ok("plan", "--out", "p.json")
    refused = project.run("apply", "p.json")
    assert refused.code == 1
    assert DELETE_REASON in refused.err
    assert project.run("apply", "p.json", "--force").code == 0
    assert len(project.live_accounts("mem")) == 6


def test_thresholds_do_not_apply_below_min_accounts(project: Project) -> None:
    project.write(staff(9))
    project.ok("apply", "--auto-approve")
    project.write(staff(1))  # 8 of 9 deleted, but the shop has fewer than min_accounts
    assert project.plan_json()["unsafe"] == []
    assert project.run("apply", "--auto-approve").code == 0


def test_removing_most_existing_unmanaged_accounts_needs_force(project: Project) -> None:
    document = staff(2)
    document["shops"]["mem"]["unmanaged"] = "remove"
    project.write(document)
    for i in range(20):  # the shop's existing staff, made in the back office before provisioner
        project.put_live("mem", f"account/老员工{i}", status="active", roles=[])

    refused = project.run("apply", "--auto-approve")

    assert refused.code == 1
    assert "would delete or disable 20 of" in refused.err
    assert len(project.live_accounts("mem")) == 20
