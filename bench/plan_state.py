"""The state store of the ``plan`` scenario, and the check that it is the real one.

Runs with the Python that has ``provisioner`` installed (the runner finds it: see
``provisioner_python()`` in run.py), never in the benchmark's own virtualenv:

    python bench/plan_state.py build BASE_DIR MUTATED_DIR
    python bench/plan_state.py verify [--shops 10] [--agents-per-shop 10] [--seed S]
                                      [--provisioner CMD] [--keep DIR]

``build`` writes ``MUTATED_DIR/.provisioner/state.db`` holding exactly what BASE_DIR declares, as
``apply -c BASE_DIR`` followed by ``tasks done`` for every task it opened would have recorded:
each shop's desired resources (``provisioner.plan.desired.desired_shop``), without the accounts of
disabled agents (a disabled agent's account that does not exist is not created, so nothing is
recorded for it), and each shop's protected names (``set_protected``, as apply does). One
``record_many`` transaction, into a temporary file renamed into place, so an interrupted build
never leaves a half-written store. It is rebuilt on every call (a few seconds at
50,000 accounts, untimed), so a change in what provisioner records is always picked up.

``verify`` proves that equivalence on a small generated config (no-API shops): route A is
``build``; route B is ``provisioner apply --auto-approve`` then ``provisioner tasks done`` for
every open task; the recorded resources (address, fields, remote id) and the protected names of
every shop must be identical. Exit code 1 and the differences otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from provisioner.config.loader import load_config
from provisioner.connectors.registry import connector_class
from provisioner.plan.desired import accounts_by_shop, desired_shop
from provisioner.resources import Address, Resource
from provisioner.state import StateReader, StateStore

STATE = Path(".provisioner") / "state.db"


def recorded_state(base_dir: Path) -> tuple[list[Resource], dict[str, tuple[str, ...]]]:
    """What apply + ``tasks done`` would record for the config at ``base_dir``: the resources,
    and each shop's protected names (apply records them since ff40c4d)."""
    config = load_config(base_dir).config
    placed = accounts_by_shop(config)
    resources: list[Resource] = []
    protected = {name: tuple(shop.protected) for name, shop in config.shops.items()}
    for name, shop in config.shops.items():
        capabilities = connector_class(shop.platform).capabilities
        desired = desired_shop(config, name, capabilities, placed.get(name, []))
        resources += [
            resource
            for resource in desired.resources.values()
            if not (resource.address.kind == "account" and resource.fields["status"] == "disabled")
        ]
    return resources, protected


def build(base_dir: Path, mutated_dir: Path) -> int:
    """Write the store ``plan -c MUTATED_DIR`` reads; returns the number of resources."""
    resources, protected = recorded_state(base_dir)
    target = mutated_dir / STATE
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    _remove_db(temporary)
    store = StateStore.open(temporary)
    try:
        store.record_many(resources)
        for shop, names in protected.items():
            if names:
                store.set_protected(shop, names)
    finally:
        store.close()
    _remove_db(target)
    os.replace(temporary, target)
    return len(resources)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


# --- verify


def snapshot(state_db: Path) -> tuple[dict[Address, Resource], dict[str, frozenset[str]]]:
    """Recorded resources and, per shop, the protected names of a state store."""
    with StateReader.open(state_db) as reader:
        resources = reader.resources()
        shops = {address.shop for address in resources} | set(reader.shops())
        return resources, {shop: reader.protected(shop) for shop in sorted(shops)}


def _run(cmd: Sequence[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return done


def apply_route(provisioner: Sequence[str], config_dir: Path) -> int:
    """``apply --auto-approve``, then ``tasks done`` for every open task; returns the count."""
    _run([*provisioner, "apply", "-c", str(config_dir), "--auto-approve"])
    listed = _run([*provisioner, "tasks", "-c", str(config_dir), "list", "--format", "json"])
    tasks = json.loads(listed.stdout)
    items = tasks["tasks"] if isinstance(tasks, dict) else tasks
    ids = [str(task["id"]) for task in items if task.get("status", "open") == "open"]
    for start in range(0, len(ids), 500):
        _run([*provisioner, "tasks", "-c", str(config_dir), "done", *ids[start : start + 500]])
    return len(ids)


def differences(
    a: tuple[dict[Address, Resource], dict[str, frozenset[str]]],
    b: tuple[dict[Address, Resource], dict[str, frozenset[str]]],
) -> list[str]:
    found = []
    for address in sorted(set(a[0]) | set(b[0]), key=str):
        left, right = a[0].get(address), b[0].get(address)
        if left != right:
            found.append(f"{address}: build {left} != apply route {right}")
    for shop in sorted(set(a[1]) | set(b[1])):
        if a[1].get(shop, frozenset()) != b[1].get(shop, frozenset()):
            found.append(f"{shop}: protected {a[1].get(shop)} != {b[1].get(shop)}")
    return found


def verify(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import build_config, config_files, write_tree

    provisioner = shlex.split(args.provisioner)
    with tempfile.TemporaryDirectory(prefix="plan-state-") as tmp:
        root = Path(args.keep) if args.keep else Path(tmp)
        config = build_config(args.shops, args.agents_per_shop, args.seed)
        disabled = sum(1 for agent in config.agents if agent.status == "disabled")
        for route in ("build", "apply"):
            write_tree(config_files(config), root / route)
        count = build(root / "build", root / "build")
        tasks = apply_route(provisioner, root / "apply")
        a, b = snapshot(root / "build" / STATE), snapshot(root / "apply" / STATE)
        found = differences(a, b)
        print(
            f"{args.shops} shops x {args.agents_per_shop} agents (seed {args.seed},"
            f" {disabled} disabled agents): build recorded {count} resources; apply route:"
            f" {tasks} tasks done, {len(b[0])} resources recorded;"
            f" {'IDENTICAL' if not found else f'{len(found)} DIFFERENCES'}"
            f" (resources with fields and remote ids, protected names of {len(a[1])} shops)"
        )
        for line in found[:50]:
            print("  " + line)
        if args.keep:
            print(f"kept in {root}")
        return 1 if found else 0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="write MUTATED_DIR/.provisioner/state.db")
    build_cmd.add_argument("base_dir", type=Path)
    build_cmd.add_argument("mutated_dir", type=Path)
    check = sub.add_parser("verify", help="compare with the apply + tasks done route")
    check.add_argument("--shops", type=int, default=10)
    check.add_argument("--agents-per-shop", type=int, default=10)
    check.add_argument("--seed", type=int, default=0)
    default_cmd = os.environ.get("PROVISIONER") or shutil.which("provisioner") or "provisioner"
    check.add_argument("--provisioner", default=default_cmd, help="command (default $PROVISIONER)")
    check.add_argument("--keep", help="work in this (new) directory and keep it")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "build":
        count = build(args.base_dir, args.mutated_dir)
        print(json.dumps({"resources": count, "state": str(args.mutated_dir / STATE)}))
        return 0
    return verify(args)


if __name__ == "__main__":
    raise SystemExit(main())
