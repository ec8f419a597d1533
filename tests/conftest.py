"""Suite-wide set-up: the `memory` test platform is an installed plugin for every process.

pytest puts `tests/plugins` on `sys.path` (`pythonpath` in pyproject.toml), so the
`provisioner-test-platforms` distribution there registers `memory` under the
`provisioner.connectors` entry point group; CLI processes the tests start inherit it through
`PYTHONPATH`. A process without it (a user's) knows no `memory` platform. The suite's parse
caches go to a temporary `XDG_CACHE_HOME`, never the user's own.

`pg_dsn` / `pg_location`: the PostgreSQL server for the state tests (see pg_cluster);
`server`: the emulators over real HTTP.
"""

from __future__ import annotations

import os
import secrets
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_cluster import Cluster, ClusterError

from provisioner.emulators.server import EmulatorServer, make_server
from provisioner.secrets import Secret
from provisioner.state.location import PostgresLocation

PLUGINS = Path(__file__).parent / "plugins"


def pytest_configure() -> None:
    paths = [str(PLUGINS), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    # The parse cache lives in the user's cache directory: keep the suite's out of the real one.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="provisioner-test-cache-")


@pytest.fixture(scope="session")
def pg_dsn() -> Iterator[str]:
    """A PostgreSQL server's DSN: PROVISIONER_TEST_PG_DSN, else a throwaway cluster.

    Started on first use, stopped at the end of the session (also when tests failed). If it
    cannot be started the tests that need it fail, they never skip: CI must not lose them.
    """
    given = os.environ.get("PROVISIONER_TEST_PG_DSN")
    if given:
        yield given
        return
    try:
        cluster = Cluster.start()
    except ClusterError as exc:
        pytest.fail(f"cannot start the test PostgreSQL server: {exc}", pytrace=False)
    try:
        yield cluster.dsn
    finally:
        cluster.stop()


@pytest.fixture
def pg_location(pg_dsn: str) -> PostgresLocation:
    """A schema of its own for one test, in the shared test server."""
    return PostgresLocation(Secret(pg_dsn), f"t_{secrets.token_hex(6)}")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[EmulatorServer]:
    """The emulators served over real HTTP on 127.0.0.1 (a free port), stopped afterwards."""
    served = make_server(tmp_path / "emulator", port=0)
    thread = threading.Thread(target=served.serve_forever, kwargs={"stop_after": 120}, daemon=True)
    thread.start()
    yield served
    served.shutdown()
    thread.join(timeout=5)
