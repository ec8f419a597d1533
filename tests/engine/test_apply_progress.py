"""A long apply as a user watches it: live per shop on a terminal, a line now and then in a log,
results grouped per shop, and `apply --format json` for scripts.

2,000 account creates on eight `memory` shops, run as real processes: under a pseudo-terminal
(stderr on the pty, as a person at a terminal has it) and piped (as in CI).
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from typing import Any

from engine_project import Project, account, agent, config, memory_shop

SHOPS = tuple(f"shop-{letter}" for letter in "abcdefgh")
PER_SHOP = 250
ACCOUNTS = len(SHOPS) * PER_SHOP
TOTAL = ACCOUNTS + len(SHOPS)  # and the role each shop's accounts use
STATUS_LINE = re.compile(r"^(\d+)/(\d+) changes, (\d+) shops? left$")


def big(project: Project, per_shop: int = PER_SHOP) -> None:
    agents = {
        f"p{shop[-1]}{i:04}": agent(f"员工{i}", account(shop, f"n{i:04}"))
        for shop in SHOPS
        for i in range(per_shop)
    }
    project.write(config({shop: memory_shop() for shop in SHOPS}, agents))


def run_under_pty(project: Project, *args: str, env: dict[str, str]) -> tuple[int, bytes, str]:
    """stderr on a pseudo-terminal, stdout to a file: (exit code, what the terminal got, stdout)."""
    primary, secondary = pty.openpty()
    with (project.root / "stdout.txt").open("w+b") as stdout:
        process = subprocess.Popen(
            [sys.executable, "-m", "provisioner.cli.main", *args],
            cwd=project.root,
            env=project.process_env({"COLUMNS": "100", **env}),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=secondary,
        )
        os.close(secondary)
        terminal = bytearray()
        deadline = time.monotonic() + 120
        try:
            while chunk := _read(primary, deadline):
                terminal += chunk
        finally:
            os.close(primary)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        stdout.seek(0)
        return code, bytes(terminal), stdout.read().decode()


def _read(fd: int, deadline: float) -> bytes:
    """The next output on the terminal; b"" once the child closed it (or time is up)."""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                return os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                return b""
    return b""


def assert_grouped_results(out: str) -> None:
    headers = [line for line in out.splitlines() if not line.startswith((" ", "Apply", "See"))]
    assert headers[-len(SHOPS) :] == [f"{shop} (memory): {PER_SHOP + 1} done" for shop in SHOPS]
    assert out.count("  ✓ create shop-") == TOTAL
    assert f"Apply complete: {TOTAL} done, 0 manual tasks opened, 0 skipped, 0 failed." in out


def test_piped_a_line_now_and_then_and_the_results_per_shop(project: Project) -> None:
    big(project)
    started = time.monotonic()
    result = project.run_process(
        "apply", "--auto-approve", env={"PROVISIONER_PROGRESS_SECONDS": "0.02"}, timeout=120
    )
    assert result.code == 0, result.err
    assert time.monotonic() - started < 90
    status = [STATUS_LINE.match(line) for line in result.err.splitlines()]
    found = [(int(m[1]), int(m[2]), int(m[3])) for m in status if m]
    assert found[-1] == (TOTAL, TOTAL, 0)
    assert len(found) >= 3, result.err  # lines while it ran, then where it ended
    assert found[0][0] < TOTAL
    assert [done for done, _, _ in found] == sorted(done for done, _, _ in found)
    assert "\x1b[" not in result.err  # no terminal codes in a log
    assert_grouped_results(result.out)
    assert "\x1b[" not in result.out


def test_a_quick_apply_writes_no_progress_to_a_log(project: Project) -> None:
    big(project, per_shop=5)
    result = project.run_process("apply", "--auto-approve", timeout=120)
    assert result.code == 0, result.err
    assert result.err == ""  # done well within the default 5 seconds


def test_on_a_terminal_a_live_display_per_shop(project: Project) -> None:
    big(project)
    code, terminal, out = run_under_pty(project, "apply", "--auto-approve", env={})
    assert code == 0, terminal.decode(errors="replace")
    shown = terminal.decode(errors="replace")
    assert "\x1b[2K" in shown  # lines redrawn in place: a live display, not a log
    assert f"{TOTAL} changes, {len(SHOPS)} shops" in shown
    for shop in SHOPS:
        assert shop in shown  # each shop's own bar while it runs
    assert re.search(rf"\d+/{TOTAL} changes, [1-8] shops? left", shown)
    assert re.search(r"\x1b\[3[0-9]m", shown)  # in colour
    assert_grouped_results(out)  # stdout is not the terminal here: plain results


def test_no_color_on_a_terminal_draws_without_colour(project: Project) -> None:
    big(project, per_shop=5)
    code, terminal, _ = run_under_pty(project, "apply", "--auto-approve", env={"NO_COLOR": "1"})
    assert code == 0
    shown = terminal.decode(errors="replace")
    assert "\x1b[2K" in shown
    assert not re.search(r"\x1b\[(3|9)[0-9](;[0-9]+)*m", shown)
    assert "48 changes, 8 shops" in shown


def test_force_color_colours_a_log_but_draws_no_live_display(project: Project) -> None:
    big(project, per_shop=5)
    result = project.run_process("apply", "--auto-approve", env={"FORCE_COLOR": "1"}, timeout=120)
    assert result.code == 0, result.err
    assert "\x1b[2K" not in result.err
    assert "\x1b[32m✓\x1b[0m create shop-a/account/n0000 [api]" in result.out


def results(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for shop in document["shops"] for r in shop["results"]]


def test_apply_json_gives_each_changes_result_per_shop(project: Project) -> None:
    shops = {"mem": memory_shop(), "pdd": {"platform": "pinduoduo", "name": "拼多多店"}}
    agents = {
        "wang": agent("王", account("mem", "小王"), account("pdd", "小王")),
        "li": agent("李", account("mem", "小李")),
    }
    project.write(config(shops, agents))
    planned = project.plan_json()
    result = project.run("apply", "--auto-approve", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert list(document) == [
        "format_version",
        "run_id",
        "plan_digest",
        "summary",
        "interrupted",
        "not_started",
        "shops",
    ]
    assert document["format_version"] == "1"
    assert document["interrupted"] is False and document["not_started"] == 0
    assert isinstance(document["run_id"], int)
    assert [s["shop"] for s in document["shops"]] == ["mem", "pdd"]
    assert [s["platform"] for s in document["shops"]] == ["memory", "pinduoduo"]
    assert {r["address"] for r in results(document)} == {c["address"] for c in planned["changes"]}
    by_address = {r["address"]: r for r in results(document)}
    assert by_address["mem/account/小王"] == {
        "address": "mem/account/小王",
        "kind": "account",
        "name": "小王",
        "action": "create",
        "execution": "api",
        "status": "ok",
        "message": "",
        "task_id": None,
    }
    manual = by_address["pdd/account/小王"]
    assert manual["status"] == "task_opened"
    assert manual["task_id"] in {task["id"] for task in project.tasks()}
    assert document["summary"] == {
        "ok": sum(r["status"] == "ok" for r in results(document)),
        "task_opened": sum(r["status"] == "task_opened" for r in results(document)),
        "skipped": 0,
        "failed": 0,
    }
    assert project.live_accounts("mem") == {"小王", "小李"}

    again = json.loads(project.ok("apply", "--auto-approve", "--format", "json").out)
    assert again["run_id"] is None
    assert again["shops"] == []
    assert again["summary"] == {"ok": 0, "task_opened": 0, "skipped": 0, "failed": 0}


def test_apply_json_needs_no_question(project: Project) -> None:
    project.write(config({"mem": memory_shop()}, {"wang": agent("王", account("mem", "小王"))}))
    result = project.run("apply", "--format", "json")
    assert result.code == 1
    assert "--format json shows no plan to confirm: pass --auto-approve" in result.err
    assert project.live_accounts("mem") == set()


def test_apply_shows_the_configs_warnings_once(project: Project) -> None:
    # An account past its `expires` is a warning: offboarded by this apply, still in the config.
    gone = {**account("pdd", "小李"), "expires": "2020-01-31"}
    agents = {"wang": agent("王", account("pdd", "小王")), "li": agent("李", gone)}
    project.write(config({"pdd": {"platform": "pinduoduo", "name": "拼多多店"}}, agents))
    for _ in range(2):  # with changes to make, and with none left
        result = project.run("apply", "--auto-approve")
        assert result.code == 0, result.err
        lines = [line for line in result.err.splitlines() if "expired 2020-01-31" in line]
        assert len(lines) == 1, result.err
        assert lines[0].startswith("warning: provisioner.yaml:")
