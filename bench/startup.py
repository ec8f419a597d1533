"""Start-up on examples/acme next to the import floors of the libraries it is built on.

    python bench/startup.py [--runs N] [--provisioner LABEL=PATH ...]

Each round runs every command once, in turn, so a load that comes and goes hits them all alike
(rounds, not back-to-back repeats); the report gives medians of wall and CPU time. The floors are
what no change inside provisioner can go below: the interpreter, then `import` of the libraries
validate needs (pydantic's BaseModel and validators, click, PyYAML), then the HTTP stack a plan of
the sandbox shops adds (httpx, werkzeug, sqlite3). Every PATH is a `provisioner` executable;
its own interpreter (the `#!` line) runs the floors, so both sides use the same site-packages.
`PYTHONDONTWRITEBYTECODE` is removed, so bytecode is cached as on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ACME = Path(__file__).resolve().parent.parent / "examples" / "acme"
VALIDATE_LIBS = (
    "from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator; "
    "import click, yaml"
)
PLAN_LIBS = VALIDATE_LIBS + "; import httpx, werkzeug.wrappers, sqlite3"


def commands(provisioners: Sequence[tuple[str, Path]]) -> list[tuple[str, list[str]]]:
    python = _interpreter(provisioners[0][1])
    found = [
        ("python -c pass", [python, "-c", "pass"]),
        ("floor: validate's libraries", [python, "-c", VALIDATE_LIBS]),
        ("floor: + plan's HTTP stack", [python, "-c", PLAN_LIBS]),
    ]
    for label, path in provisioners:
        for command in ("validate", "plan"):
            found.append((f"{label}: {command}", [str(path), command]))
    return found


def _interpreter(provisioner: Path) -> str:
    first = provisioner.read_text(errors="replace").splitlines()[0]
    return first.removeprefix("#!").strip() if first.startswith("#!") else sys.executable


def timed(cmd: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    # A command that fails has measured nothing: stop the benchmark there.
    subprocess.run(
        cmd, check=True, cwd=ACME, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--provisioner", action="append", default=[], metavar="LABEL=PATH")
    args = parser.parse_args(argv)
    on_path = shutil.which("provisioner")
    if not args.provisioner and on_path is None:
        parser.error("no `provisioner` on PATH: give --provisioner LABEL=PATH")
    specs = args.provisioner or [f"provisioner={on_path}"]
    provisioners = [(label, Path(path)) for label, _, path in (s.partition("=") for s in specs)]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    todo = commands(provisioners)
    for _, cmd in todo:  # once untimed: bytecode, the sandbox's emulator database
        timed(cmd, env)
    samples: dict[str, list[tuple[float, float]]] = {label: [] for label, _ in todo}
    for _ in range(args.runs):
        for label, cmd in todo:
            samples[label].append(timed(cmd, env))
    load = os.getloadavg()[0]
    print(f"examples/acme, {args.runs} rounds, 1-minute load average {load:.2f} at the end\n")
    print("| command | wall ms | CPU ms |\n|---|---:|---:|")
    for label, runs in samples.items():
        wall = statistics.median(w for w, _ in runs) * 1000
        cpu = statistics.median(c for _, c in runs) * 1000
        print(f"| {label} | {wall:.0f} | {cpu:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
