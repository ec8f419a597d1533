"""The planner: desired + recorded + live in, one immutable Plan out. Pure: it changes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from provisioner.config.checkout import portable
from provisioner.config.loader import LoadedConfig
from provisioner.config.suggest import did_you_mean
from provisioner.connectors.base import Capabilities, LiveShop, capability_for
from provisioner.errors import ConfigError, PlanError
from provisioner.model import Config
from provisioner.plan.binding import content_digest
from provisioner.plan.delta import role_grants, shop_delta, sort_delta
from provisioner.plan.desired import DesiredState, accounts_by_shop
from provisioner.plan.journal import Resolved, resolve
from provisioner.plan.model import AccessChange, PendingTask, Plan, ProtectedNames
from provisioner.plan.safety import unsafe_reasons
from provisioner.plan.shop import ShopInputs, ShopPlan, plan_shop
from provisioner.plan.temporary import window_notes
from provisioner.platforms import descriptor
from provisioner.resources import Address, Change, Resource
from provisioner.state import StateReader, StateSnapshot, Task


@dataclass(frozen=True)
class Observed:
    """What the connectors said: each shop's capabilities and live state."""

    capabilities: Mapping[str, Capabilities]
    live: Mapping[str, LiveShop]


def select_shops(
    loaded: LoadedConfig, state: StateReader | StateSnapshot, only: Sequence[str] = ()
) -> list[str]:
    """The shops to plan; a recorded shop missing from the config is an error, not a mass deletion."""
    config = loaded.config
    for name in only:
        if name not in config.shops:
            raise PlanError(f"unknown shop '{name}'{did_you_mean(name, config.shops)}")
    missing = sorted(state.shops() - set(config.shops))
    if missing and (not only or set(only) & set(missing)):
        names = ", ".join(missing)
        raise PlanError(
            f"recorded resources belong to shops no longer in the config: {names}; restore each shop, "
            "or keep it with `retired: true` to forget its records (nothing is deleted on the platform)"
        )
    return sorted(only) if only else sorted(config.shops)


@dataclass
class Parts:
    """Every shop planned on its own (`shops` and `parts` in step), before they are merged."""

    shops: Sequence[str]
    parts: list[ShopPlan]
    desired_state: DesiredState
    desired: dict[Address, Resource]
    recorded: dict[str, dict[Address, Resource]]
    protect: list[ProtectedNames]
    warnings: list[str]
    now: datetime
    journal: Resolved  # what a killed apply's intents turned out to be (plan/journal.py)


def make_plan(
    loaded: LoadedConfig, state: StateSnapshot, observed: Observed, shops: Sequence[str]
) -> Plan:
    found = plan_parts(loaded, state, observed, shops)
    _refuse_problems(loaded, shops, found.parts)
    return _merged(loaded, state, observed, found)


def plan_parts(
    loaded: LoadedConfig, state: StateSnapshot, observed: Observed, shops: Sequence[str]
) -> Parts:
    """Each shop's plan, with its problems (a refused handover) left for the caller to judge."""
    config = loaded.config
    now = datetime.now(UTC)
    by_shop = accounts_by_shop(config)
    temporary = window_notes(
        config, ((name, placed) for name in shops for placed in by_shop.get(name, [])), now
    )
    resolved = resolve(state.resources(), state.intents(), observed.live, shops)
    recorded_all = resolved.recorded
    recorded_by_shop: dict[str, dict[Address, Resource]] = {}
    for address, resource in recorded_all.items():
        recorded_by_shop.setdefault(address.shop, {})[address] = resource
    parts: list[ShopPlan] = []
    protect: list[ProtectedNames] = []
    warnings: list[str] = list(temporary.notes)
    desired_all: dict[Address, Resource] = {}
    people = frozenset(config.agents)
    previously = {agent_id: agent.previously for agent_id, agent in config.agents.items()}
    handovers: dict[str, dict[str, str]] = {}
    for agent in config.agents.values():
        for account in agent.accounts:
            if account.handover_from:
                handovers.setdefault(account.shop, {})[account.nickname] = account.handover_from
    desired_state = DesiredState(config, now)
    for name in shops:
        shop = config.shops[name]
        recorded = recorded_by_shop.get(name, {})
        if shop.retired:
            if recorded:
                warnings.append(
                    f"{name}: retired; forgetting {len(recorded)} recorded resources (nothing changes on {shop.platform})"
                )
            parts.append(ShopPlan(forget=sorted(recorded)))
            continue
        warnings += observed.live[name].warnings
        desired = desired_state.shop(name, observed.capabilities[name], by_shop.get(name, []))
        desired_all.update(desired.resources)
        recorded_protected = state.protected(name)
        protected = frozenset(shop.protected) | recorded_protected
        if frozenset(shop.protected) != recorded_protected:
            protect.append(_protected_names(name, shop.protected, recorded_protected))
        for nickname in sorted(protected - frozenset(shop.protected)):
            warnings.append(
                f"{name}/account/{nickname}: removed from `protected`; still protected in this plan, "
                "managed like any account after the next apply"
            )
        inputs = ShopInputs(
            name,
            shop.platform,
            desired.resources,
            recorded,
            observed.live[name],
            observed.capabilities[name],
            protected,
            shop.unmanaged,
            people,
            temporary.ended.get(name, {}),
            shop.offboarding,
            handovers.get(name, {}),
            previously,
            descriptor(shop.platform).handover,
        )
        parts.append(plan_shop(inputs))
    return Parts(
        shops, parts, desired_state, desired_all, recorded_by_shop, protect, warnings, now, resolved
    )


