"""The canonical permission catalog: names, risk levels and how each platform calls them.

The data lives in ``catalog.json`` beside this module (DESIGN §2). It is read once, validated as a
whole, and served as immutable values. A permission with no mapping on a platform is not an error:
callers ask `Catalog.unmapped` and report it, so nothing is dropped silently.
"""

from __future__ import annotations

import difflib
import fnmatch
import functools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Literal

from provisioner.platforms import builtin_platforms

Risk = Literal["low", "medium", "high", "critical"]
RISK_ORDER: tuple[Risk, ...] = ("critical", "high", "medium", "low")  # most dangerous first
# A platform's table in catalog.json is optional: without one nothing is mapped there, so every
# permission is reported (validate warns) and the back-office steps say to find the checkbox.
PLATFORMS: tuple[str, ...] = builtin_platforms()

_ROOT_KEYS = frozenset({"permissions", "platforms"})
_PERMISSION_KEYS = frozenset({"name", "label", "risk"})
_MAPPING_KEYS = frozenset({"native", "label", "unverified"})
_NAME = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)+")


@dataclass(frozen=True)
class Permission:
    """One canonical permission: dotted name (``order.view``), short Chinese label, risk level."""

    name: str
    label: str
    risk: Risk


@dataclass(frozen=True)
class NativeMapping:
    """How one canonical permission appears on one platform.

    ``native`` is the identifier the platform itself uses: a TOP permission code on Tmall/Taobao,
    the standard platform role that carries the permission on Kuaishou; ``None`` when the platform
    has no such identifier or it is not known. ``label`` is the back-office checkbox or menu a
    person ticks, for manual-task instructions. ``verified`` is False for placeholder codes that
    still need checking against the real back office.
    """

    platform: str
    permission: str
    native: str | None
    label: str
    verified: bool = True


@dataclass(frozen=True)
class Catalog:
    """The validated catalog. Lookups by unknown platform or permission find no mapping."""

    permissions: Mapping[str, Permission]  # by name, in catalog order
    mappings: Mapping[str, Mapping[str, NativeMapping]]  # platform -> permission -> mapping

    def __contains__(self, name: object) -> bool:
        return name in self.permissions

    def get(self, name: str) -> Permission | None:
        return self.permissions.get(name)

    def risk(self, name: str) -> Risk:
        """The permission's risk level; KeyError for a name not in the catalog."""
        return self.permissions[name].risk

    def risk_rank(self, name: str) -> int:
        """Sort key: 0 for critical up to 3 for low."""
        return RISK_ORDER.index(self.risk(name))

    def mapping(self, platform: str, permission: str) -> NativeMapping | None:
        return self.mappings.get(platform, {}).get(permission)

    def unmapped(self, platform: str, permissions: Iterable[str]) -> tuple[str, ...]:
        """The permissions, sorted and unique, that have no mapping on the platform."""
        names = _names(permissions)
        return tuple(sorted({p for p in names if self.mapping(platform, p) is None}))

    def native_codes(self, platform: str, permissions: Iterable[str]) -> tuple[str, ...]:
        """The platform's native identifiers for the permissions, sorted and unique."""
        mapped = (self.mapping(platform, p) for p in _names(permissions))
        return tuple(sorted({m.native for m in mapped if m is not None and m.native is not None}))

    def match(self, pattern: str) -> frozenset[str]:
        """Permission names matching a shell glob: ``finance.*``, ``*.view``, or an exact name."""
        return frozenset(n for n in self.permissions if fnmatch.fnmatchcase(n, pattern))


@functools.cache
def load_catalog() -> Catalog:
    """The catalog bundled with the package, read and validated once per process."""
    text = resources.files("provisioner").joinpath("catalog.json").read_text(encoding="utf-8")
    return parse_catalog(text, "catalog.json")


def parse_catalog(text: str, source: str = "<string>") -> Catalog:
    """Parse and validate catalog JSON; ValueError listing every problem found."""
    try:
        data = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except ValueError as exc:
        raise ValueError(f"{source}: invalid permission catalog: {exc}") from None
    problems: list[str] = []
    catalog = _parse_root(data, problems)
    if problems:
        bullets = "".join(f"\n  - {p}" for p in problems)
        raise ValueError(f"{source}: invalid permission catalog:{bullets}")
    return catalog


def _names(permissions: Iterable[str]) -> tuple[str, ...]:
    # A bare string is an Iterable[str] of characters: almost always a caller's mistake.
    if isinstance(permissions, str):
        raise TypeError("expected an iterable of permission names, not a single string")
    return tuple(permissions)


