"""The one place YAML is read: libyaml's C parser, our own constructor, positions kept.

libyaml composes the node tree in C; we build plain values from it in one tight pass (faster
than PyYAML's generic constructor) and keep the tree, so a position is looked up only when an
error needs one. The constructor is deliberately stricter and more predictable than YAML 1.1:

- mapping keys are always strings, exactly as written (employee id `10086` stays "10086");
- only true/false are booleans (no yes/no/on/off surprises), `12:30` stays a string instead of
  becoming the sexagesimal integer 750, and dates stay strings;
- sequences become tuples (the models are immutable);
- duplicate keys are errors, and alias expansion is bounded ("billion laughs").
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_ALIAS_EXPANSION = 1_000_000
ROOT = "(root)"

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_MERGE = "tag:yaml.org,2002:merge"
_DECIMAL = re.compile(r"^[-+]?(0|[1-9][0-9_]*)$")
_BOOLS = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}


@dataclass(frozen=True)
class Problem:
    """A problem found while reading one file, located by line and column (1-based)."""

    line: int
    col: int
    path: str
    message: str


class YamlProblems(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


@dataclass
class Document:
    """One parsed file: its plain data and the node tree that says where everything is."""

    data: Any
    root: yaml.Node
    _key_cache: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(default_factory=dict)

    def locate(self, path: tuple[str | int, ...], *, at_key: bool = False) -> tuple[int, int]:
        """(line, col) of the value at `path`, or of its key; the nearest ancestor if absent."""
        node, key_node = self.root, None
        for part in path:
            found = self._child(node, part)
            if found is None:
                break
            key_node, node = found
        target = key_node if at_key and key_node is not None else node
        return target.start_mark.line + 1, target.start_mark.column + 1

    def _child(self, node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            return (None, node.value[part]) if 0 <= part < len(node.value) else None
        if isinstance(node, yaml.MappingNode):
            return self._pairs(node).get(str(part))
        return None

    def _pairs(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        cached = self._key_cache.get(id(node))
        if cached is None:
            cached = {}
            for key, value in node.value:
                if key.tag == _MERGE:
                    for merged in _merge_sources(value):
                        for name, pair in self._pairs(merged).items():
                            cached.setdefault(name, pair)
                elif isinstance(key, yaml.ScalarNode):
                    cached[key.value] = (key, value)
            self._key_cache[id(node)] = cached
        return cached


def parse(text: str) -> Document:
    """Parse one file's text; raise YamlProblems listing everything wrong with it."""
    loader = yaml.CSafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        raise YamlProblems([_syntax_problem(exc, text)]) from None
    finally:
        loader.dispose()
    if root is None:
        raise YamlProblems([Problem(1, 1, ROOT, "file is empty; expected a mapping of top-level sections")])
    builder = _Builder()
    try:
        data = builder.build(root)
    except _Abort:
        data = None
    if builder.problems:
        raise YamlProblems(_locate_problems(root, builder.problems))
    return Document(data, root)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
        return Problem(line, col, ROOT, "YAML syntax error: tab character; indent with spaces, not tabs")
    if "another document" in problem:
        return Problem(line, col, ROOT, "a file holds one YAML document; found a second one (---)")
    detail = f" ({exc.context})" if exc.context and "another document" not in problem else ""
    return Problem(line, col, ROOT, f"YAML syntax error: {problem}{detail}")


@dataclass
class _Issue:
    node: yaml.Node
    message: str
    at: yaml.Node
    whole_file: bool = False


_MISSING = object()


class _Abort(Exception):
    """Stop building at once: what is left cannot be trusted to be small."""


