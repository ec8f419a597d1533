"""Checks on credentials a config points to: where they may be sent, and what they are.

Run by `validate` (and so by every command that loads the config), in this order per shop:

1. the endpoint (see `provisioner.egress`): a shop whose credentials may not go where its
   `endpoint` says is an error, and its credentials are not even looked at: a pull request
   must not be able to make `plan` read `/etc/shadow` for an endpoint of its choosing;
2. each `{file: PATH}` that exists must be a regular file of at most 64 KiB (a FIFO would
   hang the run, `/dev/zero` never end);
3. each value that can be read here (its variable set, its file present) must be at least 8
   characters: a shorter one is no real credential, and masking it in messages would mask
   ordinary words too. The value itself is never shown, only its length.

A reference that cannot be read here (a variable set only in CI, say) is not an error at
validate time; the command that needs it says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from provisioner.config.checks import Finding, Loc
from provisioner.egress import Url, allowed_prefixes, refusal
from provisioner.files import UnfitFileError, read_regular
from provisioner.model import Config, SecretRef
from provisioner.secrets import MAX_SECRET_BYTES, MIN_SECRET_LENGTH, secret_path


def credential_findings(config: Config, base_dir: Path) -> Iterator[Finding]:
    extra: tuple[Url, ...] = allowed_prefixes()
    for name, shop in config.shops.items():
        loc: Loc = ("shops", name)
        reason = refusal(name, shop.platform, shop.endpoint, extra)
        if reason is not None:
            yield Finding((*loc, "endpoint"), reason)
            continue
        yield from _references((*loc, "credentials"), shop.credentials, base_dir)
    dsn = config.settings.state.dsn
    if dsn is not None:
        yield from _references(("settings", "state"), {"dsn": dsn}, base_dir)


def _references(loc: Loc, refs: Mapping[str, SecretRef], base_dir: Path) -> Iterator[Finding]:
    for key, ref in refs.items():
        if ref.env is not None:
            value = os.environ.get(ref.env)
            where: Loc = (*loc, key, "env")
        else:
            where = (*loc, key, "file")
            value, problem = _file_value(ref, base_dir)
            if problem is not None:
                yield Finding(where, problem)
                continue
        if value is not None and len(value) < MIN_SECRET_LENGTH:
            yield Finding(where, _too_short(len(value)))


def _file_value(ref: SecretRef, base_dir: Path) -> tuple[str | None, str | None]:
    path = secret_path(ref, base_dir)
    try:
        data = read_regular(path, MAX_SECRET_BYTES)
    except UnfitFileError as exc:
        return None, f"secret file {path} {exc}"
    except OSError:
        return None, None  # absent or unreadable here: the command that needs it says so
    try:
        return data.decode("utf-8").strip(), None
    except UnicodeDecodeError:
        return None, f"secret file {path} is not UTF-8 text"


def _too_short(length: int) -> str:
    return (
        f"this secret is {length} character{'s' if length != 1 else ''} long; a credential has "
        f"at least {MIN_SECRET_LENGTH} (a shorter value is no real key, and masking it in "
        "messages would mask ordinary words too): check the reference"
    )
