"""The apply lock: taken for a whole apply or `tasks done`, waited for up to a timeout.

How a backend holds it is its own business (`Database.try_lock`): SQLite keeps a row and takes
over one left by a dead process on the same host; PostgreSQL holds a session-level advisory
lock that the server drops with the connection, so a killed runner never leaves it behind.
Either way the holder is named: who, operation, pid, host, since, and the CI job when the CI
environment says which.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from provisioner.errors import LockHeldError
from provisioner.state.sql import Database
from provisioner.state.timestamps import now
from provisioner.state.values import LockInfo

log = logging.getLogger(__name__)

POLL_SECONDS = 0.2


@contextmanager
def held(db: Database, holder: str, operation: str, timeout: float) -> Iterator[None]:
    token = acquire(db, holder, operation, timeout)
    try:
        yield
    finally:
        if not db.release_lock(token):
            log.warning(
                "the state lock had been released by someone else while this process held it"
            )


def acquire(db: Database, holder: str, operation: str, timeout: float) -> str:
    """Take the lock, polling up to `timeout` seconds; returns the token that releases it."""
    deadline = time.monotonic() + timeout
    token = secrets.token_hex(16)
    while True:
        other = db.try_lock(holder_info(holder, operation), token)
        if other is None:
            return token
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LockHeldError(
                f"state is locked by {other.describe()}; wait, use --lock-timeout, "
                "or run `provisioner state unlock` if that process is gone"
            )
        time.sleep(min(POLL_SECONDS, remaining))


def holder_info(holder: str, operation: str) -> LockInfo:
    return LockInfo(
        holder, operation, os.getpid(), socket.gethostname(), now(), ci_job_url(os.environ)
    )


def ci_job_url(environ: Mapping[str, str]) -> str | None:
    """The CI job this process runs in, from the variables GitHub Actions and GitLab CI set."""
    github = [environ.get(name) for name in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY")]
    run_id = environ.get("GITHUB_RUN_ID")
    if all(github) and run_id:
        return f"{github[0]}/{github[1]}/actions/runs/{run_id}"
    return environ.get("CI_JOB_URL") or None
