"""A throwaway project in a temp directory, driven through the real CLI as a user would.

`project.run(...)` calls `provisioner.cli.main.main(argv)` in this process (fast);
`project.run_process(...)` / `project.spawn(...)` start `python -m provisioner.cli.main` for
what needs a real process (SIGKILL, two applies at once). Configs are Python dicts written as
YAML; the `memory` platform is a JSON file under `.provisioner/memory/`, read back with
`project.platform(shop)`.

With a `schema`, the project keeps its state in PostgreSQL (that schema, the server in
PROVISIONER_STATE_DSN): `write` adds the `settings.state` that says so, and the helpers that
look into the state (`recorded`, `integrity`, `lock_pid`) look there instead of the file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml

from provisioner.cli.main import main
from provisioner.resources import Resource
from provisioner.secrets import Secret
from provisioner.state import StateReader
from provisioner.state.location import Location, PostgresLocation

ROLES: dict[str, Any] = {
    "presales": {"permissions": ["chat.reply", "chat.transfer", "order.view", "product.view"]},
    "aftersales": {
        "extends": ["presales"],
        "permissions": ["refund.view", "refund.request", "order.modify_status"],
    },
}
TRIGGERS = (
    "PROVISIONER_MEMORY_DELAY",
    "PROVISIONER_MEMORY_ANSWER_DELAY",
    "PROVISIONER_MEMORY_FAIL",
    "NO_COLOR",
    "PROVISIONER_USER",
)


def account(shop: str, nickname: str, *roles: str, groups: tuple[str, ...] = ()) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "shop": shop,
        "nickname": nickname,
        "roles": list(roles or ["presales"]),
    }
    if groups:
        entry["groups"] = list(groups)
    return entry


def agent(name: str, *accounts: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"name": name, **extra, "accounts": list(accounts)}


def config(
    shops: Mapping[str, Any],
    agents: Mapping[str, Any],
    *,
    roles: Mapping[str, Any] | None = None,
    safety: Mapping[str, Any] | None = None,
    settings: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A whole config; safety defaults to thresholds no small test reaches."""
    limits = safety or {"max_delete_percent": 30, "max_update_percent": 50, "min_accounts": 1000}
    return {
        "version": 1,
        "settings": {"safety": dict(limits), **(settings or {})},
        "shops": dict(shops),
        "roles": dict(roles or ROLES),
        "agents": dict(agents),
    }


def memory_shop(**extra: Any) -> dict[str, Any]:
    return {"platform": "memory", "name": "测试店", **extra}


def manual_shop(platform: str = "pinduoduo", **extra: Any) -> dict[str, Any]:
    return {"platform": platform, "name": f"{platform}旗舰店", **extra}


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    @property
    def output(self) -> str:
        return self.out + self.err


