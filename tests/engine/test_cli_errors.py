"""Exit codes and error lines for what users get wrong (DESIGN §5: 1 for any error, no traceback)."""

from __future__ import annotations

import pytest
from engine_project import Project, account, agent, config, memory_shop


def one_shop(project: Project) -> None:
    project.write(config({"mem": memory_shop()}, {"a": agent("甲", account("mem", "甲"))}))


@pytest.mark.parametrize(
    "args",
    [
        ("plan", "--format", "xml"),
        ("tasks", "done", "abc"),
        ("apply", "--parallelism", "0"),
        ("frobnicate",),
        ("plan", "--no-such-option"),
        ("plan", "-c", "missing-dir"),
        ("show",),
    ],
)
def test_usage_errors_exit_1(project: Project, args: tuple[str, ...]) -> None:
    one_shop(project)
    result = project.run(*args)
    assert result.code == 1, result.output
    assert "Traceback" not in result.err
    assert result.out == ""


def broken(project: Project, *, typo: bool) -> None:
    document = config(
        {"mem": memory_shop()},
        {
            "a": agent("甲", account("mem", "甲", "presale")),
            "b": agent("乙", account("nope", "乙")),
        },
    )
    if typo:
        document["agents"]["a"]["stauts"] = "active"
    project.write(document)


def assert_config_errors(project: Project, *expected: str) -> None:
    for command in ("validate", "plan", "apply"):
        result = project.run(command)
        assert result.code == 1
        assert result.out == ""
        for message in expected:
            assert message in result.err, (command, message)
        *lines, summary = result.err.splitlines()
        assert summary == f"error: {len(expected)} errors in the configuration"
        assert len(lines) == len(expected)
        assert all(line.startswith("provisioner.yaml:") for line in lines)
    assert not project.db.exists()


def test_an_invalid_config_lists_every_error_with_its_place(project: Project) -> None:
    broken(project, typo=False)
    assert_config_errors(
        project,
        "agents.a.accounts[0].roles[0]: unknown role 'presale'; did you mean 'presales'?",
        "agents.b.accounts[0].shop: unknown shop 'nope'",
    )


def test_a_typo_does_not_hide_the_other_errors_of_that_agent(project: Project) -> None:
    broken(project, typo=True)
    assert_config_errors(
        project,
        "agents.a.stauts: unknown key 'stauts'; did you mean 'status'?",
        "agents.a.accounts[0].roles[0]: unknown role 'presale'; did you mean 'presales'?",
        "agents.b.accounts[0].shop: unknown shop 'nope'",
    )


def test_plan_out_into_a_missing_directory_is_one_error_line(project: Project) -> None:
    one_shop(project)
    result = project.run_process("plan", "--out", "missing/p.json")
    assert result.code == 1
    assert result.err.startswith("error: ")
    assert "missing/p.json" in result.err
    assert "Traceback" not in result.err
