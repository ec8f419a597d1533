"""Who is applying, and from which git commit: recorded with every apply and task."""

from __future__ import annotations

import getpass
import os
import subprocess
from pathlib import Path


def current_user() -> str:
    for variable in ("PROVISIONER_USER", "GITHUB_ACTOR", "GITLAB_USER_LOGIN"):
        if os.environ.get(variable):
            return os.environ[variable]
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def git_commit(directory: Path) -> str | None:
    """HEAD of the git checkout holding `directory`, or None outside one."""
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    commit = result.stdout.strip()
    return commit if result.returncode == 0 and commit else None
