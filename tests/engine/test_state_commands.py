"""`state list|show|history|export|import` through the CLI, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from engine_project import Project, account, agent, config, manual_shop, memory_shop


def team() -> dict[str, Any]:
    shops = {"mem": memory_shop(), "pdd": manual_shop()}
    agents = {
        "wang": agent("王", account("mem", "小王", "aftersales"), account("pdd", "小王")),
        "li": agent("李", account("mem", "小李")),
    }
    return config(shops, agents)


def applied(project: Project) -> None:
    project.write(team())
    project.ok("apply", "--auto-approve")


def test_list_names_every_recorded_address_and_filters_by_shop(project: Project) -> None:
    applied(project)
    every = project.ok("state", "list").out.splitlines()
    assert every == sorted(every)
    assert {"mem/account/小王", "mem/account/小李", "mem/role/aftersales"} <= set(every)
    assert project.ok("state", "list", "--shop", "pdd").out.splitlines() == [
        line for line in every if line.startswith("pdd/")
    ]


def test_show_prints_the_recorded_fields_of_one_address(project: Project) -> None:
    applied(project)
    shown = project.ok("state", "show", "mem/account/小王").out
    assert shown.splitlines()[0] == "# mem/account/小王"
    assert 'roles       = ["aftersales"]' in shown
    document = json.loads(project.ok("state", "show", "mem/account/小王", "--format", "json").out)
    assert document["address"] == "mem/account/小王"
    assert document["fields"]["roles"] == ["aftersales"]
    assert document["remote_id"]
    missing = project.run("state", "show", "mem/account/nobody")
    assert missing.code == 1
    assert missing.err.strip() == (
        "error: nothing is recorded for mem/account/nobody; see `provisioner state list`"
    )
    assert "not an address" in project.run("state", "show", "小王").err


def test_history_as_json_names_commit_and_dirtiness(project: Project) -> None:
    applied(project)
    runs = json.loads(project.ok("state", "history", "--format", "json").out)
    assert len(runs) == 1
    run = runs[0]
    assert (run["who"], run["status"], run["operation"]) == ("tester", "ok", "apply")
    assert run["commit"] is None and run["dirty"] is None  # the project is no git checkout
    assert {result["status"] for result in run["results"]} == {"ok", "task_opened"}


def test_export_then_import_into_a_fresh_store_round_trips(
    project: Project, tmp_path: Path
) -> None:
    applied(project)
    exported = project.ok("state", "export").out
    document = json.loads(exported)
    assert document["format"] == "provisioner-state"
    assert document["format_version"] == 1
    backup = tmp_path / "state.json"
    backup.write_text(exported, encoding="utf-8")

    refused = project.run("state", "import", str(backup))
    assert refused.code == 1
    assert "already holds state; import only into an empty store" in refused.err
    assert "Imported" in project.ok("state", "import", str(backup), "--replace").out
    again = json.loads(project.ok("state", "export").out)
    assert again["tables"] == document["tables"]
    assert project.plan_json()["summary"]["create"] == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not a provisioner state export: Expecting property name"),
        ('{"format": "terraform", "version": 4}', 'not a provisioner state export (no "format"'),
        (
            '{"format": "provisioner-state", "format_version": 9}',
            "export format version 9 is not one this provisioner reads (1)",
        ),
        (
            '{"format": "provisioner-state", "format_version": 1, "schema_version": 999, "tables": {}}',
            "was created by a newer provisioner",
        ),
        (
            '{"format": "provisioner-state", "format_version": 1, "schema_version": 1, "tables": {"users": []}}',
            "tables.users: not a state table",
        ),
        (
            '{"format": "provisioner-state", "format_version": 1, "schema_version": 1, "tables": {"resources": [{"shop": "mem", "kind": "account", "name": "x", "fields": {"phone": "13800000000"}}]}}',
            "tables.resources[0]: mem/account/x: account has no field 'phone'",
        ),
        (
            '{"format": "provisioner-state", "format_version": 1, "schema_version": 1, "tables": {"runs": [{"id": 1, "evil": 1}]}}',
            "tables.runs[0]: unknown column 'evil'",
        ),
    ],
    ids=["not-json", "foreign", "format-version", "newer", "table", "field", "column"],
)
def test_a_malformed_or_foreign_import_is_refused_before_anything_is_written(
    project: Project, tmp_path: Path, content: str, message: str
) -> None:
    project.write(team())
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = project.run("state", "import", str(bad))
    assert result.code == 1
    assert message in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1
    assert json.loads(project.ok("state", "export").out)["tables"]["runs"] == []
