"""Per-second timeline of one command's API requests, as the emulator saw them.

    python bench/api_timeline.py bench/.work/api/run-1/apply.events.json [--step 1.0]

Each line: seconds since the command's first request, requests that arrived in the interval,
of which throttled (result 24), and the count per method (short names).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

SHORT = {
    "open.user.sub.account.create": "create",
    "open.user.sub.account.list": "list",
    "open.user.sub.account.role.list": "roles",
    "open.cs.dispatching.group.query": "groups",
}


def timeline(events: Sequence[Sequence[object]], step: float) -> list[str]:
    if not events:
        return ["no requests"]
    start = min(float(e[0]) for e in events)  # type: ignore[arg-type]
    bins: dict[int, Counter[str]] = defaultdict(Counter)
    throttled: Counter[int] = Counter()
    for t, method, result, _ in events:
        slot = int((float(t) - start) / step)  # type: ignore[arg-type]
        bins[slot][SHORT.get(str(method), str(method))] += 1
        if result == 24:
            throttled[slot] += 1
    lines = []
    for slot in range(max(bins) + 1):
        methods = " ".join(f"{m}={n}" for m, n in sorted(bins[slot].items()))
        total = sum(bins[slot].values())
        lines.append(f"{slot * step:7.1f} {total:5d} thr={throttled[slot]:3d}  {methods}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("events", type=Path)
    parser.add_argument("--step", type=float, default=1.0)
    args = parser.parse_args(argv)
    print("\n".join(timeline(json.loads(args.events.read_text()), args.step)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
