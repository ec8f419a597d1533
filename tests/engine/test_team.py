"""A team: two fresh clones of one repository sharing one PostgreSQL state, through the real CLI.

What the README's "Running it as a team" promises: a plan saved in one clone applies in the
other (no absolute path pinned, staleness still checked); manual tasks opened by one are
closed by the other; neither writes a local state file; the history names the commit and
whether the tree was dirty; a bad DSN is one line naming the host, never the password.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from engine_project import ROLES, manual_shop

PASSWORD = "hunter2-canary"


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-c", "user.email=ci@example.com", "-c", "user.name=CI", *args],
        cwd=cwd, capture_output=True, text=True, check=True, timeout=30,
    )  # fmt: skip
    return result.stdout.strip()


def team_config(schema: str, *people: str) -> dict[str, Any]:
    return {
        "version": 1,
        "settings": {
            "state": {
                "backend": "postgres",
                "dsn": {"env": "PROVISIONER_STATE_DSN"},
                "schema": schema,
            }
        },
        "shops": {"pdd": manual_shop()},
        "roles": ROLES,
        "agents": {
            person: {
                "name": person,
                "accounts": [{"shop": "pdd", "nickname": person, "roles": ["presales"]}],
            }
            for person in people
        },
    }


class Clone:
    def __init__(self, root: Path, dsn: str, user: str) -> None:
        self.root = root
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PROVISIONER_")},
            "PROVISIONER_STATE_DSN": dsn,
            "PROVISIONER_USER": user,
            "NO_COLOR": "1",
        }

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "provisioner.cli.main", *args],
            cwd=self.root, env={**self.env, **(env or {})},
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout


@pytest.fixture
def origin(tmp_path: Path) -> tuple[Path, str]:
    schema = f"team_{secrets.token_hex(5)}"
    repo = tmp_path / "origin"
    (repo / "access").mkdir(parents=True)
    document = team_config(schema, "wang", "li")
    (repo / "access" / "provisioner.yaml").write_text(
        yaml.safe_dump(document, allow_unicode=True), encoding="utf-8"
    )
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "access")
    return repo, schema


def clone(origin: Path, name: str, dsn: str, user: str) -> Clone:
    target = origin.parent / name
    git(origin.parent, "clone", "-q", str(origin), str(target))
    return Clone(target, dsn, user)


def test_two_fresh_clones_share_one_state(origin: tuple[Path, str], pg_dsn: str) -> None:
    repo, _ = origin
    alice = clone(repo, "alice", pg_dsn, "alice")
    ci = clone(repo, "ci-runner", pg_dsn, "ci")

    # Alice reviews a plan in her clone; CI applies that very file in its own clone.
    alice.ok("plan", "-c", "access", "--out", "plan.json")
    (ci.root / "reviewed").mkdir()
    shutil.copy(alice.root / "plan.json", ci.root / "reviewed" / "plan.json")
    applied = ci.ok("apply", "reviewed/plan.json")  # no -c: the plan names access/ in any clone
    assert "3 manual tasks opened" in applied  # the role and two accounts

    # The tasks CI opened are Alice's to close, from her clone.
    tasks = json.loads(alice.ok("tasks", "-c", "access", "list", "--format", "json"))
    assert sorted(task["address"] for task in tasks) == [
        "pdd/account/li",
        "pdd/account/wang",
        "pdd/role/presales",
    ]
    alice.ok("tasks", "-c", "access", "done", *(str(task["id"]) for task in tasks))
    assert "No changes." in ci.ok("plan", "-c", "access")

    # The reviewed plan is spent: the state moved, so it is refused as stale.
    stale = ci.run("apply", "reviewed/plan.json")
    assert stale.returncode == 1
    assert "reviewed/plan.json is stale" in stale.stderr

    for who in (alice, ci):
        assert not list(who.root.rglob("state.db")), "a team never writes a local state file"
    runs = json.loads(ci.ok("state", "-c", "access", "history", "--format", "json"))
    assert [(run["who"], run["status"]) for run in runs] == [("ci", "ok")]
    assert runs[0]["commit"] == git(repo, "rev-parse", "HEAD")
    assert runs[0]["dirty"] is False  # the downloaded plan is a new file, not a change


def test_state_moves_from_sqlite_to_postgresql_in_two_commands(
    origin: tuple[Path, str], pg_dsn: str
) -> None:
    repo, schema = origin
    solo = clone(repo, "solo", pg_dsn, "solo")
    config = solo.root / "access" / "provisioner.yaml"
    document = yaml.safe_load(config.read_text(encoding="utf-8"))
    team_state = document["settings"]["state"]
    document["settings"]["state"] = {"backend": "sqlite"}
    config.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    solo.ok("apply", "-c", "access", "--auto-approve")
    before = json.loads(solo.ok("tasks", "-c", "access", "list", "--format", "json"))

    (solo.root / "state.json").write_text(
        solo.ok("state", "-c", "access", "export"), encoding="utf-8"
    )
    document["settings"]["state"] = team_state
    config.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    imported = solo.ok("state", "-c", "access", "import", "state.json")
    assert f"(schema {schema})" in imported

    after = json.loads(solo.ok("tasks", "-c", "access", "list", "--format", "json"))
    assert after == before  # the same tasks, with the same numbers
    again = solo.run("state", "-c", "access", "import", "state.json")
    assert again.returncode == 1
    assert "already holds state" in again.stderr


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("problem", ["refused", "wrong password"])
def test_a_bad_dsn_is_one_line_naming_the_host_never_the_password(
    origin: tuple[Path, str], pg_dsn: str, problem: str
) -> None:
    repo, schema = origin
    if problem == "refused":
        port = free_port()
        dsn, where = f"postgresql://app:{PASSWORD}@127.0.0.1:{port}/team", f"127.0.0.1:{port}/team"
    else:
        dsn = pg_dsn.replace("@", f"{PASSWORD}@", 1)  # the right user, a wrong password
        where = pg_dsn.rsplit("@", 1)[1]
    user = clone(repo, "user", dsn, "user")
    for args in (("plan", "-c", "access"), ("apply", "-c", "access", "--auto-approve")):
        result = user.run(*args)
        assert result.returncode == 1
        assert PASSWORD not in result.stdout + result.stderr
        assert result.stderr.splitlines()[-1].startswith(
            f"error: PostgreSQL state {where} (schema {schema}): cannot connect: "
        ), result.stderr
    assert not list(user.root.rglob("state.db"))
