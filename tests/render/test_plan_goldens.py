"""The plans a reviewer reads, golden-file tested through the real CLI on the sandbox.

Two plans of `examples/acme` (copied to a temp directory, its Tmall, Kuaishou and JD shops on
the in-process sandbox): the first plan of the example as shipped, and the offboarding of one
person (apply --auto-approve, every manual task it opened marked done as the back-office
person would, then 赵磊 (zhao.lei) deleted from the copy's config, then plan: his name now comes
from the recorded state). Each in text (piped, so 100 columns) and Markdown. Nothing in them
depends on the date or the temp path.

After an intended change of the layout, regenerate the files in tests/render/golden/ with
`UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/render/test_plan_goldens.py` and review the
diff like any other.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import shutil
import struct
import subprocess
import sys
import termios
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from provisioner.cli.main import main
from provisioner.render.values import display_width

EXAMPLE = Path(__file__).parents[2] / "examples" / "acme"
Golden = Callable[[str, str], None]


class Cli:
    """`provisioner ARGS` in this process, from the example's copy, as a user types it."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root, self._capsys = root, capsys

    def __call__(self, *args: str) -> str:
        self._capsys.readouterr()
        code = main(list(args))
        captured = self._capsys.readouterr()
        assert code == 0, captured.out + captured.err
        return captured.out


@pytest.fixture
def acme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Cli:
    for name in ("COLUMNS", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVISIONER_USER", "tester")
    root = tmp_path / "acme"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".provisioner"))
    monkeypatch.chdir(root)
    return Cli(root, capsys)


def offboard_zhao_lei(acme: Cli) -> None:
    acme("apply", "--auto-approve")
    tasks = json.loads(acme("tasks", "list", "--format", "json"))
    acme("tasks", "done", *(str(task["id"]) for task in tasks))
    assert acme("plan") == "No changes.\n"
    path = acme.root / "agents" / "aftersales.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    del document["agents"]["zhao.lei"]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")


def test_the_acme_plan(acme: Cli, golden: Golden) -> None:
    text = acme("plan")
    golden("acme-plan.txt", text)
    summary = "Plan: 52 to create, 0 to update, 0 to delete (46 manual).\n"
    assert text.startswith(summary + "\n") and text.endswith("\n" + summary)
    assert "\n  马丽 (ma.li)\n    + gains  critical  finance.view (财务查看)\n" in text
    # the same grant on several accounts is one row, the accounts under it
    assert (
        "\n                       on acme-douyin/马经理, acme-jd/马经理, acme-pdd/马经理," in text
    )
    assert "    + gains  low       +7 low-risk\n" in text
    assert max(display_width(line) for line in text.splitlines()) <= 100


def test_the_acme_plan_in_markdown(acme: Cli, golden: Golden) -> None:
    text = acme("plan", "--format", "markdown")
    golden("acme-plan.md", text)
    assert text.startswith("### Plan: 52 to create, 0 to update, 0 to delete (46 manual).\n")
    assert (
        "| 马丽 (ma.li) | gains | **critical** | finance.view (财务查看) | acme-douyin/马经理, "
        in text
    )


def test_the_offboarding_of_one_person(acme: Cli, golden: Golden) -> None:
    offboard_zhao_lei(acme)
    text = acme("plan")
    golden("offboarding-plan.txt", text)
    assert text.startswith("Plan: 0 to create, 3 to update, 2 to delete (2 manual).\n\n")
    # 赵磊 is no longer in the config: the name is the one recorded with his accounts
    assert "\n  赵磊 (zhao.lei)\n    - loses  medium    order.modify_address (改收货地址)," in text
    assert "    - loses  low       -7 low-risk  on acme-ks/磊磊, acme-tmall/磊磊\n" in text
    markdown = acme("plan", "--format", "markdown")
    golden("offboarding-plan.md", markdown)
    assert "| 赵磊 (zhao.lei) | loses |" in markdown


