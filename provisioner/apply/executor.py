"""Apply: shops in parallel, each shop's changes in plan order, every result recorded at once.

A failed change skips only the changes that depend on it; a manual change opens a task, and
what depends on it waits for that task. Each result and its recorded state are written in one
transaction, so a process killed at any point leaves the store consistent and the next plan
shows exactly the remaining work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from provisioner.apply.recording import recorded_after
from provisioner.connectors.base import Connector, ShopWriter
from provisioner.connectors.budget import CHANGE_BUDGET, within
from provisioner.connectors.steps import manual_steps
from provisioner.errors import CallTimeoutError, ConnectorError, UnsafePlanError
from provisioner.plan.model import Plan
from provisioner.resources import Address, Change, Resource
from provisioner.state import RunStatus, StateStore

log = logging.getLogger(__name__)
Status = Literal["ok", "failed", "skipped", "task_opened"]


@dataclass(frozen=True)
class Outcome:
    change: Change
    status: Status
    message: str = ""
    task_id: int | None = None


Progress = Callable[[Outcome], None]


@dataclass(frozen=True)
class ApplyReport:
    """What one apply did. `not_started` counts the changes a stop request left for later."""

    run_id: int
    outcomes: tuple[Outcome, ...]
    not_started: int = 0
    interrupted: bool = False

    @property
    def failed(self) -> bool:
        return any(outcome.status == "failed" for outcome in self.outcomes)

    def count(self, status: Status) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)


class Executor:
    def __init__(
        self,
        store: StateStore,
        connectors: Mapping[str, Connector],
        progress: Progress | None = None,
        stop: threading.Event | None = None,
    ) -> None:
        """`stop`, once set (Ctrl-C, SIGTERM), means: start no new change; those in flight
        finish and are recorded, and the run ends `interrupted`."""
        self.store = store
        self.stop = stop or threading.Event()
        self.connectors = connectors
        self.progress = progress or (lambda outcome: None)
        self.recorded: dict[Address, Resource] = {}
        self.open_before: dict[str, int] = {}
        self.steps: dict[str, tuple[str, ...]] = {}
        self._mutex = threading.Lock()

    def apply(
        self,
        plan: Plan,
        *,
        who: str,
        commit: str | None,
        parallelism: int = 4,
        protected: Mapping[str, Iterable[str]] | None = None,
        dirty: bool | None = None,
        force: bool = False,
    ) -> ApplyReport:
        """Carry `plan` out. First it records what the plan lists without changing a platform:
        protected names (`plan.protect`, or `protected`: shop -> nicknames), adopted resources,
        forgotten records. A manual change opens a task with the steps computed at plan time.
        `commit` and `dirty` (uncommitted changes in the checkout) go into the history.

        An unsafe plan (over a safety threshold) raises UnsafePlanError unless `force`: the
        library refuses it, whoever calls it.
        """
        if plan.unsafe and not force:
            raise UnsafePlanError("refusing an unsafe plan: " + "; ".join(plan.unsafe))
        self.steps = plan.steps_by_key
        run_id = self.store.begin_run(who, commit, plan.digest, dirty=dirty)
        try:
            report = self._run(run_id, plan, protected or {}, parallelism)
        except BaseException:
            # Ctrl-C, SIGTERM or a bug: what was done is recorded change by change already;
            # the run itself must not stay "running".
            self.store.finish_run(run_id, "interrupted")
            raise
        status: RunStatus = (
            "interrupted" if report.interrupted else "failed" if report.failed else "ok"
        )
        self.store.finish_run(run_id, status)
        return report

    def _run(
        self, run_id: int, plan: Plan, protected: Mapping[str, Iterable[str]], parallelism: int
    ) -> ApplyReport:
        # One transaction for every shop's names: a first apply of 1,000 shops names them all.
        names_by_shop: dict[str, Iterable[str]] = {n.shop: n.names for n in plan.protect}
        self.store.set_protected_many({**names_by_shop, **protected})
        self.recorded = self.store.resources()
        self.open_before = {key: task.id for key, task in self.store.open_tasks_by_key().items()}
        self.store.record_many(plan.adopt)  # intents the plan found done are among these
        for address in plan.forget:
            self.store.forget(address)
        self.store.settle_shops(name for name, _ in plan.platforms)
        by_shop: dict[str, list[Change]] = {}
        for change in plan.changes:
            by_shop.setdefault(change.address.shop, []).append(change)
        with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
            results = list(
                pool.map(lambda shop: self._shop(run_id, shop, by_shop[shop]), sorted(by_shop))
            )
        outcomes = tuple(outcome for shop_outcomes in results for outcome in shop_outcomes)
        left = len(plan.changes) - len(outcomes)
        return ApplyReport(run_id, outcomes, left, interrupted=self.stop.is_set())

    def _shop(self, run_id: int, shop: str, changes: list[Change]) -> list[Outcome]:
        connector = self.connectors[shop]
        writer = connector.writer() if any(c.execution == "api" for c in changes) else None
        done: dict[str, Outcome] = {}
        for change in changes:
            if self.stop.is_set():
                break  # what is not started is simply left for the next apply
            outcome = self._one(run_id, connector, writer, change, done)
            done[change.key] = outcome
            self.progress(outcome)
        return list(done.values())

    def _one(
        self,
        run_id: int,
        connector: Connector,
        writer: ShopWriter | None,
        change: Change,
        done: Mapping[str, Outcome],
    ) -> Outcome:
        if change.execution == "api":
            task = next(
                (self.open_before[k] for k in change.depends_on if k in self.open_before), None
            )
            if task is not None:  # opened by an earlier apply, not done yet: the API waits
                message = f"waits for manual task #{task}, still open"
                self.store.record_result(run_id, change, "skipped", message)
                return Outcome(change, "skipped", message)
        blocker = next(
            (done[key] for key in change.depends_on if key in done and done[key].status != "ok"),
            None,
        )
        if blocker is not None and not (
            blocker.status == "task_opened" and change.execution == "manual"
        ):
            # A person can do dependent manual steps in order; an API call must wait for them.
            return self._skip(run_id, change, blocker)
        if change.execution == "manual":
            return self._open_task(run_id, connector, change, done)
        assert writer is not None
        journaled = self._intend(run_id, connector, change)
        try:
            with within(CHANGE_BUDGET):
                remote_id = _call(writer, change)
        except ConnectorError as exc:
            message = str(exc) or type(exc).__name__
            # Refused: it surely did not happen, so its intent is resolved with its result.
            settle = journaled and not exc.retryable
            self.store.record_result(run_id, change, "failed", message, settle=settle)
            return Outcome(change, "failed", message)
        self._record(run_id, change, remote_id, settle=journaled)  # one commit: result + intent
        return Outcome(change, "ok")

    def _intend(self, run_id: int, connector: Connector, change: Change) -> bool:
        """Journal a create or delete before it is sent, where a later live read can tell
        whether it happened (kinds the platform lists): a kill in between is then resolved."""
        kind = connector.capabilities.get(change.address.kind)
        if change.action not in ("create", "delete") or kind is None or not kind.listable:
            return False
        with self._mutex:
            would_be = recorded_after(self.recorded.get(change.address), change)
        self.store.intend(change, would_be, run_id)
        return True

    def _skip(self, run_id: int, change: Change, blocker: Outcome) -> Outcome:
        if blocker.status == "task_opened":
            message = f"waits for manual task #{blocker.task_id} ({blocker.change.address})"
        else:
            message = f"skipped because {blocker.change.address} ({blocker.change.action}) did not succeed"
        self.store.record_result(run_id, change, "skipped", message)
        return Outcome(change, "skipped", message)

    def _open_task(
        self, run_id: int, connector: Connector, change: Change, done: Mapping[str, Outcome]
    ) -> Outcome:
        steps = self.steps.get(change.key) or manual_steps(connector.context, change)
        task = self.store.open_task_in_run(run_id, change, steps, self._waits_for(change, done))
        return Outcome(change, "task_opened", f"task #{task.id}", task.id)

    def _waits_for(self, change: Change, done: Mapping[str, Outcome]) -> tuple[int, ...]:
        """The tasks a person must finish first: opened in this run, or still open from before."""
        waits = []
        for key in change.depends_on:
            outcome = done.get(key)
            if outcome is not None and outcome.task_id is not None:
                waits.append(outcome.task_id)
            elif outcome is None and key in self.open_before:
                waits.append(self.open_before[key])
        return tuple(sorted(set(waits)))

    def _record(self, run_id: int, change: Change, remote_id: str | None, *, settle: bool) -> None:
        with self._mutex:
            resource = recorded_after(self.recorded.get(change.address), change, remote_id)
            if resource is None:
                self.recorded.pop(change.address, None)
            else:
                self.recorded[change.address] = resource
        self.store.record_result(
            run_id, change, "ok", resource=resource, forget=resource is None, settle=settle
        )


def _call(writer: ShopWriter, change: Change) -> str | None:
    """One API change. A create that timed out may have happened: look before trying again."""
    try:
        return writer.apply(change)
    except CallTimeoutError:
        if change.action != "create":
            raise
        log.warning(
            "%s: create timed out; checking whether it happened before retrying", change.address
        )
        found = writer.find(change.address)
        if found is not None:
            return found.remote_id
        return writer.apply(change)
