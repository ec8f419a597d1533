"""Where a config sits in its git checkout, so a saved plan names it the same in every clone.

A plan made in one checkout is applied in another (the CI runner that merges, a colleague's
clone of the same commit), so it must not pin an absolute path. `portable` names the config
relative to the root of its checkout (the nearest directory holding `.git`, a directory or a
worktree's file), and `located` finds it again under the root of the checkout holding the
current directory. Outside any checkout the path stays absolute: there is no other clone to
be portable to, and the plan then applies from any directory of this machine.
"""

from __future__ import annotations

import os
from pathlib import Path


def checkout_root(start: Path) -> Path | None:
    """The nearest directory at or above `start` that holds `.git`; None outside a checkout."""
    for directory in (start, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def portable(source: Path) -> str:
    """`source` as a POSIX path relative to its checkout's root; absolute outside a checkout."""
    source = source.resolve()
    root = checkout_root(source if source.is_dir() else source.parent)
    if root is None:
        return source.as_posix()
    return source.relative_to(root).as_posix() or "."


def located(saved: str, cwd: Path | None = None) -> Path:
    """The config a `portable` path names, seen from `cwd` (default: the current directory):
    a relative one is under the root of the checkout holding `cwd`."""
    path = Path(saved)
    if path.is_absolute():
        return path
    here = (cwd or Path.cwd()).resolve()
    base = checkout_root(here) or here
    return Path(os.path.relpath(base / path, here)) if base != here else path
