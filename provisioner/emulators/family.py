"""What the emulator knows about one API family, declared by that family's own module.

Each emulated family (`top`, `kuaishou`, `jos`) has a module here that ends with a `FAMILY`:
where its calls arrive, how a call names its method, the handler, the platform's naming rules,
and the fixed sandbox credentials a shop on it gets. A platform descriptor names that object
(`Platform.emulator`, e.g. `"provisioner.emulators.jos:FAMILY"`), so the app, the in-process
sandbox and `sandbox serve` find every family from the descriptors: adding one edits no table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from provisioner.emulators.calls import Call
from provisioner.emulators.ratelimit import Limiter
from provisioner.emulators.store import Store
from provisioner.platforms.builtin import BUILTIN


def _nothing(name: str) -> None:
    return None


@dataclass(frozen=True)
class Family:
    """One emulated API family.

    - `name`: the family (`Platform.api`), also the platform key of its data in the store;
    - `title`, `path`: how `sandbox serve` announces it; `path` is the exact path its calls
      arrive at, or with `prefix` every path below it (Kuaishou's `/open/...`);
    - `method_of(path, params)`: the API method a call names;
    - `handle(store, limiter, call)`: the JSON body the platform answers;
    - `credentials`: the fixed sandbox credentials (name -> value) a sandbox shop signs with,
      besides `session_key`, the credential that says which seller calls;
    - `check_nick(nick)`: raise `Invalid` for an account name the platform refuses;
      `role_name_max`: the longest role name (None: no limit of its own).
    """

    name: str
    title: str
    path: str
    method_of: Callable[[str, Mapping[str, str]], str]
    handle: Callable[[Store, Limiter, Call], dict[str, object]]
    credentials: Mapping[str, str]
    session_key: str
    prefix: bool = False
    check_nick: Callable[[str], None] = _nothing
    role_name_max: int | None = None

    def serves(self, path: str) -> bool:
        return path.startswith(self.path) if self.prefix else path == self.path


def named_method(path: str, params: Mapping[str, str]) -> str:
    """The method of a call that names it in a `method` field (TOP, JOS)."""
    return params.get("method", "")


@cache
def families() -> tuple[Family, ...]:
    """Every family the built-in platforms' descriptors name, each once, in descriptor order."""
    found: dict[str, Family] = {}
    for platform in BUILTIN.values():
        if platform.emulator and platform.emulator not in found:
            module, _, name = platform.emulator.partition(":")
            loaded = getattr(importlib.import_module(module), name)
            assert isinstance(loaded, Family), platform.emulator
            found[platform.emulator] = loaded
    return tuple(found.values())


def family(name: str) -> Family:
    """The family of that name; KeyError for one no descriptor names."""
    for each in families():
        if each.name == name:
            return each
    raise KeyError(name)