def _merged(loaded: LoadedConfig, state: StateSnapshot, observed: Observed, found: Parts) -> Plan:
    config, shops, parts = loaded.config, found.shops, found.parts
    desired_state, desired_all, recorded_by_shop = (
        found.desired_state,
        found.desired,
        found.recorded,
    )
    protect, warnings = found.protect, found.warnings
    changes = [change for part in parts for change in part.changes]
    open_tasks = {
        key: task for key, task in state.open_tasks_by_key().items() if task.address.shop in shops
    }
    changes, pending, task_warnings = _set_aside_pending(changes, open_tasks)
    unsafe = _unsafe(config, shops, parts, changes, recorded_by_shop)
    adopt = [*found.journal.adopt, *(resource for part in parts for resource in part.adopt)]
    delta = _access_delta(config, desired_state, observed, shops, parts, desired_all, changes)
    plan = Plan(
        changes=tuple(changes),
        unchanged=sum(part.unchanged for part in parts),
        drift=tuple(d for part in parts for d in part.drift),
        unmanaged=tuple(u for part in parts for u in part.unmanaged),
        access_delta=delta,
        pending=tuple(pending),
        warnings=tuple(warnings + [w for part in parts for w in part.warnings] + task_warnings),
        unsafe=tuple(unsafe),
        adopt=tuple(adopt),
        forget=(*found.journal.forget, *(a for part in parts for a in part.forget)),
        protect=tuple(protect),
        platforms=tuple((name, config.shops[name].platform) for name in shops),
        people=_people(config, delta, changes, recorded_by_shop),
        config_digest=loaded.digest,
        state_digest=observed_digest(state, observed, shops),
        config_path=portable(loaded.source),
        created_at=found.now.isoformat(timespec="seconds"),
    )
    return _sealed(plan)


def _people(
    config: Config,
    delta: Sequence[AccessChange],
    changes: Sequence[Change],
    recorded: Mapping[str, Mapping[Address, Resource]],
) -> tuple[tuple[str, str], ...]:
    """(id, display name) of every person the plan names: the config's name, else the one
    recorded with their accounts (someone offboarded is no longer in the config)."""
    named = {access.agent for access in delta} | {c.agent for c in changes if c.agent}
    known = {agent_id: agent.name for agent_id, agent in config.agents.items() if agent.name}
    gone = named - set(config.agents)
    for resource in (r for shop in recorded.values() for r in shop.values()) if gone else ():
        agent, name = resource.get("agent"), resource.get("name")
        if agent in gone and isinstance(agent, str) and isinstance(name, str) and name:
            known.setdefault(agent, name)
    return tuple(sorted((agent, known[agent]) for agent in named if agent in known))


def _protected_names(
    shop: str, declared: Sequence[str], recorded: frozenset[str]
) -> ProtectedNames:
    names = frozenset(declared)
    return ProtectedNames(
        shop, tuple(sorted(names)), tuple(sorted(names - recorded)), tuple(sorted(recorded - names))
    )


