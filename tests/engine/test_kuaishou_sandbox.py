"""Kuaishou through the sandbox, as the SDK's request models say the platform behaves:
`contactPhone` at create from the agent's phone (and nowhere else), dispatch groups recorded at
create and read back by id, their description a manual task."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from engine_project import Project, account, agent, config, summary_of

from provisioner.emulators.backoffice import BackOffice
from provisioner.emulators.store import Store

PHONE = "13912345678"
ROLES: dict[str, Any] = {
    "presales": {"permissions": ["chat.reply"], "native": {"kuaishou": {"roles": ["客服"]}}}
}


def shop(**groups: Any) -> dict[str, Any]:
    return {"ks": {"platform": "kuaishou", "endpoint": "sandbox", "groups": dict(groups)}}


def staffed(**groups: Any) -> dict[str, Any]:
    people = {"wang": agent("王", account("ks", "小王", groups=tuple(groups)), phone=PHONE)}
    return config(shop(**groups), people, roles=ROLES)


def office(project: Project) -> BackOffice:
    return BackOffice(Store(project.work / "sandbox"), "kuaishou", "ks")


def test_the_agents_phone_is_the_contact_phone_and_shown_nowhere(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    project.write(staffed())
    caplog.set_level(logging.DEBUG)
    plan = project.run("plan")
    applied = project.ok("--debug", "apply", "--auto-approve")
    staff = office(project).find_account("小王")
    assert staff is not None and staff.contact_phone == PHONE
    state = b"".join(p.read_bytes() for p in project.work.glob("state.db*"))
    for seen in (plan.output, applied.output, caplog.text, state.decode("latin-1")):
        assert PHONE not in seen
    assert project.run("plan", "--detailed-exitcode").code == 0


def test_an_account_whose_agent_has_no_phone_is_refused_at_validate(project: Project) -> None:
    document = staffed()
    del document["agents"]["wang"]["phone"]
    project.write(document)
    result = project.run("validate")
    assert result.code == 1
    assert "agents.wang.accounts[0]: Kuaishou needs a contact phone to create a sub-account" in (
        result.err
    )


def test_groups_are_read_back_by_their_recorded_id(project: Project) -> None:
    project.write(staffed(售前组={"description": "售前咨询"}))
    assert summary_of(project.plan_json()) == [
        ("ks/account/小王", "create", "api"),
        ("ks/group/售前组", "create", "api"),
        ("ks/group/售前组", "update", "manual"),  # no API writes a description
    ]
    project.converge()
    group = {g.name: g for g in office(project).list_groups()}["售前组"]
    assert group.description == "售前咨询"  # the sandbox back office did the manual task
    assert project.recorded()["ks/group/售前组"].remote_id == str(group.id)
    assert project.run("plan", "--detailed-exitcode").code == 0

    office(project).update_group("售前组", members=[])  # someone emptied it in the back office
    assert summary_of(project.plan_json()) == [("ks/group/售前组", "update", "api")]
    office(project).delete_group("售前组")  # and then deleted it
    assert ("ks/group/售前组", "create", "api") in summary_of(project.plan_json())
    project.converge()
    assert project.run("plan", "--detailed-exitcode").code == 0
