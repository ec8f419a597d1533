"""Load a config file or directory: read every file, merge, validate, check, locate every error."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from provisioner.config.checks import Checker, Finding, Loc
from provisioner.config.explain import explain
from provisioner.config.yamlsource import ROOT, Document, YamlProblems, dotted, parse
from provisioner.errors import ConfigError, Diagnostic, ProvisionerError
from provisioner.model import Config

SECTIONS = ("version", "settings", "shops", "roles", "schedules", "agents")
_SHAPE = f"expected a mapping of top-level sections ({', '.join(SECTIONS)})"


@dataclass(frozen=True)
class LoadedConfig:
    """A valid configuration, where it came from, and the warnings found on the way."""

    config: Config
    files: tuple[Path, ...]
    base_dir: Path
    warnings: tuple[Diagnostic, ...]
    digest: str


@dataclass
class _Source:
    name: str
    document: Document


def load_config(path: Path) -> LoadedConfig:
    """Read `path` (a file, or every *.yaml/*.yml below a directory); raise ConfigError on errors."""
    files = discover(path)
    sources, diagnostics, digest = _read_all(files)
    merged, owners = _merge(sources, diagnostics)
    if diagnostics:
        raise ConfigError(diagnostics)
    locator = _Locator(sources, owners)
    try:
        config = Config.model_validate(merged)
    except ValidationError as exc:
        raise ConfigError(_structural(exc, locator)) from None
    findings = [locator.diagnostic(finding) for finding in Checker(config).run()]
    errors = [d for d in findings if d.severity == "error"]
    if errors:
        raise ConfigError(errors)
    base_dir = path if path.is_dir() else path.parent
    return LoadedConfig(config, tuple(files), base_dir, tuple(sorted(findings)), digest)


def discover(path: Path) -> list[Path]:
    """The files a config consists of, in merge order; hidden files and folders are skipped."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise ProvisionerError(f"config path does not exist: {display(path)}")
    files = sorted(
        file
        for file in path.rglob("*")
        if file.suffix in (".yaml", ".yml")
        and file.is_file()
        and not any(part.startswith(".") for part in file.relative_to(path).parts)
    )
    if not files:
        raise ProvisionerError(f"no *.yaml or *.yml files in config directory {display(path)}")
    return files


def display(path: Path) -> str:
    """A path as the user typed it or relative to where they stand."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _read_all(files: Iterable[Path]) -> tuple[list[_Source], list[Diagnostic], str]:
    sources: list[_Source] = []
    diagnostics: list[Diagnostic] = []
    digest = hashlib.sha256()
    for file in files:
        name = display(file)
        raw = file.read_bytes()
        digest.update(name.encode() + b"\0" + raw + b"\0")
        try:
            document = parse(_decode(raw))
        except _NotUtf8 as exc:
            diagnostics.append(Diagnostic(name, exc.line, exc.col, ROOT, str(exc)))
            continue
        except YamlProblems as exc:
            diagnostics.extend(Diagnostic(name, p.line, p.col, p.path, p.message) for p in exc.problems)
            continue
        if not isinstance(document.data, dict):
            kind = "a list" if isinstance(document.data, tuple) else "a single value"
            diagnostics.append(Diagnostic(name, *document.locate(()), ROOT, f"the document is {kind}; {_SHAPE}"))
            continue
        sources.append(_Source(name, document))
    return sources, diagnostics, "sha256:" + digest.hexdigest()


class _NotUtf8(Exception):
    def __init__(self, line: int, col: int, byte: int) -> None:
        super().__init__(f"file is not valid UTF-8 (byte 0x{byte:02X}); save it as UTF-8")
        self.line, self.col = line, col


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise _NotUtf8(line, col, raw[exc.start]) from None


Owners = dict[tuple[str, ...], _Source]


def _merge(sources: list[_Source], diagnostics: list[Diagnostic]) -> tuple[dict[str, Any], Owners]:
    """One mapping from many files: sections merge by key; a key defined twice is an error."""
    merged: dict[str, Any] = {}
    owners: Owners = {}
    for source in sources:
        for section, value in source.document.data.items():
            mergeable = isinstance(value, dict) and isinstance(merged.get(section, {}), dict)
            if not mergeable or section not in merged:
                _claim(owners, (section,), source, diagnostics, merged, section, value)
            if mergeable:
                target = merged.setdefault(section, {})
                for key, item in value.items():
                    _claim(owners, (section, key), source, diagnostics, target, key, item)
    return merged, owners


def _claim(
    owners: Owners, key: tuple[str, ...], source: _Source, diagnostics: list[Diagnostic],
    target: dict[str, Any], name: str, value: Any,
) -> None:  # fmt: skip
    first = owners.setdefault(key, source)
    if first is source:
        target[name] = value
        return
    line, col = source.document.locate(key, at_key=True)
    where = "{}:{}:{}".format(first.name, *first.document.locate(key, at_key=True))
    message = f"'{key[-1]}' is already defined at {where}"
    diagnostics.append(Diagnostic(source.name, line, col, dotted(key), message))


class _Locator:
    """Turns a path in the merged config into the file, line and column it came from."""

    def __init__(self, sources: list[_Source], owners: Owners) -> None:
        self.sources = sources
        self.owners = owners

    def place(self, loc: Loc, *, at_key: bool = False) -> tuple[str, int, int]:
        parts = tuple(str(p) if not isinstance(p, int) else p for p in loc)
        owner = self.owners.get(tuple(map(str, parts[:2]))) or self.owners.get((str(parts[0]),) if parts else ())
        if owner is None:
            owner = self.sources[0] if self.sources else None
            if owner is None:
                return ("<config>", 1, 1)
            return (owner.name, 1, 1)
        return (owner.name, *owner.document.locate(parts, at_key=at_key))

    def diagnostic(self, finding: Finding) -> Diagnostic:
        name, line, col = self.place(finding.loc, at_key=finding.at_key)
        message = finding.message
        if finding.related is not None:
            message = message.replace("{related}", "{}:{}:{}".format(*self.place(finding.related)))
        return Diagnostic(name, line, col, dotted(finding.loc), message, finding.severity)


def _structural(exc: ValidationError, locator: _Locator) -> list[Diagnostic]:
    diagnostics = []
    for error in exc.errors(include_url=False):
        message, at_key = explain(error)
        loc = tuple(part for part in error["loc"] if not _is_internal(part))
        diagnostics.append(locator.diagnostic(Finding(loc, message, at_key=at_key)))
    return diagnostics


def _is_internal(part: int | str) -> bool:
    # Pydantic names union members and validators in `loc`; users never wrote those.
    return isinstance(part, str) and (part.startswith(("function-", "union[")) or part in ("SecretRef",))
