"""The package's shape, enforced: data flows one way, and boundary libraries stay in one room.

Every `provisioner/**/*.py` is read with `ast` (nothing is imported), so a module that does not
exist yet cannot break this test, and one added later is checked from its first commit.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "provisioner"

# DESIGN §6 / STYLE "One direction": a module imports only from its own layer or earlier ones.
# Names sharing a tuple are siblings: neither may import the other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("printable",),
    ("errors",),
    ("files",),
    ("resources",),
    ("platforms",),
    ("catalog",),
    ("model",),
    ("secrets", "egress"),
    ("config", "state"),
    ("wire",),
    ("emulators",),
    ("connectors",),
    ("plan",),
    ("tasks",),
    ("apply", "render", "run", "notify"),
    ("cli",),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
ROOT = ""  # `provisioner/__init__.py`: the version; anyone may import it

# Boundary libraries and the only places that may import them.
QUARANTINE = {
    "yaml": ("provisioner/config/yamlsource.py",),
    "jsonschema": ("provisioner/config/schema.py",),
    "click": ("provisioner/cli/",),
    "httpx": ("provisioner/connectors/http.py", "provisioner/notify/webhook.py"),
    "psycopg": ("provisioner/state/postgres.py",),
    "jinja2": ("provisioner/render/html.py",),
}


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repository, e.g. provisioner/plan/diff.py
    line: int
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted (`provisioner.x.y` or a third-party name)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.module} imports {self.target}"


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def imports(path: Path, package: Path = PACKAGE) -> tuple[Import, ...]:
    """Every import in `path`, anywhere in it (function-level and TYPE_CHECKING ones too)."""
    name = module_name(path, package)
    parent = name if path.name == "__init__.py" else name.rpartition(".")[0]
    file = path.relative_to(package.parent).as_posix()
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.extend(Import(file, node.lineno, name, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, parent)
            found.extend(
                Import(file, node.lineno, name, _target(base, alias.name, package))
                for alias in node.names
            )
    return tuple(sorted(found, key=lambda i: i.line))


def _absolute(node: ast.ImportFrom, package: str) -> str:
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = ".".join(parts[: len(parts) - node.level + 1])
    return f"{base}.{node.module}" if node.module else base


def _target(base: str, name: str, package: Path) -> str:
    # `from provisioner import errors` imports a module; `from provisioner import __version__`
    # a name from the package itself.
    candidate = package.parent / Path(*f"{base}.{name}".split("."))
    if candidate.is_dir() or candidate.with_suffix(".py").is_file():
        return f"{base}.{name}"
    return base


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ROOT


def internal_imports() -> list[Import]:
    return [
        i for path in modules() for i in imports(path) if i.target.split(".")[0] == "provisioner"
    ]


def test_the_scan_sees_the_package() -> None:
    found = {layer(i.module) for i in internal_imports()}
    assert {"config", "cli"} <= found
    assert any(i.target == "provisioner.model" for i in internal_imports())


def test_every_top_level_module_has_a_layer() -> None:
    unplaced = sorted({layer(module_name(path)) for path in modules()} - set(RANK) - {ROOT})
    assert unplaced == [], f"add these to LAYERS in {Path(__file__).name}: {unplaced}"


def against_the_flow(found: list[Import]) -> list[str]:
    violations = []
    for each in found:
        source, target = layer(each.module), layer(each.target)
        if target in (ROOT, source) or source not in RANK or target not in RANK:
            continue
        if RANK[target] == RANK[source]:
            violations.append(f"{each} (siblings: {source} and {target} are independent)")
        elif RANK[target] > RANK[source]:
            violations.append(f"{each} ({target} comes after {source})")
    return violations


def test_imports_flow_one_way() -> None:
    violations = against_the_flow(internal_imports())
    assert violations == [], "\n".join(violations)


def test_the_flow_rule_flags_backward_and_sibling_imports() -> None:
    def imp(module: str, target: str) -> Import:
        return Import("f.py", 1, module, target)

    allowed = [
        imp("provisioner.plan.diff", "provisioner.config.loader"),
        imp("provisioner.config.loader", "provisioner.config.checks"),
        imp("provisioner.cli.main", "provisioner"),
    ]
    flagged = [
        imp("provisioner.model", "provisioner.plan.model"),
        imp("provisioner.config.loader", "provisioner.state.store"),
        imp("provisioner.render.text", "provisioner.apply.executor"),
    ]
    assert against_the_flow(allowed) == []
    assert len(against_the_flow(flagged)) == 3


def test_the_package_root_imports_nothing_of_its_own() -> None:
    root = [i for i in internal_imports() if layer(i.module) == ROOT]
    assert root == []


def test_nothing_imports_the_cli() -> None:
    violations = [
        str(i) for i in internal_imports() if layer(i.target) == "cli" and layer(i.module) != "cli"
    ]
    assert violations == [], "\n".join(violations)


@pytest.mark.parametrize("library", sorted(QUARANTINE))
def test_boundary_libraries_stay_in_their_module(library: str) -> None:
    allowed = QUARANTINE[library]
    violations = [
        str(found)
        for path in modules()
        for found in imports(path)
        if found.target.split(".")[0] == library and not found.file.startswith(allowed)
    ]
    assert violations == [], f"{library} belongs in {', '.join(allowed)} only:\n" + "\n".join(
        violations
    )


def test_the_checker_catches_what_it_should(tmp_path: Path) -> None:
    # The rules above pass vacuously if the scan finds nothing: prove it parses each form.
    source = tmp_path / "provisioner" / "plan" / "x.py"
    source.parent.mkdir(parents=True)
    (tmp_path / "provisioner" / "plan" / "__init__.py").write_text("")
    source.write_text(
        "import yaml\n"
        "from provisioner.cli import main\n"
        "from . import sibling\n"
        "from ..errors import ProvisionerError\n"
        "def f():\n"
        "    import click\n",
        encoding="utf-8",
    )
    targets = [i.target for i in imports(source, tmp_path / "provisioner")]
    assert targets == ["yaml", "provisioner.cli", "provisioner.plan", "provisioner.errors", "click"]
