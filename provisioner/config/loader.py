"""Load a config file or directory: read every file, merge, validate, check, locate every error.

Every error of a run is reported at once. A file that cannot be read at all (a syntax error)
stops the run after all files are read: with part of the config missing, references into it
cannot be judged. Anything else goes on: an entry the models reject is left out of the semantic
checks, and references to it are not reported as unknown (see `prune`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from provisioner.config import parsecache
from provisioner.config.checks import Checker, Finding, Loc, Unchecked
from provisioner.config.credentials import credential_findings
from provisioner.config.explain import explain
from provisioner.config.heap import paused_gc
from provisioner.config.prune import SECTIONS, Pruned, prune
from provisioner.config.suggest import closest
from provisioner.config.yamlsource import ROOT, Document, YamlProblems, dotted, parse
from provisioner.errors import ConfigError, Diagnostic, ProvisionerError
from provisioner.model import Config

_SHAPE = f"expected a mapping of top-level sections ({', '.join(SECTIONS)})"


@dataclass(frozen=True)
class LoadedConfig:
    """A valid configuration, where it came from, and the warnings found on the way."""

    config: Config
    files: tuple[Path, ...]
    base_dir: Path
    warnings: tuple[Diagnostic, ...]
    digest: str
    source: Path = Path(".")  # the file or directory as given: what a saved plan reloads
    # Where a path of the merged config was written, for errors found after loading (plan).
    place: Callable[[Loc, bool], tuple[str, int, int]] | None = field(
        default=None, compare=False, repr=False
    )

    def diagnostic(self, loc: Loc, message: str, *, at_key: bool = False) -> Diagnostic:
        """An error about the config at `loc`, as `FILE:LINE:COL: dotted.path: message`."""
        name, line, col = self.place(loc, at_key) if self.place else ("<config>", 1, 1)
        return Diagnostic(name, line, col, dotted(loc), message)


@dataclass
class _Source:
    name: str
    document: Document


def load_config(path: Path) -> LoadedConfig:
    """Read `path` (a file, or every *.yaml/*.yml below a directory); raise ConfigError on errors."""
    files = discover(path)
    with paused_gc():
        root = path if path.is_dir() else path.parent
        sources, diagnostics, readable, digest = _read_all(files, root)
        merged, owners, empty = _merge(sources, diagnostics)
        if not readable:
            raise ConfigError(diagnostics)
        locator = _Locator(sources, owners)
        config, pruned = _validate(Pruned(merged, Unchecked(sections=empty)), locator, diagnostics)
        findings = [
            locator.diagnostic(pruned.original_finding(found))
            for found in Checker(config, pruned.unchecked, root).run()
        ]
        if config is not None:  # where credentials go is checked before any is read
            findings += [
                locator.diagnostic(pruned.original_finding(found))
                for found in credential_findings(config, root)
            ]
    diagnostics.extend(d for d in findings if d.severity == "error")
    if diagnostics or config is None:
        raise ConfigError(diagnostics)
    warnings = tuple(sorted(d for d in findings if d.severity == "warning"))
    return LoadedConfig(
        config,
        tuple(files),
        root,
        warnings,
        digest,
        path,
        lambda loc, at_key: locator.place(loc, at_key=at_key),
    )


def located(loaded: LoadedConfig, findings: Iterable[Finding]) -> ConfigError:
    """Findings made after loading (at plan time: what a platform says about the config), as
    one ConfigError whose every line has the file, line and column it names. The files are
    read again for their positions: only this error path pays for it."""
    sources, _, _, _ = _read_all(loaded.files, loaded.base_dir)
    _, owners, _ = _merge(sources, [])
    locator = _Locator(sources, owners)
    return ConfigError(locator.diagnostic(finding) for finding in findings)


def discover(path: Path) -> list[Path]:
    """The files a config consists of, in merge order; hidden files and folders are skipped."""
    if path.is_file():
        return [path]
    if not path.exists():
        raise ProvisionerError(f"config path does not exist: {display(path)}{_nearby(path)}")
    files = sorted(
        file
        for file in path.rglob("*")
        if file.suffix in (".yaml", ".yml")
        and file.is_file()
        and not any(part.startswith(".") for part in file.relative_to(path).parts)
    )
    if not files:
        raise ProvisionerError(
            f"no *.yaml or *.yml files in config directory {display(path)} (or below it)"
        )
    return files


def _nearby(path: Path) -> str:
    try:
        siblings = [
            entry.name
            for entry in path.parent.iterdir()
            if entry.is_dir() or entry.suffix in (".yaml", ".yml")
        ]
    except OSError:
        return ""
    close = closest(path.name, siblings)
    return f"; did you mean '{display(path.parent / close)}'?" if close else ""


def display(path: Path) -> str:
    """A path as the user typed it or relative to where they stand."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def _read_all(
    files: Iterable[Path], root: Path
) -> tuple[list[_Source], list[Diagnostic], bool, str]:
    """Every file parsed: the usable ones, every problem, whether all were usable, the digest.

    The digest covers each file's name relative to the config, not to the working directory:
    a saved plan must not look stale because apply runs from elsewhere. Files whose content is
    in the parse cache are not parsed again (see `parsecache`).
    """
    sources: list[_Source] = []
    diagnostics: list[Diagnostic] = []
    readable = True
    digest = hashlib.sha256()
    cache_file = parsecache.cache_path(root)
    cached = parsecache.load(cache_file)
    fresh: dict[bytes, object] = {}
    for file in files:
        name = display(file)
        raw = file.read_bytes()
        digest.update(file.relative_to(root).as_posix().encode() + b"\0" + raw + b"\0")
        key = parsecache.content_key(raw)
        try:
            text = _decode(raw)
            document = Document(cached[key], text) if key in cached else parse(text)
        except _NotUtf8 as exc:
            diagnostics.append(Diagnostic(name, exc.line, exc.col, ROOT, str(exc)))
            readable = False
            continue
        except YamlProblems as exc:
            problems = exc.problems
            diagnostics.extend(Diagnostic(name, p.line, p.col, p.path, p.message) for p in problems)
            readable = False
            continue
        diagnostics.extend(
            Diagnostic(name, p.line, p.col, p.path, p.message) for p in document.problems
        )
        if not isinstance(document.data, dict):
            kind = "a list" if isinstance(document.data, tuple) else "a single value"
            line, col = document.locate(())
            diagnostics.append(Diagnostic(name, line, col, ROOT, f"the file is {kind}; {_SHAPE}"))
            readable = False
            continue
        if not document.problems:  # only clean files: a problem's position is found afresh
            fresh[key] = document.data
        sources.append(_Source(name, document))
    if fresh.keys() != cached.keys():
        parsecache.save(cache_file, fresh)
    return sources, diagnostics, readable, "sha256:" + digest.hexdigest()


class _NotUtf8(Exception):
    def __init__(self, line: int, col: int, byte: int) -> None:
        super().__init__(
            f"file is not valid UTF-8 (byte 0x{byte:02X}; saved as GBK or Latin-1?); "
            "save it as UTF-8"
        )
        self.line, self.col = line, col


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        line_start = before.rfind(b"\n") + 1
        col = len(before[line_start:].decode("utf-8", "replace")) + 1
        raise _NotUtf8(line, col, raw[exc.start]) from None


Owners = dict[tuple[str, ...], _Source]


def _merge(
    sources: list[_Source], diagnostics: list[Diagnostic]
) -> tuple[dict[str, Any], Owners, frozenset[str]]:
    """One mapping from many files: sections merge by key; a key defined twice is an error.

    Also returns the sections left empty (null) somewhere: what they held cannot be known.
    """
    merged: dict[str, Any] = {}
    owners: Owners = {}
    empty: set[str] = set()
    for source in sources:
        for section, value in source.document.data.items():
            if value is None and section in SECTIONS[1:]:
                # `agents:` with every entry commented out: say so, rather than "already defined"
                # when another file holds the section.
                line, col = source.document.locate((section,), at_key=True)
                message = "expected a mapping, got nothing (null); write {} for an empty one"
                diagnostics.append(Diagnostic(source.name, line, col, section, message))
                empty.add(section)
                continue
            mergeable = isinstance(value, dict) and isinstance(merged.get(section, {}), dict)
            if not mergeable or section not in merged:
                _claim(owners, (section,), source, diagnostics, merged, value)
            if mergeable:
                target = merged.setdefault(section, {})
                for key, item in value.items():
                    _claim(owners, (section, key), source, diagnostics, target, item)
    return merged, owners, frozenset(empty)


def _claim(
    owners: Owners, key: tuple[str, ...], source: _Source, diagnostics: list[Diagnostic],
    target: dict[str, Any], value: Any,
) -> None:  # fmt: skip
    first = owners.setdefault(key, source)
    if first is source:
        target[key[-1]] = value
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
        parts = tuple(part if isinstance(part, int) else str(part) for part in loc)
        owner = self.owners.get(tuple(map(str, parts[:2]))) or self.owners.get(
            tuple(map(str, parts[:1]))
        )
        if owner is None:
            if not self.sources:
                return ("<config>", 1, 1)
            return (self.sources[0].name, 1, 1)
        return (owner.name, *owner.document.locate(parts, at_key=at_key))

    def diagnostic(self, finding: Finding) -> Diagnostic:
        name, line, col = self.place(finding.loc, at_key=finding.at_key)
        message = finding.message
        if finding.related is not None:
            message = message.replace("{related}", "{}:{}:{}".format(*self.place(finding.related)))
        return Diagnostic(name, line, col, dotted(finding.loc), message, finding.severity)


def _validate(
    pruned: Pruned, locator: _Locator, diagnostics: list[Diagnostic]
) -> tuple[Config | None, Pruned]:
    """The Config, with every error the models find reported and its entry left out."""
    for attempt in range(4):
        try:
            return Config.model_validate(pruned.data), pruned
        except ValidationError as exc:
            if attempt == 0:
                diagnostics.extend(_structural(exc, locator))
            errors = exc.errors()
            unknown = [_user_loc(e["loc"]) for e in errors if e["type"] == "extra_forbidden"]
            rest = [_user_loc(e["loc"]) for e in errors if e["type"] != "extra_forbidden"]
            pruned = prune(pruned, rest, unknown)
    return None, pruned


def _structural(exc: ValidationError, locator: _Locator) -> list[Diagnostic]:
    errors = exc.errors(include_url=False)
    misspelt = _misspelt_keys(errors)
    inside = {_user_loc(error["loc"])[:-1] for error in errors}
    diagnostics = []
    for error in errors:
        loc = _user_loc(error["loc"])
        if error["type"] == "missing" and loc in misspelt:
            continue  # `nickame: x` is reported once, as a typo, not also as a missing key
        if error["type"] == "too_short" and any(p[: len(loc)] == loc for p in inside):
            continue  # pydantic counts items after validation: a bad item also "shortens" it
        message, at_key = explain(error)
        diagnostics.append(locator.diagnostic(Finding(loc, message, at_key=at_key)))
    return diagnostics


def _misspelt_keys(errors: list[ErrorDetails]) -> set[Loc]:
    """Required keys that are missing because an unknown key beside them is their typo."""
    unknown: dict[Loc, list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden":
            loc = _user_loc(error["loc"])
            unknown.setdefault(loc[:-1], []).append(str(loc[-1]))
    found = set()
    for error in errors:
        loc = _user_loc(error["loc"])
        if error["type"] == "missing" and any(
            closest(typo, [str(loc[-1])]) for typo in unknown.get(loc[:-1], [])
        ):
            found.add(loc)
    return found


def _user_loc(loc: tuple[int | str, ...]) -> Loc:
    # Pydantic names union members and validators in `loc`; users never wrote those.
    return tuple(part for part in loc if not _is_internal(part))


def _is_internal(part: int | str) -> bool:
    return isinstance(part, str) and (
        part.startswith(("function-", "union[")) or part in ("SecretRef",)
    )
