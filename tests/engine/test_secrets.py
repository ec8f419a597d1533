"""A canary secret and a canary phone number never leave the config (DESIGN §5).

Not in any stdout or stderr (debug logs included) of any command, not in a saved plan, not in
any byte of the state store (with its WAL) or any other file under `.provisioner/`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest
from engine_project import (
    Project,
    Result,
    account,
    agent,
    config,
    manual_shop,
    memory_shop,
)
from psycopg.conninfo import conninfo_to_dict

SECRET = "canary-secret-Zq8Xw3vN"
FILE_SECRET = "canary-file-secret-Hk2Lp9"
PHONE = "13912345678"
MASKED = "139****5678"
CANARIES = (SECRET, FILE_SECRET, PHONE)
ENV = {"CANARY_VAR": SECRET}
CREDENTIALS = {"app_key": {"env": "CANARY_VAR"}, "app_secret": {"file": "secret.txt"}}


def setup(project: Project) -> None:
    (project.root / "secret.txt").write_text(FILE_SECRET + "\n", encoding="utf-8")
    shops = {"mem": memory_shop(credentials=CREDENTIALS), "pdd": manual_shop()}
    agents = {
        "wang.xiaoming": agent(
            "王小明",
            account("mem", "小王", "aftersales"),
            account("pdd", "小王"),
            phone=PHONE,
        ),
        "li.na": agent("李娜", account("mem", "小李"), phone="13800000002"),
    }
    project.write(config(shops, agents))


def assert_clean(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary!r} leaked into {where}"


def assert_clean_bytes(path: Path) -> None:
    data = path.read_bytes()
    for canary in CANARIES:
        for encoding in ("utf-8", "utf-16-le"):
            assert canary.encode(encoding) not in data, f"{canary!r} leaked into {path}"


def run(project: Project, *args: str, env: dict[str, str] | None = None) -> Result:
    """In this process, or in a process of its own with --debug (debug logs on stderr)."""
    merged = {**ENV, **(env or {})}
    if "--debug" in args:
        result = project.run_process(*args, env=merged)
    else:
        result = project.run(*args, env=merged)
    assert_clean(result.out, f"stdout of {args}")
    assert_clean(result.err, f"stderr of {args}")
    return result


def test_no_secret_nor_phone_in_any_output_plan_file_or_state(
    project: Project, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    setup(project)
    assert run(project, "validate").code == 0
    for fmt in ("text", "json", "markdown"):
        assert run(project, "plan", "--format", fmt).code == 0
    assert run(project, "--debug", "plan", "--out", "p.json").code == 0
    for fmt in ("text", "json", "markdown"):
        assert run(project, "show", "p.json", "--format", fmt).code == 0
    failed = run(
        project, "--debug", "apply", "--auto-approve", env={"PROVISIONER_MEMORY_FAIL": "小李"}
    )
    assert failed.code == 1
    assert run(project, "--debug", "apply", "--auto-approve").code == 0
    assert run(project, "tasks").code == 0
    assert run(project, "tasks", "list", "--format", "json").code == 0
    assert run(project, "tasks", "done", "1", "--note", "done in the back office").code == 0
    assert run(project, "tasks", "list", "--all").code == 0
    assert run(project, "state", "history").code == 0
    for fmt in ("markdown", "csv", "html"):
        assert run(project, "report", "--format", fmt).code == 0

    offboarded = config({"mem": memory_shop(credentials=CREDENTIALS), "pdd": manual_shop()}, {})
    project.write(offboarded)  # everyone leaves: deletions, manual tasks, losses
    assert run(project, "plan", "--out", "p2.json").code == 0
    assert run(project, "apply", "p2.json", "--force").code == 0
    assert run(project, "tasks", "list", "--format", "json").code == 0
    assert_clean(caplog.text, "the logs")

    for plan in ("p.json", "p2.json"):
        assert_clean_bytes(project.root / plan)
        assert_dsn_absent((project.root / plan).read_text(encoding="utf-8"))
    files = [path for path in project.work.rglob("*") if path.is_file()]
    assert (project.db in files) == (project.backend == "sqlite")
    for path in files:
        assert_clean_bytes(path)
    exported = run(project, "state", "export")  # every row of the state, on either backend
    assert exported.code == 0
    assert_dsn_absent(exported.out + caplog.text)


def assert_dsn_absent(text: str) -> None:
    """The PostgreSQL DSN (with its password) is a secret too."""
    dsn = os.environ.get("PROVISIONER_STATE_DSN")
    if dsn:
        password = conninfo_to_dict(dsn).get("password")
        assert dsn not in text
        assert not password or password not in text


def test_phone_numbers_are_masked_where_they_are_shown(project: Project) -> None:
    setup(project)
    shown = "".join(
        run(project, *args).out
        for args in (("plan",), ("plan", "--format", "markdown"), ("report",))
    )
    assert PHONE not in shown
    if "****" in shown:  # where a phone is shown at all, it is masked
        assert MASKED in shown


def test_errors_about_secrets_and_phones_do_not_repeat_them(project: Project) -> None:
    setup(project)
    text = (project.root / "provisioner.yaml").read_text(encoding="utf-8")
    cases = {
        "plaintext": text.replace("env: CANARY_VAR", f"plain: {SECRET}"),
        "inline": text.replace("app_key:\n        env: CANARY_VAR", f"app_key: {SECRET}"),
        "number": text.replace(f"phone: '{PHONE}'", f"phone: {PHONE}"),
        "letters": text.replace(f"phone: '{PHONE}'", f"phone: '{PHONE}x'"),
    }
    for name, broken in cases.items():
        assert broken != text, name
        (project.root / "provisioner.yaml").write_text(broken, encoding="utf-8")
        for command in ("validate", "plan"):
            result = run(project, command)
            assert result.code == 1, (name, result.output)
            assert "Traceback" not in result.err

    (project.root / "provisioner.yaml").write_text(cases["plaintext"], encoding="utf-8")
    assert run(project, "--debug", "plan").code == 1

    (project.root / "provisioner.yaml").write_text(text, encoding="utf-8")
    missing = project.run_process("plan")  # CANARY_VAR unset
    assert missing.code == 1
    assert "CANARY_VAR" in missing.err
    assert_clean(missing.output, "the error for a missing variable")
