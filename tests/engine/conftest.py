"""The `project` fixture: a temp directory driven through the real CLI (see engine_project)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from engine_project import TRIGGERS, Project


@pytest.fixture
def project(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Project]:
    for name in TRIGGERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PROVISIONER_USER", "tester")
    root = tmp_path / "shop-access"
    root.mkdir()
    yield Project(root, capsys, monkeypatch)
