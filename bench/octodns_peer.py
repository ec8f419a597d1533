"""The peer: octoDNS planning a YAML zone of the same size as provisioner plans accounts.

    python bench/octodns_peer.py OUT_DIR --records N [--mutate PERCENT] [--seed S]

writes, under OUT_DIR:

    base/bench.example.com./part-NNN.yaml      the "existing" zone: N records, ~500 per file
    mutated/bench.example.com./part-NNN.yaml   the desired zone: differs in PERCENT% of records
    octodns.yaml                               YamlProvider source (mutated) -> target (base)
    octodns-ordered.yaml                       the same with enforce_order: true

and ``octodns-sync --config-file=OUT_DIR/octodns.yaml`` (no ``--doit``) plans the change.

The zone mirrors a provisioner config: N records ~ N accounts, split over files of about 500
like ``agents/batch-NNN.yaml`` (octoDNS's split-zone layout, ``split_extension: "."``).
About 70% of names hold one A record (1-2 addresses), 20% one TXT record, and every 10th name
holds an A and a TXT record; one record in ten has ``ttl: 300``, the rest the default TTL.
The mutation uses the same counts as ``generate.py --mutate``: K = round(N * PERCENT / 100),
updates = K // 2 (values changed), deletes = K // 4 (records removed), creates = the rest (new
names, in ``part-new.yaml``).

``enforce_order`` (octoDNS's default: true) makes octoDNS check that the keys of every file are
sorted; provisioner has no such rule, so ``octodns.yaml`` turns it off and the comparison does not
charge octoDNS for work provisioner does not do. The files are sorted either way, so
``octodns-ordered.yaml`` measures octoDNS's default too.
"""

from __future__ import annotations

import argparse
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from generate import Mutation, mutation_counts, write_tree

ZONE = "bench.example.com."
RECORDS_PER_FILE = 500
SHORT_TTL = 300
SUMMARY = re.compile(r"Summary: Creates=(\d+), Updates=(\d+), Deletes=(\d+)")


@dataclass(frozen=True)
class DnsRecord:
    name: str
    type: str
    values: tuple[str, ...]
    file: str
    ttl: int | None = None


