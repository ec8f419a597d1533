"""Scenario ``api``: plan and apply bound by a platform API (issue 5, scenario 3).

Against the Kuaishou emulator served over HTTP on 127.0.0.1 (``bench/emulator.py``: what
``provisioner sandbox serve`` runs, plus a request counter), with the emulator's faults set over
HTTP (``POST /_emulator/faults {"latency": 0.02, "qps": 100}``: 20 ms added to every API call,
100 calls per second per app key, a 1 s ban for going over), each run:

1. a fresh emulator (nothing seeded) and a fresh config of S Kuaishou shops x A accounts
   (``write_api_config``): every shop its own seller (``access_token`` = ``sandbox-session/<shop>``),
   all on the same app key, so the limit is shared; credentials as ``{env: ...}`` references;
   ``rate_limit`` (the client's token bucket) and ``--parallelism`` as given;
2. optionally ``plan`` once per parallelism of a sweep (read time against parallelism);
3. ``plan`` (timed): reads every shop, plans S x A creates (checked);
4. ``apply --auto-approve`` (timed): plans again, then creates every account through the API;
5. ``plan`` (timed) again: must say ``No changes.``.

Requests are counted on the emulator's side, one event per API request it answered (see
emulator.py), so the figures include retries and refusals: requests of a command are the events
between two snapshots taken before and after it (the runner pauses 1.5 s between commands so no
request of one is counted in the next and the app key's budget is full again). Throttled requests
are the answers with Kuaishou's result 24 "Exceed qps limit". Failed changes come from apply's
summary line, and the emulator's database is checked to hold exactly S x A live accounts.
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import re
import shutil
import sqlite3
import statistics
import subprocess
import time
import urllib.request
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

from generate import (
    BRANDS,
    MANAGER,
    ROLES_YAML,
    SETTINGS_YAML,
    STORE_SUFFIX,
    Account,
    Agent,
    Names,
    _pick_profile,
    agents_yaml,
)

LATENCY_S = 0.020
QPS_LIMIT = 100.0
RATE_LIMITED = 24  # Kuaishou "Exceed qps limit" (provisioner/wire/kuaishou.py)
SUCCESS = 1
APP_KEY, APP_SECRET, SIGN_SECRET = "sandbox-app", "sandbox-secret", "sandbox-sign-secret"
PAUSE_S = 1.5
APPLY_SUMMARY = (
    r"Apply complete: (\d+) done, (\d+) manual tasks opened, (\d+) skipped, (\d+) failed"
)
PLAN_SUMMARY = r"Plan: (\d+) to create, (\d+) to update, (\d+) to delete"


@dataclasses.dataclass(frozen=True)
class ApiSettings:
    shops: int = 200
    accounts_per_shop: int = 25
    # shop.rate_limit: the client's token bucket, calls/s per app key: the platform's limit
    # itself, now that the client spaces calls evenly (README: "What limited it").
    rate_limit: float = 100.0
    parallelism: int = 8
    sweep: tuple[int, ...] = ()  # parallelism values of extra, plan-only runs
    runs: int = 1
    seed: int = 0
    stop_after: float = 3600.0

    @property
    def accounts(self) -> int:
        return self.shops * self.accounts_per_shop


# --- the config


def shop_id(index: int) -> str:
    return f"{BRANDS[index % len(BRANDS)][0]}-ks-{index + 1:04d}"


def token_env(index: int) -> str:
    return f"BENCH_KS_TOKEN_{index + 1:04d}"


def credentials_env(settings: ApiSettings) -> dict[str, str]:
    """The environment the config's ``{env: ...}`` credentials resolve against."""
    env = {
        "BENCH_KS_APP_KEY": APP_KEY,
        "BENCH_KS_APP_SECRET": APP_SECRET,
        "BENCH_KS_SIGN_SECRET": SIGN_SECRET,
    }
    env.update({token_env(i): f"sandbox-session/{shop_id(i)}" for i in range(settings.shops)})
    return env


def _shop_yaml(index: int, endpoint: str, rate_limit: float) -> str:
    brand_cn = BRANDS[index % len(BRANDS)][1]
    number = index // len(BRANDS) + 1
    return (
        f"  {shop_id(index)}:\n"
        "    platform: kuaishou\n"
        f"    name: {brand_cn}{STORE_SUFFIX['kuaishou']}{number}号\n"
        f"    endpoint: {endpoint}\n"
        f"    rate_limit: {rate_limit:g}\n"
        "    credentials:\n"
        "      app_key: {env: BENCH_KS_APP_KEY}\n"
        "      app_secret: {env: BENCH_KS_APP_SECRET}\n"
        "      sign_secret: {env: BENCH_KS_SIGN_SECRET}\n"
        f"      access_token: {{env: {token_env(index)}}}\n"
        "    unmanaged: report\n"
        "    protected: [店长]\n"
    )


