"""A saved plan is bound to its content: an edited plan file is refused, saying what differs.

The attacks of issue 14, each as an attacker holding the plan artifact would try them: more
deletes with the safety verdict blanked, a create granting another role, a forged adopt entry,
and the same edits with the digest recomputed. Then signing with PROVISIONER_PLAN_KEY.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from engine_project import Project, account, agent, config, memory_shop

from provisioner.plan.binding import content_digest
from provisioner.plan.document import plan_from_document

SAFETY = {"max_delete_percent": 30, "max_update_percent": 50, "min_accounts": 5}
KEY = "k" * 32


def staff(*names: str, roles: dict[str, tuple[str, ...]] | None = None) -> dict[str, Any]:
    agents = {
        name: agent(name, account("mem", name, *(roles or {}).get(name, ("presales",))))
        for name in names
    }
    return config({"mem": memory_shop()}, agents, safety=SAFETY)


SIX = ("a0", "a1", "a2", "a3", "a4", "a5")


def saved(project: Project, env: dict[str, str] | None = None) -> dict[str, Any]:
    project.ok("plan", "--out", "p.json", env=env)
    document: dict[str, Any] = json.loads((project.root / "p.json").read_text(encoding="utf-8"))
    return document


def write_plan(project: Project, document: dict[str, Any], *, redigest: bool = False) -> None:
    if redigest:  # the attacker recomputes the digest, as anyone reading the source can
        document["digest"] = content_digest(plan_from_document(document))
    text = json.dumps(document, ensure_ascii=False)
    (project.root / "p.json").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("redigest", [False, True])
def test_added_deletes_and_a_blanked_safety_verdict_are_refused(
    project: Project, redigest: bool
) -> None:
    project.write(staff(*SIX))
    project.ok("apply", "--auto-approve")
    project.write(staff(*SIX[1:]))
    document = saved(project)
    [reviewed] = document["changes"]
    assert reviewed["action"] == "delete" and document["unsafe"] == []
    memory = project.platform("mem")
    for name in SIX[1:]:
        forged = copy.deepcopy(reviewed)
        forged.update(
            address=f"mem/account/{name}", name=name, key=f"mem/account/{name}#delete:api"
        )
        forged["remote_id"] = memory[f"account/{name}"]["id"]
        document["changes"].append(forged)
    document["unsafe"] = []
    write_plan(project, document, redigest=redigest)

    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert refused.err.startswith(
        "error: p.json: the saved plan differs from the current one: 5 changes added "
        "(delete mem/account/a1, delete mem/account/a2, delete mem/account/a3, …)"
    )
    assert refused.err.count("\n") == 1
    assert project.live_accounts("mem") == set(SIX)


def test_a_create_edited_to_grant_another_role_is_refused(project: Project) -> None:
    project.write(staff("a0"))
    document = saved(project)
    [create] = [c for c in document["changes"] if c["address"] == "mem/account/a0"]
    roles = next(f for f in create["fields"] if f["field"] == "roles")
    roles["after"] = ["aftersales", "presales"]
    write_plan(project, document, redigest=True)

    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert (
        "the saved plan differs from the current one: 1 change altered (create mem/account/a0)"
        in refused.err
    )
    assert project.live_accounts("mem") == set()


@pytest.mark.parametrize("redigest", [False, True])
def test_a_person_renamed_in_the_file_is_refused(project: Project, redigest: bool) -> None:
    # A reviewer reads `show p.json`: a file edited to show another name must not apply.
    project.write(staff("a0"))
    document = saved(project)
    assert document["people"] == [{"agent": "a0", "name": "a0"}]
    document["people"] = [{"agent": "a0", "name": "王经理"}]
    write_plan(project, document, redigest=redigest)

    assert "王经理 (a0)" in project.ok("show", "p.json").out
    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert "the saved plan differs from the current one: the people's names differ" in refused.err
    assert project.live_accounts("mem") == set()


def test_a_forged_adopt_entry_is_refused(project: Project) -> None:
    project.write(staff("a0"))
    project.ok("apply", "--auto-approve")
    project.put_live("mem", "account/店长", status="active", roles=["shop-owner"])
    document = saved(project)
    assert document["adopt"] == []
    document["adopt"].append(
        {"address": "mem/account/店长", "remote_id": "outside-1", "fields": {"status": "active"}}
    )
    write_plan(project, document, redigest=True)

    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert "1 adopt entry added (mem/account/店长)" in refused.err
    assert "mem/account/店长" not in project.recorded()
    # the owner's account stays unmanaged: a plain apply leaves it alone
    project.ok("apply", "--auto-approve")
    assert "店长" in project.live_accounts("mem")


def test_a_plan_marked_safe_that_is_not_is_refused_and_safety_is_recomputed(
    project: Project,
) -> None:
    project.write(staff(*SIX))
    project.ok("apply", "--auto-approve")
    project.write(staff("a0", "a1", "a2"))
    document = saved(project)
    assert document["unsafe"]  # 3 of 6 deleted: over 30%
    document["unsafe"] = []
    write_plan(project, document, redigest=True)

    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert "the safety verdict differs (the file says safe; it is unsafe)" in refused.err
    assert project.live_accounts("mem") == set(SIX)


def test_an_unchanged_unsafe_saved_plan_still_needs_force(project: Project) -> None:
    project.write(staff(*SIX))
    project.ok("apply", "--auto-approve")
    project.write(staff("a0", "a1", "a2"))
    saved(project)

    refused = project.run("apply", "p.json")
    assert refused.code == 1
    assert "refusing an unsafe plan: mem: would delete or disable 3 of 6" in refused.err

    forced = project.run("apply", "p.json", "--force")
    assert forced.code == 0, forced.output
    assert project.live_accounts("mem") == {"a0", "a1", "a2"}


def test_a_digest_that_does_not_match_the_content_is_refused(project: Project) -> None:
    project.write(staff("a0"))
    document = saved(project)
    document["digest"] = "sha256:" + "0" * 64
    write_plan(project, document)

    refused = project.run("apply", "p.json")

    assert refused.code == 1
    assert "p.json: the plan's digest does not match its content" in refused.err
    assert project.live_accounts("mem") == set()


def test_a_plan_signed_with_the_key_applies(project: Project) -> None:
    project.write(staff("a0"))
    document = saved(project, env={"PROVISIONER_PLAN_KEY": KEY})
    assert document["signature"].startswith("hmac-sha256:")
    assert KEY not in json.dumps(document)

    applied = project.run("apply", "p.json", env={"PROVISIONER_PLAN_KEY": KEY})

    assert applied.code == 0, applied.output
    assert project.live_accounts("mem") == {"a0"}


def test_signatures_are_checked_before_any_platform_is_read(project: Project) -> None:
    project.write(staff("a0"))
    saved(project, env={"PROVISIONER_PLAN_KEY": KEY})

    other = project.run("apply", "p.json", env={"PROVISIONER_PLAN_KEY": "x" * 32})
    assert other.code == 1
    assert "p.json: the signature does not match: the plan was signed with another key" in other.err

    unkeyed = project.run("apply", "p.json")
    assert unkeyed.code == 1
    assert "p.json is signed, but PROVISIONER_PLAN_KEY is not set here" in unkeyed.err

    saved(project)  # unsigned
    unsigned = project.run("apply", "p.json", env={"PROVISIONER_PLAN_KEY": KEY})
    assert unsigned.code == 1
    assert "p.json is not signed, and PROVISIONER_PLAN_KEY is set" in unsigned.err

    short = project.run("plan", "--out", "p.json", env={"PROVISIONER_PLAN_KEY": "short"})
    assert short.code == 1
    assert "PROVISIONER_PLAN_KEY is too short (5 characters)" in short.err
    assert "short" not in short.err.replace("too short", "")
    assert project.live_accounts("mem") == set()


def test_a_signed_plan_edited_and_redigested_is_refused(project: Project) -> None:
    project.write(staff("a0"))
    document = saved(project, env={"PROVISIONER_PLAN_KEY": KEY})
    [create] = [c for c in document["changes"] if c["address"] == "mem/account/a0"]
    roles = next(f for f in create["fields"] if f["field"] == "roles")
    roles["after"] = ["aftersales", "presales"]
    write_plan(project, document, redigest=True)

    refused = project.run("apply", "p.json", env={"PROVISIONER_PLAN_KEY": KEY})

    assert refused.code == 1
    assert "the signature does not match" in refused.err
    assert project.live_accounts("mem") == set()