def test_a_saved_offboarding_plan_names_the_person_and_applies(acme: Cli, tmp_path: Path) -> None:
    offboard_zhao_lei(acme)
    saved = tmp_path / "offboarding.json"
    acme("plan", "--out", str(saved))
    text = saved.read_text(encoding="utf-8")
    assert json.loads(text)["people"] == [{"agent": "zhao.lei", "name": "赵磊"}]
    assert "13600000007" not in text  # 赵磊's phone, in the config he was applied from
    assert "\n  赵磊 (zhao.lei)\n" in acme("show", str(saved))
    acme("apply", str(saved))  # the recorded name binds like the rest: the same plan again


def test_verbose_lists_every_low_risk_permission(acme: Cli) -> None:
    offboard_zhao_lei(acme)
    text = acme("plan", "--verbose")
    assert "low-risk" not in text
    assert (
        "    - loses  low       chat.reply (接待), chat.transfer (转接), logistics.view (物流查看),\n"
        "                       order.view (订单查看)," in text
    )
    assert "chat.reply (接待)" in acme("plan", "-v", "--format", "markdown").split("<details>")[0]


def test_the_width_comes_from_columns_when_piped(
    acme: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    wide = acme("plan")
    monkeypatch.setenv("COLUMNS", "72")
    narrow = acme("plan")
    assert max(display_width(line) for line in narrow.splitlines()) <= 72
    assert len(narrow.splitlines()) > len(wide.splitlines())
    assert "".join(narrow.split()) == "".join(wide.split())  # folded, nothing cut


def test_on_a_terminal_the_plan_folds_to_the_terminals_width(acme: Cli) -> None:
    """A real pseudo-terminal 72 columns wide, COLUMNS unset: the width is the terminal's."""
    piped = acme("plan")
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 72, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    process = subprocess.Popen(
        [sys.executable, "-m", "provisioner.cli.main", "plan"],
        cwd=acme.root,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=subprocess.DEVNULL,
        env={**env, "NO_COLOR": "1"},
    )
    os.close(secondary)
    terminal = _read_all(primary).decode("utf-8").replace("\r\n", "\n")
    assert process.wait(timeout=60) == 0
    widest = max(display_width(line) for line in terminal.splitlines())
    assert widest <= 72 < max(display_width(line) for line in piped.splitlines())
    assert "".join(terminal.split()) == "".join(piped.split())  # folded, nothing cut


def _read_all(fd: int) -> bytes:
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO once the other side has closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)


def test_a_saved_plan_shows_the_names_and_never_a_phone(acme: Cli, tmp_path: Path) -> None:
    saved = tmp_path / "plan.json"
    planned = acme("plan", "--out", str(saved))
    document = json.loads(saved.read_text(encoding="utf-8"))
    assert {"agent": "ma.li", "name": "马丽"} in document["people"]
    assert "13600000007" not in saved.read_text(encoding="utf-8")  # 赵磊's phone
    shown = acme("show", str(saved))
    access = planned.split("\n\nacme-douyin (douyin)\n")[0]
    assert shown.startswith(access) and "\n  马丽 (ma.li)\n" in shown
    assert "马丽 (ma.li)" in acme("show", str(saved), "--format", "markdown")


def test_the_readme_sample_is_what_the_command_prints() -> None:
    """The walkthrough's sample plan: its parts (between `…` lines) appear in the golden plan,
    which the tests above check against the CLI, in order; it starts and ends as the plan does."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    after = readme.split("The start of the first `provisioner plan` of the example", 1)[1]
    sample = after.split("```\n", 2)[1]
    plan = (Path(__file__).parent / "golden" / "acme-plan.txt").read_text(encoding="utf-8")
    parts = sample.split("…\n")
    assert len(parts) > 2 and plan.startswith(parts[0]) and plan.endswith(parts[-1])
    position = 0
    for part in parts:
        position = plan.index(part, position) + len(part)