def api_agents(settings: ApiSettings) -> list[Agent]:
    """A accounts per shop, one agent each: the first the shop-manager, the others weighted
    role sets (generate.py's profiles). Only ``roles``: every field of the account is then one
    Kuaishou can set through its API (roles via ``native.kuaishou.roles``; dispatch, reception
    limits and schedules would be manual tasks), so each account is exactly one API create."""
    names = Names(random.Random(f"provisioner-bench-api:{settings.seed}"))
    agents = []
    for index in range(settings.shops):
        shop = shop_id(index)
        for j in range(settings.accounts_per_shop):
            profile = MANAGER if j == 0 else _pick_profile(names.rng)
            agent_id, name, nick_base = names.person()
            account = Account(shop, names.nickname(shop, nick_base), profile.roles)
            file = f"batch-{len(agents) // 500 + 1:03d}"
            agents.append(Agent(agent_id, name, names.phone(), "active", file, (account,)))
    return agents


def write_api_config(out: Path, settings: ApiSettings, endpoint: str) -> None:
    """settings.yaml, roles.yaml (native Kuaishou bindings), shops.yaml, agents/batch-NNN.yaml."""
    out.mkdir(parents=True)
    (out / "settings.yaml").write_text(SETTINGS_YAML, encoding="utf-8")
    (out / "roles.yaml").write_text(ROLES_YAML, encoding="utf-8")
    shops = "".join(_shop_yaml(i, endpoint, settings.rate_limit) for i in range(settings.shops))
    (out / "shops.yaml").write_text("shops:\n" + shops, encoding="utf-8")
    by_file: dict[str, list[Agent]] = {}
    for agent in api_agents(settings):
        by_file.setdefault(agent.file, []).append(agent)
    (out / "agents").mkdir()
    for name, agents in by_file.items():
        (out / "agents" / f"{name}.yaml").write_text(agents_yaml(agents), encoding="utf-8")


# --- the emulator process


