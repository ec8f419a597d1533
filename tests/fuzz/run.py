"""The large fuzz run: `python tests/fuzz/run.py [--cases N] [--seed S] [--command plan]`.

Runs `provisioner validate` (or `plan`, on the mutants that validate) on N seeded mutations of
examples/acme, in-process, two workers, and prints the counts the README's reliability section
quotes: exit codes, hangs, `unexpected` errors, unpositioned error lines, the slowest case, and
the first few offenders with their case id (`--only SEED:INDEX` reruns one and shows its stderr).
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from mutate import Verdict, config_files, mutated, run_cli, write

_FILES = config_files()


def case_files(seed: int, index: int) -> dict[str, str]:
    return mutated(_FILES, random.Random(f"{seed}:{index}"))


def run_case(args: tuple[int, int, str, Path]) -> tuple[Verdict, Verdict | None]:
    seed, index, command, scratch = args
    # A fresh directory per case: the in-process sandbox keeps one emulator per directory.
    root = scratch / f"case-{index}"
    write(case_files(seed, index), root)
    case = f"{seed}:{index}"
    validated = run_cli(case, ["validate", "-c", str(root)])
    planned = None
    if command == "plan" and validated.code == 0:
        planned = run_cli(case, ["plan", "-c", str(root)])
    shutil.rmtree(root, ignore_errors=True)
    return validated, planned


def report(title: str, verdicts: list[Verdict]) -> None:
    if not verdicts:
        return
    codes = collections.Counter(v.code for v in verdicts)
    problems = collections.Counter(p for v in verdicts for p in v.problems)
    slowest = max(verdicts, key=lambda v: v.seconds)
    print(f"{title}: {len(verdicts)} runs")
    print("  exit codes: " + ", ".join(f"{c}: {n}" for c, n in sorted(codes.items())))
    for name in ("hang", "unexpected", "unpositioned"):
        print(f"  {name}: {problems.get(name, 0)}")
    others = {k: n for k, n in problems.items() if k not in ("hang", "unexpected", "unpositioned")}
    if others:
        print(f"  other: {others}")
    print(f"  slowest: {slowest.seconds:.2f} s (case {slowest.case})")
    shown = collections.Counter[str]()
    for verdict in verdicts:
        for problem in verdict.problems:
            shown[problem] += 1
            if shown[problem] <= 5:
                lines = [*verdict.unpositioned, ""] if problem != "hang" else [""]
                print(f"  {problem} {verdict.case}: {lines[0][:200]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--command", choices=("validate", "plan"), default="validate")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", help="SEED:INDEX: run one case and show its stderr")
    options = parser.parse_args()
    os.environ["NO_COLOR"] = "1"
    with tempfile.TemporaryDirectory(prefix="provisioner-fuzz-") as scratch:
        if options.only:
            seed, index = map(int, options.only.split(":"))
            for verdict in run_case((seed, index, options.command, Path(scratch))):
                if verdict is not None:
                    print(f"exit {verdict.code} in {verdict.seconds:.2f} s\n{verdict.stderr}")
            return 0
        started = time.perf_counter()
        jobs = [(options.seed, i, options.command, Path(scratch)) for i in range(options.cases)]
        with multiprocessing.Pool(options.workers) as pool:
            results = list(pool.imap_unordered(run_case, jobs, chunksize=20))
        print(f"seed {options.seed}, {time.perf_counter() - started:.0f} s")
        report("validate", [validated for validated, _ in results])
        report("plan (mutants that validate)", [p for _, p in results if p is not None])
        failed = any(v.problems for pair in results for v in pair if v is not None)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
