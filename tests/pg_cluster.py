"""A throwaway PostgreSQL cluster for the tests: a real server, never a mock.

`Cluster.start()` runs `initdb` into a fresh temp directory and starts the server on a free
port of 127.0.0.1 only (never a fixed port or a shared cluster: several test runs share this
machine), with a Unix socket inside that directory. PostgreSQL refuses to run as root, so
under root the directory is handed to the `postgres` user and the server runs as it. The
cluster skips fsync (it is thrown away) unless started `durable`, as the benchmark does.
`stop()` stops it and deletes the directory.

`PROVISIONER_TEST_PG_DSN`, when set, names an existing server to use instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

ADMIN = "provisioner_test"
START_ATTEMPTS = 3


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
            for _ in range(START_ATTEMPTS):  # a free port can be taken before the server binds
                cluster.port = _free_port()
                if cluster._pg_ctl(pg_ctl, "start").returncode == 0:
                    return cluster
            raise ClusterError(f"the test server did not start:\n{cluster.log()}")
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise

    def stop(self) -> None:
        try:
            self._pg_ctl(find_binary("pg_ctl"), "stop")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

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

    def _pg_ctl(self, pg_ctl: str, action: str) -> subprocess.CompletedProcess[str]:
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory} "
        options += "-c max_connections=200"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        args = ["-D", str(self.directory / "data"), "-l", str(self.directory / "server.log")]
        if action == "start":
            args += ["-o", options, "-w", "-t", "30"]
        else:
            args += ["-m", "fast", "-w", "-t", "30"]
        return self._run(pg_ctl, *args, action)

    def _run(self, *argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, capture_output=True, text=True, timeout=60, user=self.user, check=False,
            cwd=self.directory,
        )  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