def _reject_duplicate_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    result: dict[str, object] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _parse_root(data: object, problems: list[str]) -> Catalog:
    root = _as_object(data, "catalog", _ROOT_KEYS, problems)
    permissions = _parse_permissions(root.get("permissions"), problems)
    # Names declared with a faulty risk or label still count: one mistake, one message.
    declared = _declared_names(root.get("permissions")) | frozenset(permissions)
    mappings = _parse_platforms(root.get("platforms"), declared, problems)
    return Catalog(MappingProxyType(permissions), MappingProxyType(mappings))


def _declared_names(data: object) -> frozenset[str]:
    items = data if isinstance(data, list) else []
    return frozenset(
        i["name"] for i in items if isinstance(i, dict) and isinstance(i.get("name"), str)
    )


def _parse_permissions(data: object, problems: list[str]) -> dict[str, Permission]:
    if not isinstance(data, list) or not data:
        problems.append("permissions: must be a non-empty list")
        return {}
    result: dict[str, Permission] = {}
    for index, item in enumerate(data):
        permission = _parse_permission(item, f"permissions[{index}]", problems)
        if permission is None:
            continue
        if permission.name in result:
            problems.append(f"permissions[{index}].name: {permission.name!r} is defined twice")
        result[permission.name] = permission
    return result


def _parse_permission(data: object, path: str, problems: list[str]) -> Permission | None:
    fields = _as_object(data, path, _PERMISSION_KEYS, problems)
    name = _text(fields.get("name"), f"{path}.name", problems)
    label = _text(fields.get("label"), f"{path}.label", problems)
    risk = _risk(fields.get("risk"), f"{path}.risk", problems)
    if name is not None and not _NAME.fullmatch(name):
        problems.append(f"{path}.name: {name!r} is not a dotted lower-case name like order.view")
        return None
    if name is None or label is None or risk is None:
        return None
    return Permission(name, label, risk)


def _parse_platforms(
    data: object, known: frozenset[str], problems: list[str]
) -> dict[str, Mapping[str, NativeMapping]]:
    if not isinstance(data, dict):
        problems.append("platforms: must be an object")
        return {}
    tables = _as_object(data, "platforms", frozenset(PLATFORMS), problems)
    return {
        platform: MappingProxyType(_parse_table(platform, table, known, problems))
        for platform, table in tables.items()
    }


def _parse_table(
    platform: str, data: object, known: frozenset[str], problems: list[str]
) -> dict[str, NativeMapping]:
    path = f"platforms.{platform}"
    entries = _as_object(data, path, known, problems, what="permission")
    result: dict[str, NativeMapping] = {}
    for permission, item in entries.items():
        mapping = _parse_mapping(platform, permission, item, f"{path}[{permission}]", problems)
        if mapping is not None:
            result[permission] = mapping
    return result


def _parse_mapping(
    platform: str, permission: str, data: object, path: str, problems: list[str]
) -> NativeMapping | None:
    fields = _as_object(data, path, _MAPPING_KEYS, problems)
    native = fields.get("native")
    if "native" not in fields or not (native is None or (isinstance(native, str) and native)):
        problems.append(f"{path}.native: must be a non-empty string or null")
        native = None
    label = _text(fields.get("label"), f"{path}.label", problems)
    unverified = fields.get("unverified", False)
    if not isinstance(unverified, bool):
        problems.append(f"{path}.unverified: must be true or false")
    if label is None or not isinstance(unverified, bool):
        return None
    return NativeMapping(platform, permission, native, label, verified=not unverified)


def _as_object(
    data: object,
    path: str,
    allowed: frozenset[str],
    problems: list[str],
    what: str = "key",
) -> dict[str, object]:
    """The JSON object at path, without its unknown keys (each reported) and ``_`` comments."""
    if not isinstance(data, dict):
        problems.append(f"{path}: must be an object")
        return {}
    result: dict[str, object] = {}
    for key, value in data.items():
        if key.startswith("_"):
            continue
        if key in allowed:
            result[key] = value
        else:
            problems.append(f"{path}: unknown {what} {key!r}{_did_you_mean(key, allowed)}")
    return result


def _text(value: object, path: str, problems: list[str]) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    problems.append(f"{path}: must be a non-empty string")
    return None


def _risk(value: object, path: str, problems: list[str]) -> Risk | None:
    for risk in RISK_ORDER:
        if value == risk:
            return risk
    problems.append(f"{path}: {value!r} is not one of {', '.join(RISK_ORDER)}")
    return None


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
