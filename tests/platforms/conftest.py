"""Fixtures: the emulator served over real HTTP on 127.0.0.1; each platform's harness."""

from __future__ import annotations

import pytest
from platform_harness import HARNESSES, Harness


@pytest.fixture(params=HARNESSES, ids=lambda harness: harness.name)
def harness(request: pytest.FixtureRequest) -> Harness:
    found: Harness = request.param
    return found
