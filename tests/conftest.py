"""Suite-wide set-up: the `memory` test platform is an installed plugin for every process.

pytest puts `tests/plugins` on `sys.path` (`pythonpath` in pyproject.toml), so the
`provisioner-test-platforms` distribution there registers `memory` under the
`provisioner.connectors` entry point group; CLI processes the tests start inherit it through
`PYTHONPATH`. A process without it (a user's) knows no `memory` platform. The suite's parse
caches go to a temporary `XDG_CACHE_HOME`, never the user's own.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

PLUGINS = Path(__file__).parent / "plugins"


def pytest_configure() -> None:
    paths = [str(PLUGINS), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    # The parse cache lives in the user's cache directory: keep the suite's out of the real one.
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="provisioner-test-cache-")
