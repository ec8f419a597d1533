"""Builders shared by the state store tests (imported by name: pytest puts this folder on sys.path)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from provisioner.resources import Address, Change, FieldChange, FieldValue, Resource

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def account(
    name: str = "小王", shop: str = "acme-tmall", remote_id: str | None = None, **fields: FieldValue
) -> Resource:
    return Resource(Address(shop, "account", name), fields, remote_id)


def manual_create(name: str = "小王", shop: str = "acme-pdd", **after: FieldValue) -> Change:
    after = after or {"status": "active", "roles": ("presales",)}
    return Change(
        address=Address(shop, "account", name),
        platform="pinduoduo",
        action="create",
        execution="manual",
        reason="declared in the config, not on the platform",
        fields=tuple(FieldChange(field, None, value) for field, value in sorted(after.items())),
        agent="wang.xiaoming",
        meta=(("agent", "wang.xiaoming"), ("permissions", ("chat.reply", "order.view"))),
    )


def spawn(script: str, *args: str) -> subprocess.Popen[str]:
    """Run one of the helper scripts beside this file in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, str(HERE / script), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_line(process: subprocess.Popen[str], expected: str) -> None:
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != expected:
        _, err = process.communicate(timeout=10)
        raise AssertionError(f"helper said {line!r}, not {expected!r}; stderr:\n{err}")


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain autocommit connection, to inspect or tamper with a file as an outsider would."""
    with closing(sqlite3.connect(path, isolation_level=None)) as conn:
        yield conn
