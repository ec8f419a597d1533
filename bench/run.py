"""Benchmark runner: time each scenario as whole processes and print a Markdown report.

    python bench/run.py [--scenario NAME ...] [--runs K] [--shops N --agents-per-shop M]
                        [--seed S] [--mutate PERCENT] [--api-platforms]
                        [--api-runs K] [--api-shops N] [--api-accounts-per-shop M]
                        [--api-rate-limit R] [--api-parallelism P] [--api-sweep P,P,...]

Scenarios (default: all but octodns-ordered):

    floor            python bench/floor.py BASE: yaml.load(CSafeLoader) every file, nothing else
    floor-events     python bench/floor.py --events BASE: only libyaml's event stream
    validate         provisioner validate -c BASE
    plan             provisioner plan -c MUTATED, against a state store matching BASE
    octodns          octodns-sync (plan only) of a zone with as many records as accounts
    octodns-ordered  the same with octoDNS's default enforce_order: true (not run by default)
    api              plan, apply --auto-approve, plan of 200 Kuaishou shops x 25 accounts against
                     the emulator over HTTP (20 ms latency, 100 requests/s): see api_scenario.py
                     (slow, about 2 minutes a run; not run by default, --api-runs times)

Configs and zones are generated once per size and seed into ``bench/.work/`` (git-ignored) and
reused. The provisioner command is ``$PROVISIONER`` (split like a shell would) or ``provisioner``
on PATH; without it, validate and plan are reported as pending.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import api_scenario
from environment import BENCH_DIR, WORK_DIR, BenchEnv, ensure_env
from generate import Mutation, generate
from octodns_peer import generate_peer, planned_changes, sync_command

SCENARIOS = (
    "floor",
    "floor-events",
    "validate",
    "plan",
    "plan-cached",
    "octodns",
    "octodns-ordered",
    "api",
)
DEFAULT_SCENARIOS = ("floor", "floor-events", "validate", "plan", "plan-cached", "octodns")
RATIOS = (
    ("validate", "floor"),
    ("validate", "floor-events"),
    ("plan", "floor"),
    ("plan", "octodns"),
    ("plan-cached", "floor"),
    ("plan-cached", "octodns"),
)
PLAN_SUMMARY = r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete"


class ScenarioPending(Exception):
    """The scenario cannot run yet (missing command or hook); the message says why."""


# --- measurement


@dataclasses.dataclass(frozen=True)
class Sample:
    wall_s: float
    cpu_s: float  # user + system
    peak_rss_mib: float
    returncode: int


@dataclasses.dataclass(frozen=True)
class Summary:
    runs: int
    median_s: float
    min_s: float
    max_s: float
    cpu_s: float  # median user + system time
    peak_rss_mib: float  # the largest per-process peak over the runs

    @classmethod
    def of(cls, samples: Sequence[Sample]) -> Summary:
        walls = [s.wall_s for s in samples]
        cpu = statistics.median(s.cpu_s for s in samples)
        peak = max(s.peak_rss_mib for s in samples)
        return cls(len(walls), statistics.median(walls), min(walls), max(walls), cpu, peak)


@dataclasses.dataclass(frozen=True)
class Outcome:
    name: str
    command: str
    summary: Summary | None = None
    note: str = ""
    failed: bool = False


def child_env() -> dict[str, str]:
    """The environment of timed commands.

    PYTHONDONTWRITEBYTECODE is dropped so Python tools cache their bytecode after the first run,
    as on a user's machine; with it set, every run would recompile every imported module.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def measure(cmd: Sequence[str], log_stem: Path, env: dict[str, str] | None = None) -> Sample:
    """One run of ``cmd`` in a fresh wrapper process (see measure.py for why)."""
    wrapper = [sys.executable, str(BENCH_DIR / "measure.py")]
    logs = [str(log_stem.with_suffix(".out")), str(log_stem.with_suffix(".err"))]
    done = subprocess.run(
        [*wrapper, *logs, "--", *cmd],
        check=True,
        capture_output=True,
        text=True,
        env=child_env() if env is None else env,
    )
    return Sample(**json.loads(done.stdout))


