"""Fixtures: the emulator served over real HTTP on 127.0.0.1; each platform's harness."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from platform_harness import HARNESSES, Harness

from provisioner.emulators.server import EmulatorServer, make_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    served = make_server(tmp_path / "emulator", port=0)
    thread = threading.Thread(target=served.serve_forever, kwargs={"stop_after": 120}, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    thread.join(timeout=5)


@pytest.fixture(params=HARNESSES, ids=lambda harness: harness.name)
def harness(request: pytest.FixtureRequest) -> Harness:
    found: Harness = request.param
    return found