class _Builder:
    """Turns a composed node tree into dicts, tuples and scalars in one pass."""

    def __init__(self) -> None:
        self.problems: list[_Issue] = []
        self.expanded = 0  # every node built, aliases expanded: sizes subtrees
        self.through_aliases = 0  # the part of it reached through aliases: bounded
        self.memo: dict[int, Any] = {}
        self.sizes: dict[int, int] = {}

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return _scalar(node)
        known = self.memo.get(id(node), _MISSING)
        if known is not _MISSING:
            return self._reuse(node, known)
        before = self.expanded
        self.expanded += len(node.value)
        value = self._mapping(node) if isinstance(node, yaml.MappingNode) else self._sequence(node)
        self.memo[id(node)] = value
        self.sizes[id(node)] = self.expanded - before
        return value

    def _reuse(self, node: yaml.Node, value: Any) -> Any:
        # An alias: the value is shared, but what it expands to counts against the limit,
        # because every consumer downstream walks it again.
        size = self.sizes.get(id(node), 0)
        self.expanded += size
        self.through_aliases += size
        if self.through_aliases > MAX_ALIAS_EXPANSION:
            return self._too_big(node)
        return value

    def _too_big(self, node: yaml.Node) -> None:
        message = (
            f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes; refusing to expand "
            "them (a YAML alias bomb?)"
        )
        self.problems.append(_Issue(node, message, node, whole_file=True))
        raise _Abort

    def _sequence(self, node: yaml.SequenceNode) -> tuple[Any, ...]:
        build = self.build
        return tuple([build(item) for item in node.value])

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        seen: dict[str, yaml.Node] = {}
        merged: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                for source in _merge_sources(value_node):
                    built = self.build(source)
                    if isinstance(built, dict):
                        for name, value in built.items():
                            merged.setdefault(name, value)
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(_Issue(node, "mapping keys must be plain strings", key_node))
                continue
            key = key_node.value
            if key in seen:
                first = seen[key].start_mark
                where = f"{first.line + 1}:{first.column + 1}"
                self.problems.append(
                    _Issue(node, f"duplicate key {key!r} (first defined at line {where})", key_node)
                )
                continue
            seen[key] = key_node
            result[key] = self.build(value_node)
        if merged:
            return {**merged, **result}
        return result


def _merge_sources(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return [item for item in node.value if isinstance(item, yaml.MappingNode)]
    return [node] if isinstance(node, yaml.MappingNode) else []


def _scalar(node: yaml.ScalarNode) -> Any:
    tag, text = node.tag, node.value
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return _BOOLS.get(text, text)
    if tag == _INT:
        return _integer(text)
    if tag == _FLOAT:
        return _float(text)
    return text


def _integer(text: str) -> int | str:
    if _DECIMAL.match(text):
        return int(text.replace("_", ""))
    try:
        if text.startswith(("0x", "-0x", "+0x")):
            return int(text.replace("_", ""), 16)
        if text.startswith(("0b", "-0b", "+0b")):
            return int(text.replace("_", ""), 2)
    except ValueError:
        return text
    return text  # sexagesimal (12:30) and YAML 1.1 octal stay as written


def _float(text: str) -> float | str:
    lowered = text.lower().lstrip("+")
    if lowered in (".inf", "-.inf", ".nan"):
        return float(lowered.replace(".", ""))
    if ":" in text:
        return text
    try:
        return float(text.replace("_", ""))
    except ValueError:
        return text


def _locate_problems(root: yaml.Node, issues: list[_Issue]) -> list[Problem]:
    paths = dict(_walk_paths(root, ()))
    problems = []
    for issue in issues:
        path = () if issue.whole_file else paths.get(id(issue.node), ())
        key = issue.at.value if isinstance(issue.at, yaml.ScalarNode) else None
        if issue.at is not issue.node and key is not None:
            path = (*path, key)
        mark = issue.at.start_mark
        problems.append(Problem(mark.line + 1, mark.column + 1, dotted(path), issue.message))
    return problems


def _walk_paths(node: yaml.Node, path: tuple[str | int, ...]) -> Iterator[tuple[int, tuple[str | int, ...]]]:
    # Only runs when something is wrong; each node is visited once even behind aliases.
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(node, path)]
    seen: set[int] = set()
    while stack:
        current, where = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield id(current), where
        if isinstance(current, yaml.MappingNode):
            stack.extend(
                (value, (*where, key.value))
                for key, value in current.value
                if isinstance(key, yaml.ScalarNode)
            )
        elif isinstance(current, yaml.SequenceNode):
            stack.extend((item, (*where, index)) for index, item in enumerate(current.value))


def dotted(path: tuple[str | int, ...]) -> str:
    """agents.wang.xiaoming.accounts[0].shop: how every error names a place."""
    if not path:
        return ROOT
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
