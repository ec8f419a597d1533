"""`validate --format json`: the same findings as the text output, as one versioned document."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from provisioner.cli.main import main

ROOT = Path(__file__).parents[2]
CASES = Path(__file__).parent / "cases"
KEYS = ["file", "line", "column", "path", "message"]


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["validate", *args])
    return code, out.getvalue(), err.getvalue()


def as_text(finding: dict[str, Any]) -> str:
    return "{file}:{line}:{column}: {path}: {message}".format(**finding)


@pytest.fixture(autouse=True)
def plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")


def test_a_valid_config_is_counted_and_its_warnings_located(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    code, out, err = run("-c", "examples/acme", "--format", "json")
    assert (code, err) == (0, "")
    document = json.loads(out)
    assert list(document) == ["format_version", "valid", "summary", "errors", "warnings"]
    assert document["format_version"] == "1"
    assert document["valid"] is True
    assert document["summary"] == {
        "shops": 5, "roles": 5, "agents": 14, "accounts": 32, "files": 7,
    }  # fmt: skip
    assert document["errors"] == []
    text_warnings = run("-c", "examples/acme")[2].splitlines()
    assert [f"warning: {as_text(w)}" for w in document["warnings"]] == text_warnings


@pytest.mark.parametrize(
    "case",
    [
        "all-errors-at-once.yaml",
        "bad-indentation.yaml",
        "not-utf8.yaml",
        "duplicate-key-across-files",
    ],
)
def test_every_error_of_the_text_output_with_its_place(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(CASES)
    code, out, err = run("-c", case, "--format", "json")
    assert (code, err) == (1, "")
    document = json.loads(out)
    assert document["valid"] is False
    assert document["summary"] is None
    assert document["errors"]
    for finding in document["errors"]:
        assert list(finding) == KEYS
        assert isinstance(finding["line"], int)
        assert isinstance(finding["column"], int)
    text_code, _, text_err = run("-c", case)
    assert text_code == 1
    assert [as_text(e) for e in document["errors"]] == text_err.splitlines()[:-1]


def test_an_error_about_no_place_in_a_file(tmp_path: Path) -> None:
    code, out, _ = run("-c", str(tmp_path / "missing"), "--format", "json")
    assert code == 1
    (finding,) = json.loads(out)["errors"]
    assert finding["file"] is None
    assert finding["line"] is None
    assert finding["column"] is None
    assert finding["message"].startswith("config path does not exist: ")
