"""PostgreSQL state against SQLite state, in the same run (issue 8's benchmark).

    python bench/state_backends.py [--shops 1000] [--agents-per-shop 50] [--runs 3]
                                   [--apply-shops 100] [--apply-agents-per-shop 50]

Run it with the Python that has provisioner installed (e.g. `.venv/bin/python`). It starts a
throwaway PostgreSQL cluster on 127.0.0.1 (tests/pg_cluster.py, here with fsync ON, as durable
as SQLite's `synchronous = FULL`), then for each backend, on the same machine, one after the
other:

* plan: the state of the generated BASE config (1,000 shops x 50 agents = 50,000 accounts, no-API
  shops: recorded state is all the state) is written into the backend exactly as
  bench/plan_state.py builds it, and `provisioner plan -c MUTATED` (a 1 % change) is timed as a
  whole process, `--runs` times (median). Both backends must plan the same change count.
* apply: `provisioner apply --auto-approve` of a fresh config of 100 x 50 = 5,000 accounts on
  no-API shops, into an empty store: 5,000 changes, each one manual task opened and one result
  recorded (one transaction since `open_task_in_run`; two before), with no platform call at
  all: the cost of the state store alone.

Prints a Markdown table; the figures are in bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH), str(BENCH.parent / "tests")]

from generate import generate  # noqa: E402
from pg_cluster import Cluster  # noqa: E402
from plan_state import recorded_state  # noqa: E402

from provisioner.secrets import Secret  # noqa: E402
from provisioner.state import StateStore  # noqa: E402
from provisioner.state.location import Location, PostgresLocation  # noqa: E402

WORK = BENCH / ".work" / "state-backends"
SQLITE_STATE = "  state: {backend: sqlite, path: .provisioner/state.db}"


def use_backend(config_dir: Path, backend: str, schema: str) -> Location:
    """Point the config's `settings.state` at `backend`; returns where its state lives."""
    settings = config_dir / "settings.yaml"
    text = settings.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("  state:")]
    at = lines.index("settings:") + 1
    if backend == "sqlite":
        lines.insert(at, SQLITE_STATE)
        location: Location = config_dir / ".provisioner" / "state.db"
    else:
        lines.insert(
            at,
            f"  state: {{backend: postgres, dsn: {{env: PROVISIONER_STATE_DSN}}, schema: {schema}}}",
        )
        location = PostgresLocation(Secret(os.environ["PROVISIONER_STATE_DSN"]), schema)
    settings.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return location


def fill(location: Location, base: Path) -> int:
    resources, protected = recorded_state(base)
    with StateStore.open(location) as store:
        store.record_many(resources)
        for shop, names in protected.items():
            if names:
                store.set_protected(shop, names)
    return len(resources)


def cli(*args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "provisioner.cli.main", *args],
        capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    return time.perf_counter() - started, done


def plan_changes(config: Path) -> int:
    _, done = cli("plan", "-c", str(config), "--format", "json")
    if done.returncode != 0:
        raise SystemExit(f"plan failed:\n{done.stderr}")
    return len(json.loads(done.stdout)["changes"])


def bench_plan(base: Path, mutated: Path, backend: str, runs: int) -> tuple[float, int, int]:
    location = use_backend(mutated, backend, f"bench_plan_{secrets.token_hex(4)}")
    if backend == "sqlite":
        shutil.rmtree(mutated / ".provisioner", ignore_errors=True)
    recorded = fill(location, base)
    changes = plan_changes(mutated)
    times = []
    for _ in range(runs):
        elapsed, done = cli("plan", "-c", str(mutated))
        if done.returncode != 0:
            raise SystemExit(f"plan failed:\n{done.stderr}")
        times.append(elapsed)
    return statistics.median(times), recorded, changes


def bench_apply(config: Path, backend: str) -> tuple[float, int]:
    use_backend(config, backend, f"bench_apply_{secrets.token_hex(4)}")
    shutil.rmtree(config / ".provisioner", ignore_errors=True)
    elapsed, done = cli("apply", "-c", str(config), "--auto-approve")
    if done.returncode != 0:
        raise SystemExit(f"apply failed:\n{done.stderr[-2000:]}")
    summary = [line for line in done.stdout.splitlines() if line.startswith("Apply complete")]
    opened = int(summary[0].split(", ")[1].split()[0]) if summary else 0
    return elapsed, opened


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--agents-per-shop", type=int, default=50)
    parser.add_argument("--apply-shops", type=int, default=100)
    parser.add_argument("--apply-agents-per-shop", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    shutil.rmtree(WORK, ignore_errors=True)
    base, mutated, fresh = WORK / "base", WORK / "mutated", WORK / "apply"
    generate(base, args.shops, args.agents_per_shop, 0, mutate_percent=1, mutated_out=mutated)
    generate(fresh, args.apply_shops, args.apply_agents_per_shop, 1)
    cluster = Cluster.start(durable=True)
    os.environ["PROVISIONER_STATE_DSN"] = cluster.dsn
    try:
        rows = {}
        for backend in ("sqlite", "postgres"):
            print(f"{backend}: plan", file=sys.stderr, flush=True)
            plan = bench_plan(base, mutated, backend, args.runs)
            print(f"{backend}: apply", file=sys.stderr, flush=True)
            rows[backend] = (plan, bench_apply(fresh, backend))
    finally:
        cluster.stop()

    (lite_plan, recorded, lite_changes), (lite_apply, lite_opened) = rows["sqlite"]
    (pg_plan, _, pg_changes), (pg_apply, pg_opened) = rows["postgres"]
    assert lite_changes == pg_changes, (lite_changes, pg_changes)
    assert lite_opened == pg_opened, (lite_opened, pg_opened)
    print(f"{recorded:,} recorded resources; plan of {lite_changes} changes; median of {args.runs}")
    print()
    print(
        f"| backend | plan (s) | apply of {lite_opened:,} changes (s) | state cost per change (ms) |"
    )
    print("|---|---|---|---|")
    for name, plan_s, apply_s in (
        ("SQLite", lite_plan, lite_apply),
        ("PostgreSQL", pg_plan, pg_apply),
    ):
        print(
            f"| {name} | {plan_s:.2f} | {apply_s:.1f} | {1000 * apply_s / max(lite_opened, 1):.2f} |"
        )
    print(f"| PostgreSQL / SQLite | {pg_plan / lite_plan:.2f}x | {pg_apply / lite_apply:.2f}x | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