def progress(message: str) -> None:
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def time_runs(
    name: str, cmd: Sequence[str], runs: int, before: Callable[[], None] = lambda: None
) -> tuple[list[Sample], Path]:
    """Run ``cmd`` ``runs`` times, ``before()`` untimed before each; stop at the first failure.

    Return samples and last log stem.
    """
    samples: list[Sample] = []
    log_stem = WORK_DIR / "logs" / name
    log_stem.parent.mkdir(parents=True, exist_ok=True)
    for i in range(runs):
        before()
        sample = measure(cmd, log_stem)
        progress(f"  {name} run {i + 1}/{runs}: {sample.wall_s:.2f} s, rc={sample.returncode}")
        samples.append(sample)
        if sample.returncode != 0:
            break
    return samples, log_stem


# --- workspace: generated inputs, cached per size, seed and generator source


@dataclasses.dataclass(frozen=True)
class Sizes:
    shops: int
    agents_per_shop: int
    seed: int
    mutate: float
    api_platforms: bool = False

    @property
    def accounts(self) -> int:
        return self.shops * self.agents_per_shop


@dataclasses.dataclass(frozen=True)
class Workspace:
    sizes: Sizes
    base: Path
    mutated: Path
    expected: Mutation  # the plan of MUTATED against BASE
    octodns_dir: Path
    octodns_expected: Mutation


def _source_digest(*names: str) -> str:
    digest = hashlib.sha256()
    for name in names:
        digest.update((BENCH_DIR / name).read_bytes())
    return digest.hexdigest()[:10]


def _cached(target: Path, build: Callable[[Path], Mutation]) -> Mutation:
    """Build ``target`` unless complete; ``expected.json`` (the expected plan) is written last."""
    expected_file = target / "expected.json"
    if not expected_file.exists():
        shutil.rmtree(target, ignore_errors=True)
        mutation = build(target)
        expected_file.write_text(json.dumps(dataclasses.asdict(mutation)))
    return Mutation(**json.loads(expected_file.read_text()))


def prepare_workspace(sizes: Sizes) -> Workspace:
    key = f"{sizes.shops}x{sizes.agents_per_shop}-seed{sizes.seed}-mut{sizes.mutate:g}"
    api = "-api" if sizes.api_platforms else ""
    configs = WORK_DIR / "configs" / f"{key}{api}-{_source_digest('generate.py')}"
    expected = _cached(configs, lambda out: _generate_configs(out, sizes))
    peer = WORK_DIR / "octodns" / f"{key}-{_source_digest('generate.py', 'octodns_peer.py')}"
    peer_expected = _cached(
        peer, lambda out: generate_peer(out, sizes.accounts, sizes.mutate, sizes.seed)
    )
    return Workspace(sizes, configs / "base", configs / "mutated", expected, peer, peer_expected)


def _generate_configs(out: Path, sizes: Sizes) -> Mutation:
    progress(f"generating {sizes.shops} shops x {sizes.agents_per_shop} agents into {out.parent}")
    mutation = generate(
        out / "base",
        sizes.shops,
        sizes.agents_per_shop,
        sizes.seed,
        api_platforms=sizes.api_platforms,
        mutate_percent=sizes.mutate,
        mutated_out=out / "mutated",
    )
    assert mutation is not None
    return mutation


# --- scenarios


@dataclasses.dataclass(frozen=True)
class Context:
    workspace: Workspace
    env: BenchEnv
    runs: int


def provisioner_command() -> list[str]:
    """``$PROVISIONER`` split like a shell would, else ``provisioner`` from PATH."""
    if os.environ.get("PROVISIONER"):
        return shlex.split(os.environ["PROVISIONER"])
    found = shutil.which("provisioner")
    if found is None:
        raise ScenarioPending("provisioner not installed (set PROVISIONER or put it on PATH)")
    return [found]