def _unsafe(
    config: Config,
    shops: Sequence[str],
    parts: Sequence[ShopPlan],
    changes: Sequence[Change],
    recorded: Mapping[str, Mapping[Address, Resource]],
) -> list[str]:
    """Safety per shop, over what apply will do (tasks still open from before are not counted)."""
    by_shop: dict[str, list[Change]] = {}
    for change in changes:
        by_shop.setdefault(change.address.shop, []).append(change)
    reasons = []
    for name, part in zip(shops, parts, strict=True):
        reasons += unsafe_reasons(
            name,
            part.existing_accounts,
            by_shop.get(name, []),
            config.settings.safety,
            recorded.get(name, {}),
        )
    return reasons


def _refuse_problems(loaded: LoadedConfig, shops: Sequence[str], parts: Sequence[ShopPlan]) -> None:
    """Every account that cannot be planned (an undeclared or impossible handover), at once."""
    problems = [(name, p) for name, part in zip(shops, parts, strict=True) for p in part.problems]
    if not problems:
        return
    places = {
        (account.shop, account.nickname): ("agents", agent_id, "accounts", index)
        for agent_id, agent in loaded.config.agents.items()
        for index, account in enumerate(agent.accounts)
    }
    raise ConfigError(
        loaded.diagnostic(
            (
                *places[shop, problem.nickname],
                "handover_from" if problem.at_handover else "nickname",
            ),
            problem.message,
        )
        for shop, problem in problems
    )


def _access_delta(
    config: Config,
    desired_state: DesiredState,
    observed: Observed,
    shops: Sequence[str],
    parts: Sequence[ShopPlan],
    desired: Mapping[Address, Resource],
    changes: Sequence[Change],
) -> tuple[AccessChange, ...]:
    """Every account's gains and losses, from what it holds now to what it will hold."""
    by_shop: dict[str, list[Change]] = {}
    for change in changes:
        by_shop.setdefault(change.address.shop, []).append(change)
    # Grouped once: filtering every desired resource per shop was 1,000 x 59,000 look-ups,
    # half of a 50,000-account plan.
    wanted_by_shop: dict[str, dict[Address, Resource]] = {}
    for address, resource in desired.items():
        wanted_by_shop.setdefault(address.shop, {})[address] = resource
    delta: list[AccessChange] = []
    for name, part in zip(shops, parts, strict=True):
        shop = config.shops[name]
        if shop.retired:
            continue
        wanted = wanted_by_shop.get(name, {})
        shop_changes = by_shop.get(name, [])
        roles_managed = capability_for(observed.capabilities[name], "role").managed
        grants = role_grants(
            shop.platform,
            roles_managed,
            part.current,
            wanted,
            shop_changes,
            desired_state.bindings(shop.platform),
        )
        accounts = sorted(
            {a for a in part.current if a.kind == "account"}
            | {a for a in wanted if a.kind == "account"}
        )
        delta += shop_delta(accounts, part.current, wanted, shop_changes, grants, config)
    return sort_delta(delta)


def _set_aside_pending(
    changes: list[Change], open_tasks: Mapping[str, Task]
) -> tuple[list[Change], list[PendingTask], list[str]]:
    """Manual changes already opened as tasks are shown as pending, not planned twice."""
    kept, pending, warnings = [], [], []
    matched: set[str] = set()
    for change in changes:
        task = open_tasks.get(change.key) if change.execution == "manual" else None
        if task is None:
            kept.append(change)
            continue
        matched.add(change.key)
        pending.append(PendingTask(task.id, change.address, change.action, change.reason))
        if task.fields != change.fields:
            warnings.append(
                f"task #{task.id} for {change.address} is out of date with the config; cancel it and plan again"
            )
    for key, task in sorted(open_tasks.items(), key=lambda item: item[1].id):
        if key not in matched:
            pending.append(PendingTask(task.id, task.address, task.action, task.reason))
            warnings.append(
                f"task #{task.id} ({task.action} {task.address}) is no longer needed: `provisioner tasks cancel {task.id}`"
            )
    return kept, pending, warnings


def observed_digest(state: StateSnapshot, observed: Observed, shops: Sequence[str]) -> str:
    """Binds a saved plan to the recorded and live state it was made from."""
    digest = hashlib.sha256(state.digest.encode())
    for name in shops:
        live = observed.live.get(name)
        if live is None:
            continue
        for address in sorted(live.resources):
            resource = live.resources[address]
            digest.update(
                json.dumps(
                    [str(address), resource.remote_id, sorted(resource.fields.items())],
                    default=list,
                    ensure_ascii=False,
                ).encode()
            )
    return "sha256:" + digest.hexdigest()


def _sealed(plan: Plan) -> Plan:
    return replace(plan, digest=content_digest(plan))
