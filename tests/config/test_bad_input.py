"""Every invalid config a user is likely to write, run through the real CLI.

Each case in `cases/` is one YAML file (or a directory, for cross-file cases) named for what is
wrong with it, with `NAME.expected` beside it: every line `provisioner validate -c NAME` writes to
stderr, paths relative to `cases/`. A case with no input at all is a path that does not exist;
`NAME.args` gives the path to pass instead of the case's own name.

To review a changed message, run the case by hand from `tests/config/cases/`:
`provisioner validate -c NAME.yaml`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from provisioner.cli.main import main

CASES = Path(__file__).parent / "cases"
INPUT_SUFFIXES = (".yaml", ".yml")


def case_names() -> list[str]:
    # Hidden entries are never cases: `.provisioner/` holds the parse cache of the runs here.
    entries = [entry for entry in CASES.iterdir() if not entry.name.startswith(".")]
    names = {entry.stem if entry.is_file() else entry.name for entry in entries}
    return sorted(names)


def case_argument(name: str) -> str:
    args = CASES / f"{name}.args"
    if args.exists():
        return args.read_text(encoding="utf-8").strip()
    for suffix in INPUT_SUFFIXES:
        if (CASES / f"{name}{suffix}").exists():
            return f"{name}{suffix}"
    return name  # a directory, or a path that does not exist


def run(argument: str) -> tuple[int, str, str]:
    """`provisioner validate -c ARGUMENT` in-process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", "-c", argument])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def in_cases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CASES)
    monkeypatch.setenv("NO_COLOR", "1")


def test_there_are_enough_cases() -> None:
    assert len(case_names()) >= 30


@pytest.mark.parametrize("name", case_names())
def test_case_fails_with_its_exact_message(name: str) -> None:
    expected = CASES / f"{name}.expected"
    assert expected.exists(), f"{name} has no {expected.name} beside it"

    code, out, err = run(case_argument(name))

    assert code == 1
    assert out == ""
    assert err.splitlines() == expected.read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("name", ["not-utf8", "yaml-syntax-error", "duplicate-key-across-files"])
def test_case_fails_the_same_way_as_a_real_process(name: str) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, "-m", "provisioner.cli.main", "validate", "-c"]
    done = subprocess.run(
        [*command, case_argument(name)],
        cwd=CASES,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == (CASES / f"{name}.expected").read_text(encoding="utf-8")


def test_plaintext_credentials_are_never_echoed() -> None:
    text = (CASES / "plaintext-credential.yaml").read_text(encoding="utf-8")
    secrets = re.findall(r"(?:app_secret|session|dsn): (\S+)", text)
    assert len(secrets) == 3

    _, out, err = run("plaintext-credential.yaml")

    for secret in secrets:
        assert secret not in out + err
    assert "Hunter2" not in out + err


def test_phone_numbers_are_never_echoed() -> None:
    _, out, err = run("phone-as-number.yaml")
    assert "13800000001" not in (out + err).replace('e.g. "13800000001"', "")


def test_alias_bomb_fails_fast_in_bounded_memory() -> None:
    tracemalloc.start()
    started = time.perf_counter()
    try:
        code, _, err = run("alias-bomb.yaml")
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert code == 1
    assert "alias bomb" in err
    assert elapsed < 0.5
    assert peak < 50 * 1024 * 1024


def test_every_expected_file_belongs_to_a_case() -> None:
    for expected in CASES.glob("*.expected"):
        assert expected.stem in case_names()


@pytest.mark.parametrize("name", ["notify-plaintext-webhook", "notify-webhook-not-url"])
def test_webhooks_and_their_secrets_are_never_echoed(name: str) -> None:
    text = "".join(
        path.read_text(encoding="utf-8")
        for path in CASES.glob(f"{name}.*")
        if path.suffix != ".expected"
    )
    canaries = re.findall(r"canary[0-9a-f]+", text)
    assert canaries

    _, out, err = run(f"{name}.yaml")

    for canary in canaries:
        assert canary not in out + err
    assert "access_token" not in out + err
