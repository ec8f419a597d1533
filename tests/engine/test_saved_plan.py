"""Saved plans: `plan --out`, `show`, `apply FILE`; a plan that no longer matches is refused."""

from __future__ import annotations

import json
from typing import Any

from engine_project import Project, account, agent, config, manual_shop, memory_shop


def team(*extra: str) -> dict[str, Any]:
    agents = {
        "wang.xiaoming": agent("王小明", account("mem", "小王"), account("pdd", "小王")),
        "li.na": agent("李娜", account("mem", "小李", "aftersales")),
    }
    for name in extra:
        agents[name] = agent(name, account("mem", name))
    return config({"mem": memory_shop(), "pdd": manual_shop()}, agents)


def save(project: Project, name: str = "p.json") -> str:
    result = project.ok("plan", "--out", name)
    assert f"Saved the plan to {name}; apply it with: provisioner apply {name}" in result.err
    return result.out


def test_an_unchanged_saved_plan_applies_and_show_renders_it(project: Project) -> None:
    project.write(team())
    text = save(project)

    shown_text = project.ok("show", "p.json").out
    assert "back-office steps:" in shown_text  # what `plan` shows, plus each task's steps
    # each change's steps end it: from "back-office steps:" to the blank line after the change
    without_steps, in_steps = [], False
    for line in shown_text.splitlines(keepends=True):
        in_steps = line.startswith("      back-office steps:") or (in_steps and line != "\n")
        if not in_steps:
            without_steps.append(line)
    assert "".join(without_steps) == text
    shown = json.loads(project.ok("show", "p.json", "--format", "json").out)
    assert shown == json.loads((project.root / "p.json").read_text(encoding="utf-8"))
    assert shown["summary"]["create"] == 6
    markdown = project.ok("show", "p.json", "--format", "markdown").out
    assert markdown.startswith("### Plan: 6 to create, 0 to update, 0 to delete (2 manual).")
    assert "<details>" in markdown
    assert "mem/account/小李" in markdown

    applied = project.ok("apply", "p.json")  # a saved plan was reviewed: no question asked
    assert "Apply complete: 4 done, 2 manual tasks opened, 0 skipped, 0 failed." in applied.out
    assert project.live_accounts("mem") == {"小王", "小李"}
    assert len(project.tasks()) == 2


def test_a_saved_plan_is_stale_once_the_config_changed(project: Project) -> None:
    project.write(team())
    save(project)
    project.write(team("zhao"))

    refused = project.run("apply", "p.json")
    assert refused.code == 1
    assert (
        "error: p.json is stale: the config changed since it was saved; plan again" in refused.err
    )
    assert project.live_accounts("mem") == set()
    assert project.tasks() == []


def test_a_saved_plan_is_stale_once_another_apply_ran(project: Project) -> None:
    project.write(team())
    save(project)
    project.ok("apply", "--auto-approve")

    refused = project.run("apply", "p.json")
    assert refused.code == 1
    assert "p.json is stale: the recorded or live state changed" in refused.err
    assert len(project.tasks()) == 2  # not opened twice


def test_a_saved_plan_is_stale_once_the_platform_changed(project: Project) -> None:
    project.write(team())
    project.converge()
    project.write(team("zhao"))
    save(project)
    project.put_live("mem", "account/小李", status="disabled")  # done in the back office

    refused = project.run("apply", "p.json")
    assert refused.code == 1
    assert "stale" in refused.err
    assert "zhao" not in project.live_accounts("mem")


def test_a_saved_plan_is_stale_once_a_task_was_closed(project: Project) -> None:
    project.write(team())
    project.ok("apply", "--auto-approve")
    project.write(team("zhao"))
    save(project)
    project.ok("tasks", "done", str(project.tasks()[0]["id"]))

    assert project.run("apply", "p.json").code == 1


def test_a_saved_plan_applies_from_another_directory(project: Project) -> None:
    project.write(team())
    save(project)
    elsewhere = project.root.parent / "elsewhere"
    elsewhere.mkdir()

    applied = project.run("apply", str(project.root / "p.json"), cwd=elsewhere)

    assert applied.code == 0, applied.output
    assert project.live_accounts("mem") == {"小王", "小李"}
    assert not (elsewhere / ".provisioner").exists()


def test_a_plan_file_that_is_not_a_plan_is_one_clear_error(project: Project) -> None:
    project.write(team())
    (project.root / "junk.json").write_text("{not json", encoding="utf-8")
    for command in ("apply", "show"):
        result = project.run(command, "junk.json")
        assert result.code == 1
        assert result.err.startswith("error: ")
        assert "not JSON" in result.err
        assert result.err.count("\n") == 1  # one line, no traceback
    missing = project.run("apply", "nope.json")
    assert missing.code == 1
    assert missing.err.startswith("error: ")
    assert "nope.json" in missing.err