def provisioner_python() -> str:
    """The Python that has ``provisioner`` installed, for the helpers that import it.

    ``$PROVISIONER_PYTHON``; else the provisioner command itself when it starts with a Python
    interpreter (``python -m provisioner.cli.main``); else the interpreter named on the ``#!`` line
    of the provisioner command (a console script); else this one if it can import provisioner.
    """
    if os.environ.get("PROVISIONER_PYTHON"):
        return os.environ["PROVISIONER_PYTHON"]
    first_word = provisioner_command()[0]
    if Path(first_word).name.startswith("python"):
        return first_word
    script = Path(shutil.which(first_word) or first_word)
    try:
        first = script.read_bytes()[:200].split(b"\n", 1)[0].decode()
    except (OSError, UnicodeDecodeError):
        first = ""
    if first.startswith("#!") and "python" in first:
        return first[2:].strip().split()[0]
    probe = [sys.executable, "-c", "import provisioner"]
    if subprocess.run(probe, check=False, capture_output=True).returncode == 0:
        return sys.executable
    raise ScenarioPending("cannot find provisioner's Python (set PROVISIONER_PYTHON)")


def prepare_plan_state(base_dir: Path, mutated_dir: Path) -> None:
    """Build the state store that ``provisioner plan -c MUTATED_DIR`` will read.

    The store holds the recorded state of exactly the BASE config, as if ``provisioner apply -c
    BASE_DIR`` had run and every manual task had been marked done (``provisioner tasks done``):
    every account (but those of disabled agents, which apply never creates), role and group of
    every shop, with the fields BASE declares. The generated shops are all on no-API platforms
    (pinduoduo, douyin, jd), so recorded state is the whole current state; no network is
    involved. It is written to ``MUTATED_DIR/.provisioner/state.db``, where ``settings.state``
    of the generated config points, by ``bench/plan_state.py build`` run with provisioner's own
    Python: the desired resources of every shop (``desired_shop``) in one ``record_many``.
    ``python bench/plan_state.py verify`` checks, on 10 shops x 10 agents, that this is
    identical (fields, remote ids, protected names) to ``apply --auto-approve`` followed by
    ``tasks done`` for every task. Untimed, rebuilt on every call (idempotent).
    """
    cmd = [provisioner_python(), str(BENCH_DIR / "plan_state.py"), "build"]
    done = subprocess.run(
        [*cmd, str(base_dir), str(mutated_dir)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"plan_state.py build failed:\n{done.stderr}")
    progress(f"  plan state: {json.loads(done.stdout)['resources']:,} resources recorded")


def run_timed(
    ctx: Context,
    name: str,
    cmd: Sequence[str],
    check: Callable[[Path], str],
    before: Callable[[], None] = lambda: None,
) -> Outcome:
    shown = " ".join(_short(part) for part in cmd)
    samples, log_stem = time_runs(name, cmd, ctx.runs, before)
    if samples[-1].returncode != 0:
        note = f"FAILED: exit {samples[-1].returncode}, see {_short(str(log_stem))}.err"
        return Outcome(name, shown, Summary.of(samples), note, failed=True)
    note = check(log_stem)
    return Outcome(name, shown, Summary.of(samples), note, failed="MISMATCH" in note)


def _no_check(_: Path) -> str:
    return ""


def _expect(label: str, found: Mutation | None, expected: Mutation) -> str:
    if found == expected:
        return f"{label}: {_changes(found)}, as expected"
    shown = _changes(found) if found else "no plan found in output"
    return f"MISMATCH: {label} {shown}, expected {_changes(expected)}"


def _changes(m: Mutation) -> str:
    return f"{m.create} create / {m.update} update / {m.delete} delete"


def scenario_floor(ctx: Context) -> Outcome:
    cmd = [str(ctx.env.python), str(BENCH_DIR / "floor.py"), str(ctx.workspace.base)]
    return run_timed(ctx, "floor", cmd, _no_check)


def scenario_floor_events(ctx: Context) -> Outcome:
    floor = [str(ctx.env.python), str(BENCH_DIR / "floor.py"), "--events"]
    return run_timed(ctx, "floor-events", [*floor, str(ctx.workspace.base)], _no_check)


def parse_cache(config_dir: Path) -> Path:
    """The file where provisioner keeps a config's parsed files between runs: asked of the
    product itself (``parsecache.cache_path``), which keeps it outside the config tree."""
    ask = "import sys, pathlib; from provisioner.config.parsecache import cache_path; "
    ask += "print(cache_path(pathlib.Path(sys.argv[1])))"
    found = subprocess.run(
        [provisioner_python(), "-c", ask, str(config_dir)],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(found.stdout.strip())


def cold(config_dir: Path) -> Callable[[], None]:
    """Before each run: no parse cache, so every file is parsed (as on a fresh clone)."""
    cache = parse_cache(config_dir)
    return lambda: cache.unlink(missing_ok=True)


def scenario_validate(ctx: Context) -> Outcome:
    cmd = [*provisioner_command(), "validate", "-c", str(ctx.workspace.base)]
    return run_timed(ctx, "validate", cmd, _no_check, cold(ctx.workspace.base))


def account_changes(plan_json: str) -> Mutation:
    """Account changes by action in a ``plan --format json`` document (DESIGN §5)."""
    changes = json.loads(plan_json)["changes"]
    actions = Counter(c["action"] for c in changes if c["kind"] == "account")
    return Mutation(create=actions["create"], update=actions["update"], delete=actions["delete"])


def _plan_check(cmd: Sequence[str], expected: Mutation, strict: bool) -> Callable[[Path], str]:
    """Check the plan with one more, untimed run of ``cmd --format json``.

    Only account changes are compared with the generator's mutation: the plan also updates the
    groups whose members changed, and creates a role on a shop where a new role is first used.
    Only ``strict`` for no-API shops, where each mutated account is exactly one manual change;
    API shops may split a change in two (api + manual) or disable instead of delete.
    """

    def check(log_stem: Path) -> str:
        text = log_stem.with_suffix(".out").read_text(errors="replace")
        total = found.group(0) if (found := re.search(PLAN_SUMMARY, text)) else "no summary line"
        json_cmd = [*cmd, "--format", "json"]
        as_json = subprocess.run(json_cmd, check=False, capture_output=True, text=True)
        counts = account_changes(as_json.stdout) if as_json.returncode == 0 else None
        if strict or counts is None:
            return f"{total}; " + _expect("accounts", counts, expected)
        return f"{total}; accounts: {_changes(counts)} (unchecked: API shops)"

    return check


def scenario_plan(ctx: Context) -> Outcome:
    command = provisioner_command()
    if ctx.workspace.sizes.api_platforms:
        # Sandbox shops are read live from an emulator that holds nothing: not a 1% plan.
        raise ScenarioPending("not with --api-platforms: see the `api` scenario")
    recipe = verify_plan_state(command)
    prepare_plan_state(ctx.workspace.base, ctx.workspace.mutated)
    cmd = [*command, "plan", "-c", str(ctx.workspace.mutated)]
    check = _plan_check(cmd, ctx.workspace.expected, not ctx.workspace.sizes.api_platforms)
    outcome = run_timed(ctx, "plan", cmd, check, cold(ctx.workspace.mutated))
    failed = outcome.failed or recipe.startswith("MISMATCH")
    return dataclasses.replace(outcome, note=f"{outcome.note}; {recipe}", failed=failed)


def scenario_plan_cached(ctx: Context) -> Outcome:
    """The pull-request case: the cache holds the files as they were before the change.

    One untimed ``validate`` of BASE fills BASE's cache; before each timed run it is copied
    over MUTATED's, so each run parses only the files the mutation changed (and rewrites it).
    """
    command = provisioner_command()
    if ctx.workspace.sizes.api_platforms:
        raise ScenarioPending("not with --api-platforms: see the `api` scenario")
    base, mutated = ctx.workspace.base, ctx.workspace.mutated
    cold(base)()
    subprocess.run([*command, "validate", "-c", str(base)], check=True, capture_output=True)
    base_cache, mutated_cache = parse_cache(base), parse_cache(mutated)
    if not base_cache.is_file():
        raise ScenarioPending("this provisioner keeps no parse cache")
    prepare_plan_state(base, mutated)

    def warm() -> None:
        shutil.copyfile(base_cache, mutated_cache)

    cmd = [*command, "plan", "-c", str(mutated)]
    check = _plan_check(cmd, ctx.workspace.expected, strict=True)
    return run_timed(ctx, "plan-cached", cmd, check, warm)


def verify_plan_state(command: Sequence[str]) -> str:
    """``plan_state.py verify``, untimed: the recipe still records what apply + ``tasks done``
    record (on 10 shops x 10 agents); the product changes, so this runs every time."""
    verify = [provisioner_python(), str(BENCH_DIR / "plan_state.py"), "verify"]
    done = subprocess.run(
        [*verify, "--provisioner", shlex.join(command)], capture_output=True, text=True, check=False
    )
    line = (done.stdout or done.stderr).strip().splitlines()[:1]
    progress(f"  plan state recipe: {line[0] if line else 'no output'}")
    if done.returncode != 0:
        return f"MISMATCH: plan_state.py verify failed ({line[0] if line else done.returncode})"
    return "state recipe verified"


def _octodns(ctx: Context, name: str, config: str) -> Outcome:
    cmd = sync_command(ctx.env.octodns_sync, ctx.workspace.octodns_dir / config)

    def check(log_stem: Path) -> str:
        found = planned_changes(log_stem.with_suffix(".err").read_text(errors="replace"))
        return _expect("octoDNS planned", found, ctx.workspace.octodns_expected)

    return run_timed(ctx, name, cmd, check)


def scenario_octodns(ctx: Context) -> Outcome:
    return _octodns(ctx, "octodns", "octodns.yaml")


def scenario_octodns_ordered(ctx: Context) -> Outcome:
    return _octodns(ctx, "octodns-ordered", "octodns-ordered.yaml")


def run_api(settings: api_scenario.ApiSettings) -> tuple[str, bool]:
    """The ``api`` scenario (api_scenario.py): its Markdown report and whether it failed."""
    progress("scenario api")
    load_before = os.getloadavg()[0]
    try:
        command, python = provisioner_command(), provisioner_python()
    except ScenarioPending as pending:
        return f"### API-bound\n\npending: {pending}\n", False

    def timed(cmd: Sequence[str], log_stem: Path, env: dict[str, str]) -> dict[str, float]:
        return dataclasses.asdict(measure(cmd, log_stem, env))

    runs = api_scenario.run_api(settings, command, python, WORK_DIR / "api", timed, progress)
    load = (load_before, os.getloadavg()[0])
    text = api_scenario.report(settings, runs, load, " ".join(command))
    return _short(text), api_scenario.failed(runs)


SCENARIO_FUNCS: dict[str, Callable[[Context], Outcome]] = {
    "floor": scenario_floor,
    "floor-events": scenario_floor_events,
    "validate": scenario_validate,
    "plan": scenario_plan,
    "octodns": scenario_octodns,
    "octodns-ordered": scenario_octodns_ordered,
    "plan-cached": scenario_plan_cached,
}


def run_scenario(ctx: Context, name: str) -> Outcome:
    progress(f"scenario {name}")
    try:
        return SCENARIO_FUNCS[name](ctx)
    except ScenarioPending as pending:
        return Outcome(name, "", note=str(pending))


# --- report


def _short(text: str) -> str:
    """Paths relative to the repository, so the report reads the same on every machine."""
    return text.replace(str(BENCH_DIR.parent) + "/", "")


def _row(o: Outcome) -> str:
    s = o.summary
    if s is None:
        cells = [o.name, "pending", "", "", "", "", "", "", o.note]
    else:
        timings = [f"{s.median_s:.2f}", f"{s.min_s:.2f}", f"{s.max_s:.2f}", f"{s.cpu_s:.2f}"]
        cells = [o.name, str(s.runs), *timings, f"{s.peak_rss_mib:.0f}", f"`{o.command}`", o.note]
    return "| " + " | ".join(cells) + " |"


def _ratio_row(outcomes: dict[str, Outcome], top: str, bottom: str) -> str:
    a, b = outcomes.get(top), outcomes.get(bottom)
    if a is None or b is None or a.summary is None or b.summary is None or a.failed or b.failed:
        return f"| {top} / {bottom} | pending |"
    return f"| {top} / {bottom} | {a.summary.median_s / b.summary.median_s:.2f}x |"


def _tree_size(root: Path) -> str:
    files = [p for p in root.rglob("*.yaml") if p.is_file()]
    mib = sum(p.stat().st_size for p in files) / 2**20
    return f"{len(files):,} files, {mib:.1f} MiB"


def _header(ws: Workspace, env: BenchEnv, load: tuple[float, float]) -> list[str]:
    s = ws.sizes
    return [
        f"### {s.shops:,} shops x {s.agents_per_shop:,} agents = {s.accounts:,} accounts "
        f"(octoDNS: {s.accounts:,} records), {s.mutate:g}% mutation, seed {s.seed}"
        + (", with API (sandbox) shops" if s.api_platforms else ""),
        "",
        f"Python {platform.python_version()}, octoDNS {env.version_of('octodns')}, "
        f"PyYAML {env.version_of('PyYAML')}, {os.cpu_count()} CPUs. "
        f"Config: {_tree_size(ws.base)}; plan {_changes(ws.expected)}. "
        f"Zone: {_tree_size(ws.octodns_dir / 'base')}; plan {_changes(ws.octodns_expected)}. "
        f"1-minute load average before / after: {load[0]:.2f} / {load[1]:.2f}.",
        "",
    ]


def report(
    ws: Workspace, env: BenchEnv, outcomes: Sequence[Outcome], load: tuple[float, float]
) -> str:
    """The Markdown report. ``load``: the 1-minute load average before and after the runs."""
    by_name = {o.name: o for o in outcomes}
    lines = [
        *_header(ws, env, load),
        "| scenario | runs | median s | min s | max s | CPU s | peak RSS MiB | command | note |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
        *(_row(o) for o in outcomes),
        "",
        "| ratio (medians) | value |",
        "|---|---:|",
        *(_ratio_row(by_name, top, bottom) for top, bottom in RATIOS),
    ]
    return "\n".join(lines) + "\n"


# --- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, dest="scenarios")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--agents-per-shop", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--mutate", type=float, default=1.0, metavar="PERCENT")
    parser.add_argument(
        "--api-platforms",
        action="store_true",
        help="configs with some tmall/kuaishou sandbox shops (see generate.py)",
    )
    api = parser.add_argument_group("scenario api (see api_scenario.py)")
    defaults = api_scenario.ApiSettings()
    api.add_argument("--api-runs", type=int, default=defaults.runs)
    api.add_argument("--api-shops", type=int, default=defaults.shops)
    api.add_argument("--api-accounts-per-shop", type=int, default=defaults.accounts_per_shop)
    api.add_argument(
        "--api-rate-limit",
        type=float,
        default=defaults.rate_limit,
        help="shop.rate_limit in the config: the client's calls/s per app key",
    )
    api.add_argument("--api-parallelism", type=int, default=defaults.parallelism)
    api.add_argument(
        "--api-sweep",
        default="",
        metavar="P,P,...",
        help="first plan once per --parallelism value (read time vs parallelism)",
    )
    api.add_argument("--api-stop-after", type=float, default=defaults.stop_after)
    return parser.parse_args(argv)


def api_settings(args: argparse.Namespace) -> api_scenario.ApiSettings:
    return api_scenario.ApiSettings(
        shops=args.api_shops,
        accounts_per_shop=args.api_accounts_per_shop,
        rate_limit=args.api_rate_limit,
        parallelism=args.api_parallelism,
        sweep=tuple(int(p) for p in args.api_sweep.split(",") if p.strip()),
        runs=args.api_runs,
        seed=args.seed,
        stop_after=args.api_stop_after,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    scenarios = args.scenarios or DEFAULT_SCENARIOS
    failed = False
    workspace_scenarios = [name for name in scenarios if name != "api"]
    if workspace_scenarios:
        sizes = Sizes(args.shops, args.agents_per_shop, args.seed, args.mutate, args.api_platforms)
        env = ensure_env()
        ws = prepare_workspace(sizes)
        ctx = Context(ws, env, args.runs)
        load_before = os.getloadavg()[0]
        outcomes = [run_scenario(ctx, name) for name in workspace_scenarios]
        sys.stdout.write(report(ws, env, outcomes, (load_before, os.getloadavg()[0])))
        failed = any(o.failed for o in outcomes)
    if "api" in scenarios:
        text, api_failed = run_api(api_settings(args))
        sys.stdout.write(("\n" if workspace_scenarios else "") + text)
        failed = failed or api_failed
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
