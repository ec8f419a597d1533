"""Time one command as a whole process, from a fresh, small wrapper process.

    python bench/measure.py STDOUT_FILE STDERR_FILE -- CMD [ARG...]

writes one JSON object to stdout: ``{"wall_s", "cpu_s", "peak_rss_mib", "returncode"}``.

Why a wrapper: Linux carries the parent's RSS high-water mark into a forked child across
``exec``, so a child of a big process (the runner after generating 50,000 agents) would report the
parent's peak. This wrapper is small and new for every run, and ``os.wait4`` returns the usage of
exactly its one child, so ``ru_maxrss`` is that process's own peak: never cumulative over runs.
(A child smaller than this wrapper, about 14 MiB, would report the wrapper's size.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path


def run_once(cmd: Sequence[str], stdout: Path, stderr: Path) -> dict[str, float | int]:
    """Run ``cmd`` once, output sent to files; return wall and CPU time, peak RSS, exit code."""
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: keep Popen consistent
    return {
        "wall_s": wall,
        "cpu_s": usage.ru_utime + usage.ru_stime,
        "peak_rss_mib": usage.ru_maxrss / 1024,  # Linux reports ru_maxrss in KiB
        "returncode": proc.returncode,
    }


def main(argv: Sequence[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        sys.stderr.write("usage: python bench/measure.py STDOUT_FILE STDERR_FILE -- CMD...\n")
        return 2
    result = run_once(argv[3:], Path(argv[0]), Path(argv[1]))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
