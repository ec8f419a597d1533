"""Parsed files kept between runs, keyed by each file's content: unchanged files are not re-parsed.

A plan of 50,000 accounts spends a quarter of its time parsing YAML that did not change since
the last run. The cache holds, for each file's SHA-256, the plain data `yamlsource.parse` built
from it, in one file per config under the user's cache directory
(`$XDG_CACHE_HOME/provisioner/parse/`, else `~/.cache/provisioner/parse/`). What it can never
change:

- **where errors are.** Only files that parsed cleanly are kept (no syntax error, no duplicate
  key); line and column are always found from the file's current text, which is read anyway.
- **what is trusted.** The whole file is checked against a SHA-256 of its body and against this
  parser's own source (another provisioner version, or an edited parser, starts afresh) before
  anything in it is used; anything wrong (truncated, corrupt, unreadable, another format) and it
  is ignored as if absent, then rewritten.
- **what was reviewed.** The cache is never inside the config tree: a pull request could commit a
  validly sealed cache there whose entries say something other than the YAML a reviewer read, and
  a CI plan would trust it. The user's cache directory is not something a pull request can write.

The body is `marshal`-encoded: it round-trips exactly the values the builder makes (dicts in
order, tuples, str, int, float, bool, None) and loads several times faster than JSON or pickle.
`marshal` is not meant for untrusted bytes, hence the checksum before it is read.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

CACHE_NAME = "parsed.bin"
_MAGIC = b"provisioner-parse-cache 1\n"
_DIGEST_SIZE = 32


def cache_path(root: Path) -> Path:
    """Where the cache of a config rooted at `root` lives: one file per config, outside it."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    config = hashlib.sha256(os.fsencode(root.resolve())).hexdigest()[:32]
    return base / "provisioner" / "parse" / f"{config}-{CACHE_NAME}"


def content_key(raw: bytes) -> bytes:
    return hashlib.sha256(raw).digest()


def _fingerprint() -> bytes:
    # The parser's own source: a different parser must not reuse another's results.
    from provisioner.config import yamlsource

    return hashlib.sha256(Path(yamlsource.__file__).read_bytes()).digest()


def load(path: Path) -> dict[bytes, Any]:
    """The cached data by content key; empty when the cache is absent or cannot be trusted."""
    try:
        blob = path.read_bytes()
    except OSError:
        return {}
    header = len(_MAGIC) + 2 * _DIGEST_SIZE
    if len(blob) < header or not blob.startswith(_MAGIC):
        return {}
    fingerprint = blob[len(_MAGIC) : len(_MAGIC) + _DIGEST_SIZE]
    checksum = blob[len(_MAGIC) + _DIGEST_SIZE : header]
    body = memoryview(blob)[header:]
    if fingerprint != _fingerprint() or hashlib.sha256(body).digest() != checksum:
        return {}
    try:
        entries = marshal.loads(body)
    except (EOFError, ValueError, TypeError):
        return {}
    if not isinstance(entries, dict) or not all(
        isinstance(key, bytes) and len(key) == _DIGEST_SIZE for key in entries
    ):
        return {}
    return entries


def save(path: Path, entries: Mapping[bytes, Any]) -> None:
    """Replace the cache with `entries`, atomically; a cache that cannot be written is skipped."""
    try:
        body = marshal.dumps(dict(entries))
    except ValueError:  # a value marshal cannot hold: not worth failing the run for
        return
    blob = _MAGIC + _fingerprint() + hashlib.sha256(body).digest() + body
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(blob)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
