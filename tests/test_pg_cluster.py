"""The throwaway PostgreSQL cluster stops with the run that started it, however it ends.

A test run killed by SIGTERM (a cancelled CI job) or stopped with Ctrl-C must not leave a
server running on this shared machine: the cluster's directory is gone and its port closed.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
STARTS_AND_WAITS = """
import sys, time
sys.path.insert(0, sys.argv[1])
from pg_cluster import Cluster
cluster = Cluster.start()
print(cluster.port, cluster.directory, flush=True)
time.sleep(120)
"""


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_killed_run_still_stops_its_cluster(signum: int) -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", STARTS_AND_WAITS, str(HERE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert run.stdout is not None
        port, directory = run.stdout.readline().split()
        assert _accepts(int(port)), run.stderr.read() if run.stderr else ""
        run.send_signal(signum)
        run.wait(timeout=30)
    finally:
        run.kill()
        run.communicate(timeout=10)
    assert run.returncode == -signum  # it still dies of the signal, as it would have
    assert not Path(directory).exists()
    deadline = time.monotonic() + 10  # the postmaster may take a moment to close its socket
    while _accepts(int(port)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _accepts(int(port))


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0
