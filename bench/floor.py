"""The "bare C parse" floor: parse every YAML file of a config dir with libyaml, nothing else.

    python bench/floor.py [--events] DIR

Timed as a whole process (interpreter start, ``import yaml``, every ``*.yaml`` / ``*.yml`` below
DIR in sorted order), so it is comparable to a whole ``provisioner`` process. No positions, no
merging, no validation.

* default: ``yaml.load(f, Loader=yaml.CSafeLoader)``: libyaml parses and composes in C, then
  PyYAML's (pure Python) SafeConstructor builds the dicts and lists;
* ``--events``: only iterate libyaml's event stream (``yaml.parse`` with CSafeLoader), building
  nothing: the lower bound for any loader that builds its values from the events itself.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file())


def load(path: Path) -> None:
    with path.open("rb") as handle:
        yaml.load(handle, Loader=yaml.CSafeLoader)


def scan_events(path: Path) -> None:
    with path.open("rb") as handle:
        for _ in yaml.parse(handle, Loader=yaml.CSafeLoader):
            pass


def main(argv: list[str]) -> int:
    events = argv[:1] == ["--events"]
    args = argv[1:] if events else argv
    if len(args) != 1:
        sys.stderr.write("usage: python bench/floor.py [--events] DIR\n")
        return 2
    files = yaml_files(Path(args[0]))
    for path in files:
        (scan_events if events else load)(path)
    return 0 if files else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
