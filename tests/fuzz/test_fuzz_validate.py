"""The user's assertion on mangled configs: exit 0 or 1 within seconds, every error positioned.

Seeded mutations (see `mutate.py`) of examples/acme and of a small one-file config, run through
the real CLI in this process; a handful also in a subprocess, as a user runs it. A failure names
the case, and `python tests/fuzz/run.py --only SEED:INDEX` shows its output. The large run
(10,000+ cases, counts in the README) is `python tests/fuzz/run.py`.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from mutate import Verdict, config_files, mutated, run_cli, write

SMALL = {
    "config.yaml": """\
version: 1
settings:
  safety: {max_delete_percent: 30, min_accounts: 2}
  policies:
    - {name: no-finance, roles: ["*"], deny: ["finance.*"]}
shops:
  ks: {platform: kuaishou, name: KS, endpoint: sandbox, groups: {售前组: {}}}
  tm: {platform: tmall, name: TM, main_account: tm, endpoint: sandbox}
roles:
  cs: {permissions: [chat.reply, order.view], native: {kuaishou: {roles: [客服]}}}
  lead: {extends: [cs], permissions: [data.view], native: {kuaishou: {roles: [客服主管]}}}
schedules:
  day: {timezone: Asia/Shanghai, shifts: [{days: [mon], from: "09:00", to: "18:00"}]}
agents:
  a.b:
    name: 甲
    phone: "13800000001"
    accounts:
      - {shop: ks, nickname: 小甲, roles: [cs], groups: [售前组], reception_limit: 50}
      - {shop: tm, nickname: 甲, roles: [lead], dispatch: true, schedule: day}
"""
}
LIMIT = 5.0  # seconds a user would wait for `validate` before calling it a hang


def failures(verdicts: list[Verdict]) -> list[str]:
    return [
        f"{v.case}: {', '.join(v.problems)}: {v.stderr[:300]!r}" for v in verdicts if v.problems
    ]


def validate_mutants(files: dict[str, str], seed: int, count: int, tmp_path: Path) -> list[Verdict]:
    verdicts = []
    for index in range(count):
        root = tmp_path / f"case-{index}"
        write(mutated(files, random.Random(f"{seed}:{index}")), root)
        verdicts.append(run_cli(f"{seed}:{index}", ["validate", "-c", str(root)], LIMIT))
    return verdicts


@pytest.fixture(autouse=True)
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def test_mutations_of_the_example_fail_cleanly(tmp_path: Path) -> None:
    verdicts = validate_mutants(config_files(), 13, 150, tmp_path)
    assert failures(verdicts) == []
    codes = {v.code for v in verdicts}
    assert codes == {0, 1}  # the mutations neither always break nor never break the config


def test_mutations_of_a_small_config_fail_cleanly(tmp_path: Path) -> None:
    verdicts = validate_mutants(SMALL, 14, 120, tmp_path)
    assert failures(verdicts) == []
    assert {v.code for v in verdicts} == {0, 1}


@pytest.mark.parametrize("index", [0, 1])
def test_a_mutant_in_a_real_process(index: int, tmp_path: Path) -> None:
    write(mutated(config_files(), random.Random(f"15:{index}")), tmp_path)
    command = [sys.executable, "-m", "provisioner.cli.main", "validate", "-c", str(tmp_path)]
    environment = {"NO_COLOR": "1", "PATH": "/usr/bin"}
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=30, env=environment, check=False
    )
    verdict = Verdict(f"15:{index}", done.returncode, 0.0, done.stderr)
    assert verdict.problems == [], verdict.stderr
