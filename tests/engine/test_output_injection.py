"""Output is safe to paste anywhere: no value from a config or a platform starts a line.

A config value or a live account name holding a newline could inject a GitHub Actions
workflow command (`::error file=README.md::…`) into a CI log, or a fake `FILE:1:1:`
diagnostic; an ESC sequence could rewrite the terminal. Every command's text output and error
lines are checked here with such values planted everywhere a value is shown.
"""

from __future__ import annotations

from typing import Any

from engine_project import Project, Result, account, agent, config, manual_shop, memory_shop

NL = "\n::error::p\nF.y:1:1: x\x1b[K\u202e"  # short enough for a role name (30)


def planted() -> dict[str, Any]:
    roles = {f"cs{NL}": {"permissions": ["chat.reply"], "description": f"d{NL}"}}
    agents = {
        f"wang{NL}": agent(
            f"王{NL}", account("mem", "小王", f"cs{NL}"), account("pdd", "小王", f"cs{NL}")
        ),
        "li": agent("李", account("mem", "小李", f"cs{NL}")),
    }
    shops = {"mem": memory_shop(name=f"店{NL}"), "pdd": manual_shop(name=f"拼{NL}")}
    return config(shops, agents, roles=roles)


def assert_safe(result: Result) -> None:
    for line in result.output.splitlines():
        assert not line.lstrip().startswith("::"), result.output
        assert not line.startswith("F.y:1:1"), result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output, result.output


def test_config_values_never_start_a_line_in_any_output(project: Project) -> None:
    project.write(planted())
    env = {"NO_COLOR": "1"}
    outputs = [
        project.run("validate", env=env),
        project.run("plan", env=env),
        project.run("plan", "--format", "markdown", env=env),
        project.run("apply", "--auto-approve", env=env),
        project.run("tasks", env=env),
        project.run("report", env=env),
        project.run("plan", "--shop", f"nope{NL}", env=env),  # an error quoting the value
    ]
    assert outputs[3].code == 0, outputs[3].output
    assert "unknown shop 'nope\\n::error::p\\nF.y:1:1: x\\x1b[K\\u202e'" in outputs[-1].err
    for result in outputs:
        assert_safe(result)


def test_a_diagnostic_quoting_a_value_stays_one_line(project: Project) -> None:
    document = planted()
    document["agents"]["li"]["accounts"][0]["roles"] = [f"ghost{NL}"]
    project.write(document)
    result = project.run("validate")
    assert result.code == 1
    assert_safe(result)
    [line] = [text for text in result.err.splitlines() if "ghost" in text]
    assert line.startswith("provisioner.yaml:")
    assert "unknown role 'ghost\\n::error::p\\nF.y:1:1: x\\x1b[K\\u202e'" in line


def test_a_live_account_name_from_the_platform_is_escaped(project: Project) -> None:
    project.write(planted())
    project.ok("apply", "--auto-approve")
    project.put_live("mem", f"account/evil{NL}", status="active", roles=["x"])
    for args in (("plan",), ("plan", "--format", "markdown")):
        result = project.run(*args, env={"NO_COLOR": "1"})
        assert "evil" in result.output, args
        assert_safe(result)
