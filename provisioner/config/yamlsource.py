"""The one place YAML is read: libyaml's C parser, our own builder, positions kept.

libyaml parses in C; we build plain values straight from its event stream in one iterative
pass. Skipping PyYAML's node tree and generic constructor is what keeps loading close to the
bare C parse, and building with an explicit stack (instead of PyYAML's recursive composer,
which overflows the C stack on a few thousand nested brackets) bounds nesting safely. Positions
of values are looked up only when an error needs one: the file is then composed once more.

The builder is deliberately stricter and more predictable than YAML 1.1:

- mapping keys are always strings, exactly as written (employee id `10086` stays "10086");
- only true/false are booleans (no yes/no/on/off surprises), `12:30` stays a string instead of
  becoming the sexagesimal integer 750, dates and octal-looking numbers stay strings;
- sequences become tuples (the models are immutable);
- duplicate keys are errors; nesting depth and alias expansion ("billion laughs") are bounded;
- one document per file; YAML tags other than the standard scalar/collection ones are errors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, NoReturn, cast

import yaml
from yaml._yaml import CParser  # what yaml.CSafeLoader is built on

MAX_DEPTH = 100  # a config is about 8 levels deep; PyYAML's C composer crashes near 25,000
MAX_ALIAS_EXPANSION = 1_000_000  # nodes reached through aliases, counted as if copied
MAX_NUMBER_DIGITS = 100  # no setting needs more; Python refuses to convert more than 4,300
ROOT = "(root)"

Path = tuple[str | int, ...]

_STANDARD_TAG = "tag:yaml.org,2002:"
_COLLECTION_TAGS = frozenset({_STANDARD_TAG + "map", _STANDARD_TAG + "seq"})
_KEYWORDS: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NUMERIC_START = frozenset("-+.0123456789")
_DECIMAL = re.compile(r"[-+]?(?:0|[1-9][0-9_]*)")
# At least one digit after 0x / 0b: `0x` or `0x_` alone is text, as in YAML 1.1.
_HEX_OR_BINARY = re.compile(r"[-+]?0(?:x_*[0-9a-fA-F][0-9a-fA-F_]*|b_*[01][01_]*)")
_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)


@dataclass(frozen=True)
class Problem:
    """A problem found while reading one file, located by line and column (1-based)."""

    line: int
    col: int
    path: str
    message: str


class YamlProblems(Exception):
    """The file cannot be used at all (syntax, shape, limits); `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems[0].message)
        self.problems = problems


@dataclass
class Document:
    """One parsed file: its plain data, its text (for positions) and its non-fatal problems.

    A non-fatal problem (a duplicate key) leaves usable data behind: the first definition wins,
    so the rest of the configuration can still be checked and every error reported at once.
    """

    data: Any
    text: str
    problems: tuple[Problem, ...] = ()
    _root: yaml.Node | None = field(default=None, repr=False)
    _pairs_cache: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, repr=False
    )

    def locate(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """(line, col) of the value at `path`, or of its key; the nearest ancestor if absent."""
        node: yaml.Node = self._tree()
        key_node: yaml.Node | None = None
        for part in path:
            found = self._child(node, part)
            if found is None:
                break
            key_node, node = found
        target = key_node if at_key and key_node is not None else node
        mark = target.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def _tree(self) -> yaml.Node:
        # Composed on demand: only files with an error pay for it. Safe, because `parse`
        # already refused anything nested deeper than MAX_DEPTH.
        if self._root is None:
            loader = _Composer(self.text)
            try:
                self._root = loader.get_single_node()
            except yaml.YAMLError:  # `parse` refuses what PyYAML's composer does; just in case
                self._root = None
            finally:
                loader.dispose()
            self._root = self._root or yaml.ScalarNode("?", "")
        return self._root

    def _child(self, node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
        if isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            return (None, node.value[part]) if 0 <= part < len(node.value) else None
        if isinstance(node, yaml.MappingNode):
            return self._pairs(node).get(str(part))
        return None

    def _pairs(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        cached = self._pairs_cache.get(id(node))
        if cached is None:
            cached, merged = {}, []
            for key, value in node.value:
                if _is_merge_key(key):
                    merged.extend(_merge_sources(value))
                elif isinstance(key, yaml.ScalarNode):
                    cached.setdefault(key.value, (key, value))
            for source in merged:
                for name, pair in self._pairs(source).items():
                    cached.setdefault(name, pair)
            self._pairs_cache[id(node)] = cached
        return cached


class _Composer(CParser):
    """libyaml's composer with type resolution switched off: only positions are wanted here.

    The resolver hooks are called for every node; bound `str.format` methods are the cheapest
    callables that accept any arguments.
    """

    resolve = "?".format
    descend_resolver = "".format
    ascend_resolver = "".format


# What YAML 1.1 and libyaml accept in a stream (tab, newlines, printable Unicode); anything else
# makes libyaml raise a ReaderError that knows only a character offset. Written as the complement
# of that set: the same characters (checked over all of Unicode), a tenth of the compile time.
_UNPRINTABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]"
)


def parse(text: str) -> Document:
    """Parse one file's text; raise YamlProblems when nothing in it can be trusted."""
    unprintable = _UNPRINTABLE.search(text)
    if unprintable is not None:
        raise YamlProblems([_unprintable_problem(text, unprintable.start())])
    builder = _Builder(text)
    data = builder.run()
    if builder.fatal:
        raise YamlProblems(builder.fatal)
    document = Document(data, text)
    if builder.duplicates:
        document.problems = tuple(_duplicate_problem(document, *dup) for dup in builder.duplicates)
    return document


def _unprintable_problem(text: str, index: int) -> Problem:
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    code = ord(text[index])
    kind = "control character" if code < 0x20 or 0x7F <= code <= 0x9F else "character"
    more = len(_UNPRINTABLE.findall(text, index + 1))
    tail = f" ({more} more in this file)" if more else ""
    return Problem(line, col, "", f"{kind} U+{code:04X} is not allowed in YAML{tail}")


def _duplicate_problem(document: Document, path: Path, line: int, col: int) -> Problem:
    first_line, first_col = _first_key_position(document, path)
    message = f"duplicate key '{path[-1]}' (first defined at line {first_line}:{first_col})"
    return Problem(line, col, dotted(path), message)


def _first_key_position(document: Document, path: Path) -> tuple[int, int]:
    # `_pairs` keeps the first of duplicate keys, so this finds the earlier definition.
    return document.locate(path, at_key=True)


class _Abort(Exception):
    """Stop building at once: the rest of the file cannot be trusted."""


@dataclass(slots=True)
class _Frame:
    """A collection being built: its container, where it is, and what its next value is for."""

    container: Any
    is_map: bool
    parent: _Frame | None
    at: str | int | None  # this collection's key or index in its parent
    anchor: str | None
    start: int  # the builder's node count when this collection began: sizes anchors
    key: str | None = None
    merges: list[Any] | None = None
    merge_at: tuple[int, int] = (1, 1)

    @property
    def path(self) -> Path:
        # Walked only when a message needs it, not stored: most files have no errors.
        parts: list[str | int] = []
        frame: _Frame | None = self
        while frame is not None and frame.parent is not None and frame.at is not None:
            parts.append(frame.at)
            frame = frame.parent
        return tuple(reversed(parts))


_IN_PROGRESS = object()
_SECRET_HINT = "; write a secret as {env: NAME} or {file: PATH}"
_TAG_HINTS = {
    "!env": _SECRET_HINT,
    "!file": _SECRET_HINT,
    "!secret": _SECRET_HINT,
    "!include": "; a config directory merges every *.yaml file in it instead",
}


class _Builder:
    """Turns libyaml's event stream into dicts, tuples and scalars in one iterative pass."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.fatal: list[Problem] = []
        self.duplicates: list[tuple[Path, int, int]] = []
        self.anchors: dict[str, Any] = {}  # name -> (value, size) or _IN_PROGRESS
        self.anchor_marks: dict[str, tuple[int, int]] = {}
        self.nodes = 0  # every node built, aliases counted at their expanded size
        self.through_aliases = 0  # the part of `nodes` reached through aliases: bounded
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.documents = 0

    def run(self) -> Any:
        parser = CParser(self.text)
        try:
            self._events(parser)
        except yaml.MarkedYAMLError as exc:
            self.fatal.append(_syntax_problem(exc, self.text, _named(self._path())))
        except _Abort:
            pass
        finally:
            parser.dispose()
        if not self.fatal and self.root is None:
            message = "file is empty (or only comments); expected a mapping of top-level sections"
            self.fatal.append(Problem(1, 1, ROOT, message))
        return self.root

    def _events(self, parser: CParser) -> None:
        get_event = parser.get_event
        while (event := get_event()) is not None:
            if isinstance(event, yaml.ScalarEvent):
                self._scalar(event)
            elif isinstance(event, yaml.CollectionStartEvent):
                self._start(event, isinstance(event, yaml.MappingStartEvent))
            elif isinstance(event, yaml.CollectionEndEvent):
                self._end()
            elif isinstance(event, yaml.AliasEvent):
                self._alias(event)
            elif isinstance(event, yaml.DocumentStartEvent):
                self._document(event)

    def _document(self, event: yaml.Event) -> None:
        self.documents += 1
        if self.documents > 1:
            message = (
                "a second YAML document (---) in one file; remove the '---' line, "
                "or move what follows into a file of its own"
            )
            self._stop(event, ROOT, message)

    def _scalar(self, event: yaml.ScalarEvent) -> None:
        frame = self.stack[-1] if self.stack else None
        self.nodes += 1
        if frame is not None and frame.is_map and frame.key is None:
            self._key(frame, event)
            return
        if event.tag is None:
            value = event.value if event.style else _plain(event.value)
        else:
            value = self._tagged(event, event.tag)
        if event.anchor is not None:
            self._anchor(event, (value, 1))
        self._add(frame, value)

    def _tagged(self, event: yaml.ScalarEvent, tag: str) -> Any:
        if tag in ("!", _STANDARD_TAG + "str"):
            return event.value
        if tag in (_STANDARD_TAG + "int", _STANDARD_TAG + "float", _STANDARD_TAG + "bool"):
            return _plain(event.value)
        if tag == _STANDARD_TAG + "null":
            return None
        return self._bad_tag(event, tag)

    def _bad_tag(self, event: yaml.Event, tag: str) -> NoReturn:
        shown = tag.replace(_STANDARD_TAG, "!!")
        hint = _TAG_HINTS.get(shown, "")
        self._stop(event, self._path(), f"YAML tag '{shown}' is not supported{hint}")

    def _key(self, frame: _Frame, event: yaml.ScalarEvent) -> None:
        key = event.value
        if key == "<<" and not event.style:
            frame.key = _MERGE
            frame.merge_at = self._mark(event)
            if frame.merges is None:
                frame.merges = []
            return
        if key in frame.container:
            self.duplicates.append(((*frame.path, key), *self._mark(event)))
            key = _Duplicate(key)  # built, then dropped: the first definition wins
        frame.key = key

    def _start(self, event: yaml.CollectionStartEvent, is_map: bool) -> None:
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_map and parent.key is None:
            self._stop(event, self._path(), "a key must be a plain name, not a list or mapping")
        if event.tag is not None and event.tag != "!" and event.tag not in _COLLECTION_TAGS:
            self._bad_tag(event, event.tag)
        if len(self.stack) >= MAX_DEPTH:
            message = f"nested deeper than {MAX_DEPTH} levels; a configuration never needs that"
            self._stop(event, _outer(self._path()), message)
        self.nodes += 1
        at = None if parent is None else parent.key if parent.is_map else len(parent.container)
        frame = _Frame({} if is_map else [], is_map, parent, at, event.anchor, self.nodes)
        if event.anchor is not None:
            self._anchor(event, _IN_PROGRESS)
        self.stack.append(frame)

    def _anchor(self, event: yaml.NodeEvent, value: Any) -> None:
        name = str(event.anchor)
        if name in self.anchor_marks:
            first = "{}:{}".format(*self.anchor_marks[name])
            message = f"anchor &{name} is defined twice (first at line {first}); rename one"
            self._stop(event, self._path(), message)
        self.anchor_marks[name] = self._mark(event)
        self.anchors[name] = value

    def _end(self) -> None:
        frame = self.stack.pop()
        value: Any
        if frame.is_map:
            value = frame.container
            if frame.merges:
                value = _merged(frame.merges, value)
        else:
            value = tuple(frame.container)
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (value, self.nodes - frame.start + 1)
        self._add(self.stack[-1] if self.stack else None, value)

    def _alias(self, event: yaml.AliasEvent) -> None:
        name = str(event.anchor)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and frame.is_map and frame.key is None:
            self._stop(event, self._path(), f"an alias (*{name}) cannot be a key")
        known = self.anchors.get(name)
        if known is None:
            self._stop(event, self._path(), f"alias *{name} refers to no anchor &{name} above it")
        if known is _IN_PROGRESS:
            message = f"alias *{name} refers to a collection that contains it (a loop)"
            self._stop(event, self._path(), message)
        value, size = cast(tuple[Any, int], known)
        self.nodes += size
        self.through_aliases += size
        if self.through_aliases > MAX_ALIAS_EXPANSION:
            message = (
                f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes; refusing to expand "
                "them (a YAML alias bomb?)"
            )
            self._stop(event, self._path(), message)
        self._add(frame, value)

    def _add(self, frame: _Frame | None, value: Any) -> None:
        if frame is None:
            self.root = value
        elif not frame.is_map:
            frame.container.append(value)
        elif frame.key is _MERGE:  # a quoted "<<" is an ordinary key
            self._merge_value(frame, value)
        else:
            if not isinstance(frame.key, _Duplicate):
                frame.container[frame.key] = value
            frame.key = None

    def _merge_value(self, frame: _Frame, value: Any) -> None:
        frame.key = None
        sources = value if isinstance(value, tuple) else (value,)
        if not all(isinstance(source, dict) for source in sources):
            message = "'<<' merges a mapping or a list of mappings, e.g. <<: *defaults"
            self.fatal.append(Problem(*frame.merge_at, dotted((*frame.path, "<<")), message))
            raise _Abort
        if frame.merges is not None:  # always set with _MERGE
            frame.merges.extend(sources)

    def _path(self) -> Path:
        """Where the next value goes: the innermost collection's path plus its key or index."""
        if not self.stack:
            return ()
        frame = self.stack[-1]
        if frame.is_map:
            return (*frame.path, str(frame.key)) if frame.key is not None else frame.path
        return (*frame.path, len(frame.container))

    def _mark(self, event: yaml.Event) -> tuple[int, int]:
        mark = event.start_mark
        return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)

    def _stop(self, event: yaml.Event, path: Path | str, message: str) -> NoReturn:
        where = path if isinstance(path, str) else dotted(path)
        self.fatal.append(Problem(*self._mark(event), where, message))
        raise _Abort


def _named(path: Path) -> str:
    """Where the parser was, as far as names go: list positions are not trustworthy there."""
    while path and isinstance(path[-1], int):
        path = path[:-1]
    return dotted(path)


def _outer(path: Path) -> Path:
    """The path down to its first list index: enough to find a runaway nesting."""
    for index, part in enumerate(path):
        if isinstance(part, int):
            return path[: index + 1]
    return path


class _Duplicate(str):
    """A repeated key: its value is built (to keep the stream in step), then dropped."""


class _MergeKey(str):
    """The plain `<<` key: what follows is merged in. Compared by identity, never by text."""


_MERGE = _MergeKey("<<")


def _merged(sources: list[dict[str, Any]], own: dict[str, Any]) -> dict[str, Any]:
    # YAML merge keys: the mapping's own keys win, then earlier sources over later ones.
    result: dict[str, Any] = {}
    for source in sources:
        for name, value in source.items():
            result.setdefault(name, value)
    result.update(own)
    return result


class OversizedNumber:
    """An integer written with more digits than any configuration value can use.

    Kept out of Python's int (which refuses to convert, or print, more than 4,300 digits), so
    the models reject it as the wrong type, at its position, like any other misplaced value.
    """

    __slots__ = ("digits",)

    def __init__(self, digits: int) -> None:
        self.digits = digits


def _plain(text: str) -> Any:
    """An unquoted scalar's value: null, true/false, an integer, a float, or the text itself."""
    if text in _KEYWORDS:
        return _KEYWORDS[text]
    if text[0] not in _NUMERIC_START:
        return text
    if _DECIMAL.fullmatch(text) or _HEX_OR_BINARY.fullmatch(text):
        return _integer(text.replace("_", ""))
    if _FLOAT.fullmatch(text):
        lowered = text.lower().replace("_", "")
        return float(lowered.replace(".inf", "inf").replace(".nan", "nan"))
    return text  # 12:30, 2024-01-01, 0755, 1e3: kept as written


def _integer(text: str) -> int | OversizedNumber:
    digits = len(text.lstrip("+-").removeprefix("0x").removeprefix("0b"))
    return OversizedNumber(digits) if digits > MAX_NUMBER_DIGITS else int(text, 0)


def _is_merge_key(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.value == "<<" and not node.style


def _merge_sources(node: yaml.Node) -> list[yaml.MappingNode]:
    if isinstance(node, yaml.SequenceNode):
        return [item for item in node.value if isinstance(item, yaml.MappingNode)]
    return [node] if isinstance(node, yaml.MappingNode) else []


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, where: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    problem = exc.problem or "invalid YAML"
    if mark is not None and mark.index < len(text) and text[mark.index] == "\t":
        return Problem(line, col, where, "YAML syntax error: a tab character; indent with spaces")
    start = exc.context_mark
    if start is not None and exc.context in _UNCLOSED and start is not mark:
        # libyaml notices a missing ] or } only where something else begins, often lines
        # later; the fix belongs where the bracket was opened.
        message = f"YAML syntax error: {_UNCLOSED[exc.context]} is never closed ({problem} at {line}:{col})"
        return Problem(start.line + 1, start.column + 1, where, message)
    context = ""
    if exc.context and start is not None and (mark is None or start.index != mark.index):
        context = f" ({exc.context} that starts at line {start.line + 1}:{start.column + 1})"
    hint = next((hint for text, hint in _SYNTAX_HINTS if text in problem), "")
    return Problem(line, col, where, f"YAML syntax error: {problem}{context}{hint}")


# What usually causes libyaml's messages, in the words of someone editing a config.
_SYNTAX_HINTS = (
    ("cannot start any token", "; a value that starts with @ or ` must be quoted"),
    (
        "mapping values are not allowed",
        "; quote a value that contains ': ', or check the indentation",
    ),
    ("did not find expected key", "; check this line's indentation, or look for a stray ] or }"),
    ("expected '-' indicator", "; every item of a list starts with '- ' at the same indentation"),
    ("unknown escape character", "; in double quotes \\ starts an escape: use single quotes"),
)


_UNCLOSED = {
    "while parsing a flow sequence": "this [",
    "while parsing a flow mapping": "this {",
    "while scanning a quoted scalar": "this quoted string",
}


def dotted(path: Path) -> str:
    """agents.wang.xiaoming.accounts[0].shop: how every error names a place."""
    if not path:
        return ROOT
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