def _address(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _values(kind: str, rng: random.Random) -> tuple[str, ...]:
    if kind == "TXT":
        return (f"verification={rng.getrandbits(64):016x}",)
    return tuple(_address(rng) for _ in range(rng.choice((1, 1, 1, 2))))


def _name_kinds(index: int, rng: random.Random) -> tuple[str, ...]:
    if index % 10 == 9:
        return ("A", "TXT")
    return ("TXT",) if rng.random() < 2 / 9 else ("A",)


def _record(name: str, kind: str, file: str, rng: random.Random) -> DnsRecord:
    ttl = SHORT_TTL if rng.random() < 0.1 else None
    return DnsRecord(name, kind, _values(kind, rng), file, ttl)


def build_records(count: int, seed: int = 0) -> list[DnsRecord]:
    """``count`` records over names ``h000000``..., in name order."""
    rng = random.Random(f"octodns-bench:{seed}")
    records: list[DnsRecord] = []
    index = 0
    while len(records) < count:
        file = f"part-{len(records) // RECORDS_PER_FILE + 1:03d}"
        kinds = _name_kinds(index, rng)[: count - len(records)]
        records += [_record(f"h{index:06d}", kind, file, rng) for kind in kinds]
        index += 1
    return records


def mutate_records(
    records: Sequence[DnsRecord], percent: float, seed: int = 0
) -> tuple[list[DnsRecord], Mutation]:
    """A variant differing in ``percent``% of the records (see the module docstring)."""
    rng = random.Random(f"octodns-bench:{seed}:mutate:{percent}")
    counts = mutation_counts(len(records), percent)
    picked = rng.sample(range(len(records)), counts.update + counts.delete)
    updates, deletes = set(picked[: counts.update]), set(picked[counts.update :])
    changed = [
        replace(r, values=_changed_values(r, rng)) if i in updates else r
        for i, r in enumerate(records)
        if i not in deletes
    ]
    first_new = int(records[-1].name[1:]) + 1 if records else 0
    changed += [
        _record(f"h{first_new + n:06d}", "A", "part-new", rng) for n in range(counts.create)
    ]
    return changed, counts


def _changed_values(record: DnsRecord, rng: random.Random) -> tuple[str, ...]:
    while True:
        values = _values(record.type, rng)
        if values != record.values:
            return values


def _record_lines(record: DnsRecord, lead: str, indent: str) -> list[str]:
    """Keys in sorted order (ttl, type, value/values), as enforce_order requires."""
    ttl = [f"ttl: {record.ttl}"] if record.ttl is not None else []
    if len(record.values) == 1:
        values = [f"value: {record.values[0]}"]
    else:
        values = ["values:", *(f"- {v}" for v in record.values)]
    fields = [*ttl, f"type: {record.type}", *values]
    return [lead + fields[0], *(indent + field for field in fields[1:])]


def _name_lines(name: str, records: Sequence[DnsRecord]) -> list[str]:
    if len(records) == 1:
        return [f"{name}:", *_record_lines(records[0], "  ", "  ")]
    lines = [f"{name}:"]
    for record in records:
        lines += _record_lines(record, "- ", "  ")
    return lines


def zone_file_yaml(records: Iterable[DnsRecord]) -> str:
    by_name: dict[str, list[DnsRecord]] = {}
    for record in records:
        by_name.setdefault(record.name, []).append(record)
    lines = ["---"]
    for name in sorted(by_name):  # zero-padded names: plain and natural order agree
        lines += _name_lines(name, by_name[name])
    return "\n".join(lines) + "\n"


def zone_files(records: Iterable[DnsRecord]) -> dict[str, str]:
    by_file: dict[str, list[DnsRecord]] = {}
    for record in records:
        by_file.setdefault(record.file, []).append(record)
    return {f"{ZONE}/{file}.yaml": zone_file_yaml(group) for file, group in by_file.items()}


def _provider_yaml(name: str, directory: Path, enforce_order: bool) -> str:
    return f"""\
  {name}:
    class: octodns.provider.yaml.YamlProvider
    directory: {directory}
    default_ttl: 3600
    enforce_order: {str(enforce_order).lower()}
    split_extension: "."
    escaped_semicolons: true
"""


def octodns_config_yaml(desired: Path, existing: Path, enforce_order: bool) -> str:
    """YamlProvider ``config`` (desired) as source, YamlProvider ``existing`` as target."""
    return (
        "---\nproviders:\n"
        + _provider_yaml("config", desired, enforce_order)
        + _provider_yaml("existing", existing, enforce_order)
        + f"zones:\n  {ZONE}:\n    sources: [config]\n    targets: [existing]\n"
    )


def generate_peer(out_dir: Path, records: int, percent: float, seed: int = 0) -> Mutation:
    """Write both zones and both octoDNS configs under ``out_dir``; return the expected plan."""
    out_dir = out_dir.resolve()  # octoDNS resolves provider directories against its cwd
    base = build_records(records, seed)
    mutated, mutation = mutate_records(base, percent, seed)
    write_tree(zone_files(base), out_dir / "base")
    write_tree(zone_files(mutated), out_dir / "mutated")
    for name, ordered in (("octodns.yaml", False), ("octodns-ordered.yaml", True)):
        text = octodns_config_yaml(out_dir / "mutated", out_dir / "base", ordered)
        (out_dir / name).write_text(text, encoding="utf-8")
    return mutation


def sync_command(octodns_sync: Path, config: Path) -> list[str]:
    """Plan only: no ``--doit``, so octoDNS plans, logs the plan and applies nothing."""
    return [str(octodns_sync), f"--config-file={config}"]


def planned_changes(log: str) -> Mutation | None:
    """The changes in octoDNS's plan log (summed over zones); None if it printed no plan."""
    found = SUMMARY.findall(log)
    if not found:
        return None
    create, update, delete = (sum(int(row[i]) for row in found) for i in range(3))
    return Mutation(create=create, update=update, delete=delete)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--mutate", type=float, default=1.0, metavar="PERCENT")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    generate_peer(args.out_dir, args.records, args.mutate, args.seed)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
