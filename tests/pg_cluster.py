"""A throwaway PostgreSQL cluster for the tests: a real server, never a mock.

`Cluster.start()` runs `initdb` into a fresh temp directory and starts the server on a free
port of 127.0.0.1 only (never a fixed port or a shared cluster: several test runs share this
machine), with a Unix socket inside that directory. PostgreSQL refuses to run as root, so
under root the directory is handed to the `postgres` user and the server runs as it. The
cluster skips fsync (it is thrown away) unless started `durable`, as the benchmark does.
`stop()` stops it and deletes the directory. A run that ends without reaching `stop()` still
stops every cluster it started: at exit (`atexit`: Ctrl-C, whose KeyboardInterrupt pytest
tears down after, or a second Ctrl-C that cut the teardown short), and on SIGTERM or SIGHUP
(a CI job cancelled, a terminal closed), where Python would otherwise die running neither.
Stopping there is bounded: `pg_ctl stop -m immediate`, STOP_SECONDS, then the server is
killed.

`PROVISIONER_TEST_PG_DSN`, when set, names an existing server to use instead.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

ADMIN = "provisioner_test"
START_ATTEMPTS = 3
STOP_SECONDS = 10
SIGNALS = (signal.SIGTERM, signal.SIGHUP)  # Ctrl-C raises KeyboardInterrupt: teardown, atexit
_running: set[Cluster] = set()  # started and not yet stopped, for the exit and signal paths


class ClusterError(Exception):
    pass


def find_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise ClusterError(
            f"PostgreSQL's {name} is not installed (Debian: apt-get install -y postgresql); "
            "or set PROVISIONER_TEST_PG_DSN to a server to test against"
        )
    return found


@dataclass
class Cluster:
    directory: Path
    port: int
    password: str
    user: str | None  # who runs the server: "postgres" under root, else ourselves
    durable: bool = False  # the tests skip fsync; a benchmark must not

    @property
    def dsn(self) -> str:
        return f"postgresql://{ADMIN}:{self.password}@127.0.0.1:{self.port}/postgres"

    @classmethod
    def start(cls, *, durable: bool = False) -> Cluster:
        initdb, pg_ctl = find_binary("initdb"), find_binary("pg_ctl")
        user = "postgres" if os.geteuid() == 0 else None
        directory = Path(tempfile.mkdtemp(prefix="provisioner-pg-"))
        cluster = cls(directory, 0, secrets.token_hex(12), user, durable)
        try:
            cluster._own()
            cluster._initdb(initdb)
            _watch()
            for _ in range(START_ATTEMPTS):  # a free port can be taken before the server binds
                cluster.port = _free_port()
                _running.add(cluster)
                if cluster._pg_ctl(pg_ctl, "start").returncode == 0:
                    return cluster
                _running.discard(cluster)
            raise ClusterError(f"the test server did not start:\n{cluster.log()}")
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise

    def stop(self, mode: str = "fast") -> None:
        _running.discard(self)
        try:
            self._pg_ctl(find_binary("pg_ctl"), "stop", mode)
        except subprocess.TimeoutExpired:
            self._kill()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def _kill(self) -> None:
        """The last resort when pg_ctl did not stop it in time: SIGKILL the postmaster."""
        pid_file = self.directory / "data" / "postmaster.pid"
        with contextlib.suppress(OSError, ValueError, IndexError):  # gone already
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else "(no log)"

    def _own(self) -> None:
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)

    def _initdb(self, initdb: str) -> None:
        pwfile = self.directory / "pwfile"
        pwfile.write_text(self.password + "\n")
        if self.user is not None:
            entry = pwd.getpwnam(self.user)
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        result = self._run(
            initdb, "-D", str(self.directory / "data"), "-U", ADMIN, f"--pwfile={pwfile}",
            "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        if result.returncode != 0:
            raise ClusterError(f"initdb failed:\n{result.stdout}{result.stderr}")

    def __hash__(self) -> int:
        return id(self)

    def _pg_ctl(
        self, pg_ctl: str, action: str, mode: str = "fast"
    ) -> subprocess.CompletedProcess[str]:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} "
        options += "-c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        args = ["-D", str(self.directory / "data"), "-l", str(self.directory / "server.log")]
        if action == "start":
            args += ["-o", options, "-w", "-t", "30"]
        else:
            args += ["-m", mode, "-w", "-t", str(STOP_SECONDS)]
        return self._run(pg_ctl, *args, action, timeout=STOP_SECONDS + 5)

    def _run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=timeout, user=self.user, check=False,
            cwd=self.directory,
        )  # fmt: skip


def stop_all() -> None:
    """Stop every cluster still running (the exit and signal paths): fast, and bounded."""
    for cluster in list(_running):
        cluster.stop("immediate")


@functools.cache
def _watch() -> None:
    """Once per process: stop the clusters at exit and on the signals that skip exit."""
    atexit.register(stop_all)
    if threading.current_thread() is not threading.main_thread():
        return  # signal handlers can only be set from the main thread; atexit still holds
    for number in SIGNALS:
        previous = signal.getsignal(number)
        if previous is not signal.SIG_IGN:  # under nohup a SIGHUP must stay harmless
            signal.signal(number, _stopping(number, previous))


def _stopping(number: int, previous: Any) -> Any:
    def handler(signum: int, frame: FrameType | None) -> None:
        stop_all()
        if callable(previous):
            previous(signum, frame)
            return
        signal.signal(number, signal.SIG_DFL)  # die of the signal, as without this handler
        os.kill(os.getpid(), number)

    return handler


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
