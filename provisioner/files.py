"""Files that must be what they claim: regular files of bounded size, read without hanging.

A path from a config or a command line can name a FIFO (reading it blocks until someone
writes), a device such as `/dev/zero` (reading it never ends), a directory, or a file far too
big to hold in memory. The file is opened non-blocking and checked with `fstat` on the open
descriptor, so what is checked is what is read (no window to swap the path in between).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from provisioner.errors import ProvisionerError

KIB = 1024
MIB = 1024 * KIB


class UnfitFileError(ProvisionerError):
    """The path names something other than a regular file of acceptable size.

    The message says what it is ("a FIFO, not a regular file"); callers prefix what and where.
    """


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes.

    OSError (not found, permission) passes through for the caller to word; anything that is
    not a regular file, or is bigger than `limit`, is UnfitFileError, raised before reading.
    """
    refuse_unfit(path.stat(), None)  # never open a device: opening some has side effects
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        refuse_unfit(info, limit)
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew since fstat
        raise UnfitFileError(f"is larger than {describe_size(limit)}")
    return data


def check_regular(path: Path) -> None:
    """UnfitFileError unless `path` is absent or a regular file (a symlink to one is fine)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    refuse_unfit(info, None)


def refuse_unfit(info: os.stat_result, limit: int | None) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise UnfitFileError(f"is {_kind(info.st_mode)}, not a regular file")
    if limit is not None and info.st_size > limit:
        raise UnfitFileError(
            f"is {describe_size(info.st_size)}, more than the {describe_size(limit)} allowed"
        )


def describe_size(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.0f} MiB"
    if size >= KIB:
        return f"{size / KIB:.0f} KiB"
    return f"{size} bytes"


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "something else")
