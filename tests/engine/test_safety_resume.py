"""Safety in the library, and resuming an interrupted first apply without --force.

On Kuaishou a create is split: the API creates the account with its roles, a manual task sets
the reception limit. A first apply killed half way leaves accounts created without their
manual part: completing them is still the creation, not an update of most of the shop.
"""

from __future__ import annotations

from typing import Any

import pytest
from engine_project import Project, agent, config
from sandbox_office import office

from provisioner.apply.executor import Executor
from provisioner.config.loader import load_config
from provisioner.errors import UnsafePlanError
from provisioner.run.workflow import plan_loaded, state_path
from provisioner.state import StateStore

ROLES: dict[str, Any] = {
    "presales": {"permissions": ["chat.reply"], "native": {"kuaishou": {"roles": ["客服"]}}}
}
SHOP = {"platform": "kuaishou", "name": "快手小店", "endpoint": "sandbox"}
SAFETY = {"max_delete_percent": 30, "max_update_percent": 50, "min_accounts": 3}
COUNT = 8


def team(count: int = COUNT) -> dict[str, Any]:
    people = {
        f"p{i}": agent(
            f"员工{i}",
            {"shop": "ks", "nickname": f"ks{i}", "roles": ["presales"], "reception_limit": 50},
            phone=f"138000000{i:02d}",
        )
        for i in range(count)
    }
    return config({"ks": dict(SHOP)}, people, roles=ROLES, safety=SAFETY)


def office_accounts(project: Project) -> list[object]:
    return list(office(project, "ks", "kuaishou").list_accounts())


def test_resuming_an_interrupted_first_apply_needs_no_force(project: Project) -> None:
    project.write(team())
    process = project.spawn("apply", "--auto-approve", env={"PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    created = 0
    for line in process.stdout:
        created += "create ks/account/" in line and "[api]" in line
        if created == 3:
            process.kill()
            break
    process.communicate(timeout=30)
    assert created == 3, "the apply ended before it could be interrupted"

    plan = project.plan_json()
    assert plan["unsafe"] == []
    finish = project.run("apply", "--auto-approve")  # no --force
    assert finish.code == 0, finish.output
    assert project.plan_json()["unsafe"] == []  # the open tasks are not counted again
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_the_executor_refuses_an_unsafe_plan_unless_forced(project: Project) -> None:
    project.write(team())
    project.converge()
    project.write(team(count=2))  # 6 of 8 accounts go: over 30%
    loaded = load_config(project.root)
    planned = plan_loaded(loaded)
    try:
        assert planned.plan.unsafe
        with StateStore.open(state_path(loaded)) as store:
            executor = Executor(store, planned.connectors)
            runs = len(store.history())
            with pytest.raises(UnsafePlanError, match="ks: would delete or disable 6 of 8"):
                executor.apply(planned.plan, who="lib", commit=None)
            assert len(store.history()) == runs  # refused before anything was done
            assert len(office_accounts(project)) == COUNT
            report = executor.apply(planned.plan, who="lib", commit=None, force=True)
        assert not report.failed
    finally:
        planned.close()
    assert len(office_accounts(project)) == 2
    assert project.run("plan", "--detailed-exitcode").code == 0