class Emulator:
    """``bench/emulator.py`` as a child process: 127.0.0.1 only, stops by itself after
    ``stop_after`` seconds, and is terminated (then killed) by ``stop()``."""

    def __init__(self, python: str, script: Path, data: Path, stop_after: float, log: Path):
        cmd = [python, str(script), "--data", str(data), "--stop-after", f"{stop_after:g}"]
        self._log = log.open("wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._log)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            raise RuntimeError(f"the emulator did not start; see {log}")
        self.url = json.loads(line)["url"]
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError(f"the emulator listens on {self.url}, not 127.0.0.1")

    def set_faults(self, faults: dict[str, object]) -> dict[str, object]:
        """POST the faults, then GET them back: what the emulator says is in force."""
        body = json.dumps(faults).encode()
        post = urllib.request.Request(f"{self.url}/_emulator/faults", body, method="POST")
        with urllib.request.urlopen(post, timeout=10):
            pass
        with urllib.request.urlopen(f"{self.url}/_emulator/faults", timeout=10) as answer:
            found: dict[str, object] = json.loads(answer.read())
        return found

    def events(self, since: int = 0) -> tuple[int, list[list[object]]]:
        with urllib.request.urlopen(f"{self.url}/_bench/events?since={since}", timeout=30) as a:
            data = json.loads(a.read())
        return data["count"], data["events"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout:
            self.proc.stdout.close()
        self._log.close()


# --- measurement of one command


@dataclasses.dataclass(frozen=True)
class Traffic:
    """The API requests the emulator answered during one command."""

    requests: int
    span_s: float  # from the first request's arrival to the last one's
    throttled: int
    errors: int  # answers other than success and throttling
    by_method: dict[str, int]
    write_rate: float | None  # requests/s from the first to the last create, all methods
    write_seconds: float | None
    p10_rate: float | None  # 10th percentile of requests per whole second in that window

    @classmethod
    def of(cls, events: Sequence[Sequence[object]]) -> Traffic:
        results = Counter(int(e[2]) for e in events)  # type: ignore[call-overload]
        methods = Counter(str(e[1]).removeprefix("open.") for e in events)
        creates = [float(e[0]) for e in events if str(e[1]).endswith("account.create")]  # type: ignore[arg-type]
        write_rate = write_s = p10 = None
        if len(creates) > 1:
            start, end = min(creates), max(creates)
            inside = [float(e[0]) for e in events if start <= float(e[0]) <= end]  # type: ignore[arg-type]
            write_s = end - start
            write_rate = len(inside) / write_s
            per_second = Counter(int(t - start) for t in inside)
            whole = [per_second.get(s, 0) for s in range(int(write_s))]
            if whole:
                p10 = sorted(whole)[len(whole) // 10]
        arrivals = [float(e[0]) for e in events]  # type: ignore[arg-type]
        return cls(
            requests=len(events),
            span_s=max(arrivals) - min(arrivals) if arrivals else 0.0,
            throttled=results[RATE_LIMITED],
            errors=sum(n for code, n in results.items() if code not in (SUCCESS, RATE_LIMITED)),
            by_method=dict(sorted(methods.items())),
            write_rate=write_rate,
            write_seconds=write_s,
            p10_rate=p10,
        )


@dataclasses.dataclass(frozen=True)
class Step:
    """One timed command of one run."""

    name: str
    wall_s: float
    cpu_s: float
    peak_rss_mib: float
    returncode: int
    traffic: Traffic
    check: str  # "" when as expected, else what went wrong
    detail: str = ""
    failed_changes: int | None = None


Measure = Callable[[Sequence[str], Path, dict[str, str]], dict[str, float]]


def run_api(
    settings: ApiSettings,
    provisioner: Sequence[str],
    python: str,
    work: Path,
    measure: Measure,
    progress: Callable[[str], None],
) -> list[list[Step]]:
    """Every run's steps: [sweep plans..., plan, apply, plan again]."""
    return [
        _one_run(settings, provisioner, python, work / f"run-{k + 1}", measure, progress)
        for k in range(settings.runs)
    ]


def _one_run(
    settings: ApiSettings,
    provisioner: Sequence[str],
    python: str,
    work: Path,
    measure: Measure,
    progress: Callable[[str], None],
) -> list[Step]:
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    script = Path(__file__).resolve().parent / "emulator.py"
    emulator = Emulator(python, script, work / "emulator", settings.stop_after, work / "emu.err")
    try:
        faults = emulator.set_faults({"latency": LATENCY_S, "qps": QPS_LIMIT})
        progress(f"  emulator {emulator.url}, faults in force: {faults}")
        config = work / "config"
        write_api_config(config, settings, emulator.url)
        env = {**os.environ, **credentials_env(settings)}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        steps = []

        def step(name: str, args: list[str], check: Callable[[str, str], tuple[str, str]]) -> Step:
            time.sleep(PAUSE_S)  # the app key's budget refills; no request straddles snapshots
            before, _ = emulator.events(10**9)
            sample = measure([*provisioner, *args], work / name, env)
            time.sleep(0.3)
            _, events = emulator.events(before)
            (work / f"{name}.events.json").write_text(json.dumps(events))
            out = (work / f"{name}.out").read_text(errors="replace")
            err = (work / f"{name}.err").read_text(errors="replace")
            problem, detail = check(out, err)
            if sample["returncode"] != 0:
                problem = f"exit {sample['returncode']:g}, see {work / name}.err; " + problem
            failed = re.search(APPLY_SUMMARY, out)
            result = Step(
                name,
                sample["wall_s"],
                sample["cpu_s"],
                sample["peak_rss_mib"],
                int(sample["returncode"]),
                Traffic.of(events),
                problem,
                detail,
                int(failed.group(4)) if failed else None,
            )
            progress(
                f"  {name}: {result.wall_s:.2f} s, {result.traffic.requests} requests"
                f" ({result.traffic.requests / result.wall_s:.1f}/s),"
                f" {result.traffic.throttled} throttled{'; ' + problem if problem else ''}"
            )
            return result

        expect_creates = _expect_plan(settings.accounts)
        for p in settings.sweep:
            plan = ["plan", "-c", str(config), "--parallelism", str(p)]
            steps.append(step(f"plan-p{p}", plan, expect_creates))
        par = ["--parallelism", str(settings.parallelism)]
        steps.append(step("plan", ["plan", "-c", str(config), *par], expect_creates))
        apply = ["apply", "-c", str(config), "--auto-approve", *par]
        steps.append(step("apply", apply, _expect_apply(settings.accounts)))
        steps.append(step("replan", ["plan", "-c", str(config), *par], _expect_no_changes))
        live = _live_accounts(work / "emulator" / "emulator.db")
        if live != settings.accounts:
            last = steps[-1]
            problem = f"emulator holds {live} accounts, expected {settings.accounts}"
            steps[-1] = dataclasses.replace(last, check=f"{last.check}; {problem}".strip("; "))
        return steps
    finally:
        emulator.stop()


def _expect_plan(accounts: int) -> Callable[[str, str], tuple[str, str]]:
    def check(out: str, _: str) -> tuple[str, str]:
        found = re.search(PLAN_SUMMARY, out)
        if found is None:
            return "MISMATCH: no plan summary", ""
        shown = found.group(0)
        if (int(found.group(1)), int(found.group(2)), int(found.group(3))) != (accounts, 0, 0):
            return f"MISMATCH: {shown}, expected {accounts} creates", shown
        return "", shown

    return check


def _expect_apply(accounts: int) -> Callable[[str, str], tuple[str, str]]:
    def check(out: str, err: str) -> tuple[str, str]:
        found = re.search(APPLY_SUMMARY, out)
        retries = err.count("retrying in")
        if found is None:
            return "MISMATCH: no apply summary", ""
        done, tasks, skipped, failed = (int(g) for g in found.groups())
        shown = f"{found.group(0)}; {retries} retries logged"
        if (done, tasks, skipped, failed) != (accounts, 0, 0, 0):
            return f"MISMATCH: {found.group(0)}, expected {accounts} done", shown
        return "", shown

    return check


def _expect_no_changes(out: str, _: str) -> tuple[str, str]:
    if "No changes." not in out:
        return "MISMATCH: the second plan did not say 'No changes.'", ""
    return "", "No changes."


def _live_accounts(db: Path) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT count(*) FROM accounts WHERE platform = 'kuaishou' AND deleted = 0"
        ).fetchone()
        return int(row[0])
    finally:
        conn.close()


# --- report


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(
    settings: ApiSettings, runs: list[list[Step]], load: tuple[float, float], command: str
) -> str:
    s = settings
    lines = [
        f"### API-bound: {s.shops:,} Kuaishou shops x {s.accounts_per_shop} = {s.accounts:,}"
        f" accounts over HTTP, {LATENCY_S * 1000:g} ms latency, limit {QPS_LIMIT:g} requests/s",
        "",
        f"Emulator on 127.0.0.1 (`bench/emulator.py`), faults `{{latency: {LATENCY_S:g},"
        f" qps: {QPS_LIMIT:g}}}`; config `rate_limit: {s.rate_limit:g}`,"
        f" `--parallelism {s.parallelism}`; {s.runs} run(s), medians (min-max over runs);"
        f" 1-minute load average before / after: {load[0]:.2f} / {load[1]:.2f}."
        f" Command: `{command}`.",
        "",
        "| step | runs | wall s | CPU s | peak RSS MiB | API requests | first to last request s"
        " | requests/s (wall) | % of limit | throttled (all runs) | failed changes (all runs)"
        " | note |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    names = [step.name for step in runs[0]]
    for name in names:
        steps = [step for run in runs for step in run if step.name == name]
        lines.append(_step_row(name, steps))
    apply = [step for run in runs for step in run if step.name == "apply"]
    writes = [a.traffic for a in apply if a.traffic.write_rate is not None]
    if writes:
        rate = _median([t.write_rate or 0.0 for t in writes])
        lines += [
            "",
            f"Apply, from its first to its last create (the write phase, median"
            f" {_median([t.write_seconds or 0.0 for t in writes]):.1f} s): {rate:.1f} requests/s"
            f" = {rate / QPS_LIMIT:.0%} of the limit; slowest whole second (10th percentile)"
            f" {_median([t.p10_rate or 0.0 for t in writes]):.0f} requests.",
        ]
    for step in apply[:1]:
        methods = ", ".join(f"{m} {n}" for m, n in step.traffic.by_method.items())
        lines += ["", f"Requests of one apply by method: {methods}."]
    return "\n".join(lines) + "\n"


def _span(values: Sequence[float], fmt: str) -> str:
    mid = format(_median(values), fmt)
    if len(values) < 2:
        return mid
    return f"{mid} ({format(min(values), fmt)}-{format(max(values), fmt)})"


def _step_row(name: str, steps: Sequence[Step]) -> str:
    rates = [st.traffic.requests / st.wall_s for st in steps]
    failed = [st.failed_changes for st in steps if st.failed_changes is not None]
    notes = sorted({st.check or st.detail for st in steps})
    cells = [
        name,
        str(len(steps)),
        _span([st.wall_s for st in steps], ".2f"),
        f"{_median([st.cpu_s for st in steps]):.2f}",
        f"{max(st.peak_rss_mib for st in steps):.0f}",
        _span([float(st.traffic.requests) for st in steps], ".0f"),
        _span([st.traffic.span_s for st in steps], ".1f"),
        _span(rates, ".1f"),
        f"{_median(rates) / QPS_LIMIT:.0%}",
        str(sum(st.traffic.throttled for st in steps)),
        str(sum(failed)) if failed else "",
        "; ".join(notes),
    ]
    return "| " + " | ".join(cells) + " |"


def failed(runs: list[list[Step]]) -> bool:
    return any(step.check or step.returncode for run in runs for step in run)
