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
    commit = _git(directory, "rev-parse", "HEAD")
    return commit.strip() or None if commit is not None else None


def git_dirty(directory: Path) -> bool | None:
    """Whether tracked files of the checkout holding `directory` have uncommitted changes
    (new files do not count: a CI job's downloaded plan is no change to the config); None
    outside a git checkout."""
    status = _git(directory, "status", "--porcelain", "--untracked-files=no")
    return None if status is None else bool(status.strip())


def _git(directory: Path, *args: str) -> str | None:
    """git's output, or None when git is missing or `directory` is in no checkout."""
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
