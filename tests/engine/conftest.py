"""The `project` fixture: a temp directory driven through the real CLI (see engine_project).

The end-to-end tests of the modules in BOTH_BACKENDS run twice, once with the state in SQLite
(the default) and once in PostgreSQL (a schema of their own in the session's test server,
`settings.state.backend: postgres` with the DSN in PROVISIONER_STATE_DSN); the rest run on
SQLite only, which keeps the suite fast while every behaviour the issue names (apply then a
clean plan, offboarding, manual tasks, SIGKILL at random points, concurrent applies, stale
saved plans, secrets never stored, the state commands) is proven on both.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_project import TRIGGERS, Project

BOTH_BACKENDS = frozenset(
    {
        "test_converge",
        "test_crash",
        "test_lock",
        "test_offboarding",
        "test_saved_plan",
        "test_secrets",
        "test_state_commands",
        "test_tasks",
    }
)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "project" in metafunc.fixturenames and metafunc.module.__name__ in BOTH_BACKENDS:
        metafunc.parametrize("project", ["sqlite", "postgres"], indirect=True)


@pytest.fixture
def project(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Project]:
    for name in TRIGGERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVISIONER_USER", "tester")
    root = tmp_path / "shop-access"
    root.mkdir()
    schema = None
    if getattr(request, "param", "sqlite") == "postgres":
        monkeypatch.setenv("PROVISIONER_STATE_DSN", request.getfixturevalue("pg_dsn"))
        schema = f"e_{secrets.token_hex(6)}"
    yield Project(root, capsys, monkeypatch, schema=schema)