class Project:
    def __init__(
        self,
        root: Path,
        capsys: pytest.CaptureFixture[str],
        mp: pytest.MonkeyPatch,
        schema: str | None = None,
    ):
        self.root = root
        self._capsys = capsys
        self._mp = mp
        self.schema = schema  # None: SQLite in .provisioner/state.db

    # --- files -----------------------------------------------------------------------------

    @property
    def work(self) -> Path:
        return self.root / ".provisioner"

    @property
    def db(self) -> Path:
        return self.work / "state.db"

    @property
    def backend(self) -> str:
        return "sqlite" if self.schema is None else "postgres"

    @property
    def location(self) -> Location:
        if self.schema is None:
            return self.db
        return PostgresLocation(Secret(os.environ["PROVISIONER_STATE_DSN"]), self.schema)

    def has_state(self) -> bool:
        """Whether any command has created the state store yet."""
        if self.schema is None:
            return self.db.exists()
        with self._pg() as conn:
            found = conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (self.schema,))
            return found.fetchone() is not None

    def write(self, document: Mapping[str, Any], name: str = "provisioner.yaml") -> None:
        document = dict(document)
        if self.schema is not None and "settings" in document:
            state = {"backend": "postgres", "dsn": {"env": "PROVISIONER_STATE_DSN"}}
            document["settings"] = {
                "state": {**state, "schema": self.schema},
                **document["settings"],
            }
        text = yaml.safe_dump(dict(document), allow_unicode=True, sort_keys=False)
        (self.root / name).write_text(text, encoding="utf-8")

    def platform(self, shop: str) -> dict[str, Any]:
        """The memory platform's content for `shop`: {"account/小王": {"id", "fields"}, ...}."""
        path = self.work / "memory" / f"{shop}.json"
        if not path.exists():
            return {}
        loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return loaded

    def live_accounts(self, shop: str) -> set[str]:
        return {key.split("/", 1)[1] for key in self.platform(shop) if key.startswith("account/")}

    def put_live(self, shop: str, key: str, **fields: Any) -> None:
        """Change the memory platform behind provisioner's back, as a back office would."""
        data = self.platform(shop)
        data.setdefault(key, {"id": f"outside-{len(data)}", "fields": {}})["fields"].update(fields)
        path = self.work / "memory" / f"{shop}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def recorded(self) -> dict[str, Resource]:
        with StateReader.open(self.location) as state:
            return {str(address): res for address, res in state.resources().items()}

    def age_task(self, task_id: int, **ago: float) -> None:
        """Pretend task `task_id` was opened that long ago (`hours=5`), as time passing would."""
        opened = datetime.now(UTC) - timedelta(**ago)
        conn = sqlite3.connect(self.db)
        try:
            with conn:
                conn.execute(
                    "UPDATE tasks SET created_at = ? WHERE id = ?",
                    (opened.isoformat(timespec="seconds"), task_id),
                )
        finally:
            conn.close()

    def integrity(self) -> str:
        """SQLite's own check; on PostgreSQL (which keeps its pages itself), that every result
        and task names a run that exists and at most one task per change is open."""
        if self.schema is None:
            conn = sqlite3.connect(self.db)
            try:
                return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
            finally:
                conn.close()
        with self._pg() as conn:
            conn.execute(f'SET search_path TO "{self.schema}"')
            orphans = conn.execute(
                "SELECT count(*) FROM results WHERE run_id NOT IN (SELECT id FROM runs)"
            ).fetchone()
            doubles = conn.execute(
                "SELECT count(*) FROM (SELECT change_key FROM tasks WHERE status = 'open' "
                "GROUP BY change_key HAVING count(*) > 1) AS twice"
            ).fetchone()
        return "ok" if orphans == (0,) and doubles == (0,) else f"{orphans} {doubles}"

    def lock_row_pid(self) -> int | None:
        """The pid in the lock row (on PostgreSQL, also a leftover of a dead session)."""
        with self._pg() as conn:
            try:
                row = conn.execute(f'SELECT pid FROM "{self.schema}".lock').fetchone()
            except psycopg.errors.UndefinedTable:
                return None
        return None if row is None else int(row[0])

    def _pg(self) -> psycopg.Connection[Any]:
        return psycopg.connect(os.environ["PROVISIONER_STATE_DSN"], autocommit=True)

    # --- the CLI ---------------------------------------------------------------------------

    def run(
        self, *args: str, env: Mapping[str, str] | None = None, cwd: Path | None = None
    ) -> Result:
        """The CLI in this process, from the project directory (or `cwd`)."""
        self._capsys.readouterr()
        with self._mp.context() as mp:
            mp.chdir(cwd or self.root)
            for key, value in (env or {}).items():
                mp.setenv(key, value)
            code = main(list(args))
        captured = self._capsys.readouterr()
        return Result(code, captured.out, captured.err)

    def ok(self, *args: str, env: Mapping[str, str] | None = None) -> Result:
        result = self.run(*args, env=env)
        assert result.code == 0, result.output
        return result

    def plan_json(self, *args: str) -> dict[str, Any]:
        result = self.run("plan", "--format", "json", *args)
        assert result.code == 0, result.output
        document: dict[str, Any] = json.loads(result.out)
        return document

    def converge(self) -> None:
        """Apply, then close every manual task it opened, as the back-office person would."""
        self.ok("apply", "--auto-approve")
        ids = [str(task["id"]) for task in self.tasks()]
        if ids:
            self.ok("tasks", "done", *ids)

    def tasks(self, *args: str) -> list[dict[str, Any]]:
        result = self.ok("tasks", "list", "--format", "json", *args)
        tasks: list[dict[str, Any]] = json.loads(result.out)
        return tasks

    def process_env(self, env: Mapping[str, str] | None = None) -> dict[str, str]:
        merged = {k: v for k, v in os.environ.items() if k not in TRIGGERS}
        merged.update(env or {})
        return merged

    def spawn(self, *args: str, env: Mapping[str, str] | None = None) -> subprocess.Popen[str]:
        """The CLI in a process of its own (stdout and stderr piped)."""
        return subprocess.Popen(
            [sys.executable, "-m", "provisioner.cli.main", *args],
            cwd=self.root,
            env=self.process_env(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run_process(
        self, *args: str, env: Mapping[str, str] | None = None, timeout: float = 60
    ) -> Result:
        process = self.spawn(*args, env=env)
        out, err = process.communicate(timeout=timeout)
        return Result(process.returncode, out, err)


def changes(document: Mapping[str, Any], **match: str) -> list[dict[str, Any]]:
    """The changes of a JSON plan whose keys equal `match`."""
    found: list[dict[str, Any]] = document["changes"]
    return [c for c in found if all(c[key] == value for key, value in match.items())]


def summary_of(document: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    return [(c["address"], c["action"], c["execution"]) for c in document["changes"]]


def lock_pid(project: Project) -> int | None:
    """Who holds the apply lock: on PostgreSQL, the holder row if its session is alive."""
    if project.schema is not None:
        with StateReader.open(project.location) as state:
            held = state.lock_info()
        return None if held is None else held.pid
    if not project.db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{project.db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT pid FROM lock").fetchone()
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return None
    return None if row is None else int(row[0])


def wait_for_lock(project: Project, pid: int, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while lock_pid(project) != pid:
        assert time.monotonic() < deadline, "the apply never took the lock"
        time.sleep(0.01)
