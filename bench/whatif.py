"""Run the provisioner CLI with candidate product fixes patched in, to measure them first.

    PROVISIONER="/work/venv/bin/python bench/whatif.py --patch ssl,problems --" \\
        python bench/run.py --scenario api

Nothing under ``provisioner/`` changes: each patch replaces one function at import time, in this
process only, with what the fix would do. They exist to put numbers on the limits the ``api``
scenario found (bench/README.md); the real fixes belong in the product.

- ``ssl``: every ``httpx.Client`` shares one SSL context. Today ``HttpClient.__init__``
  (provisioner/connectors/http.py) builds an ``httpx.Client`` per connector, and httpx builds a
  fresh ``ssl.SSLContext`` loading certifi's CA bundle for each, even for ``http://``: ~34 ms of
  CPU per shop on this machine.
- ``problems``: ``_plan_with`` (provisioner/plan/workflow.py) asks every connector for
  ``problems()`` one shop after the other before the parallel ``observe()``; for Kuaishou that
  is a connection and an ``open.user.sub.account.role.list`` call per shop, in series. Patched:
  the same calls in a pool of ``parallelism`` threads, problems reported in the same order.
- ``roles``: ``KuaishouApi.roles()`` (provisioner/connectors/kuaishou.py) is answered once per
  connector: today ``problems()``, ``KuaishouReader.read()`` and ``KuaishouWriter._roles()``
  each list the shop's roles, three ``role.list`` calls per shop where one would do.
- ``burst``: the client's ``TokenBucket`` (provisioner/connectors/http.py) holds at most one
  token instead of one second's worth (``max(1.0, rate)``), so calls are paced evenly at
  ``rate`` from the first one. Today a fresh bucket (or one refilled during a pause) lets a
  second's worth of calls go at once, which spends the platform's whole per-second budget
  too: the platform's budget then stays empty for as long as the client keeps up its rate,
  and any jitter in arrival times is a ban. That is why ``rate_limit`` must sit below the
  platform's limit today.
"""

from __future__ import annotations

import argparse
import functools
import ssl
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

PATCHES = ("ssl", "problems", "roles", "burst")


def patch_ssl() -> None:
    import httpx

    shared: list[ssl.SSLContext] = []
    lock = threading.Lock()
    original = httpx.Client.__init__

    @functools.wraps(original)
    def init(self: httpx.Client, *args: Any, **kwargs: Any) -> None:
        if "verify" not in kwargs:
            with lock:
                if not shared:
                    shared.append(httpx.create_ssl_context())
            kwargs["verify"] = shared[0]
        original(self, *args, **kwargs)

    httpx.Client.__init__ = init  # type: ignore[method-assign]


def patch_problems() -> None:
    from provisioner.errors import PlanError
    from provisioner.plan import workflow
    from provisioner.plan.planner import Observed, make_plan

    def _plan_with(
        loaded: Any, state: Any, selected: Any, connectors: dict[str, Any], parallelism: int
    ) -> Any:
        names = sorted(connectors)
        with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
            found = list(pool.map(lambda name: connectors[name].problems(), names))
        problems = [f"{name}: {p}" for name, ps in zip(names, found, strict=True) for p in ps]
        if problems:
            raise PlanError("\n  ".join(["the config does not fit the platforms:", *problems]))
        live = workflow.observe(connectors, parallelism)
        observed = Observed({name: c.capabilities for name, c in connectors.items()}, live)
        return workflow.Planned(loaded, make_plan(loaded, state, observed, selected), connectors)

    workflow._plan_with = _plan_with


def patch_roles() -> None:
    from provisioner.connectors.kuaishou import KuaishouApi

    original = KuaishouApi.roles
    lock = threading.Lock()

    def roles(self: KuaishouApi) -> list[Any]:
        with lock:
            cached = self.__dict__.get("_bench_roles")
        if cached is None:
            cached = original(self)
            with lock:
                self.__dict__["_bench_roles"] = cached
        return list(cached)

    KuaishouApi.roles = roles  # type: ignore[method-assign]


def patch_burst() -> None:
    from provisioner.connectors.http import TokenBucket

    def acquire(self: TokenBucket) -> float:
        with self._lock:
            now = self._clock()
            self._tokens = min(1.0, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            self._tokens -= 1
            wait = max(0.0, self._held_until - now, -self._tokens / self.rate)
        if wait > 0:
            self._sleep(wait)
        return wait

    TokenBucket.acquire = acquire  # type: ignore[method-assign]


APPLY: dict[str, Callable[[], None]] = {
    "ssl": patch_ssl,
    "problems": patch_problems,
    "roles": patch_roles,
    "burst": patch_burst,
}


def main(argv: Sequence[str]) -> int:
    if "--" not in argv:
        sys.stderr.write("usage: python bench/whatif.py --patch NAME[,NAME] -- CLI-ARGS...\n")
        return 2
    split = list(argv).index("--")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patch", default="", help=f"comma-separated: {', '.join(PATCHES)}")
    args = parser.parse_args(argv[:split])
    for name in filter(None, args.patch.split(",")):
        APPLY[name]()
    from provisioner.cli.main import main as cli

    return cli(list(argv[split + 1 :]))


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
