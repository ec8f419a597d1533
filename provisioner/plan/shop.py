"""Planning one shop: desired vs current (recorded, overlaid with what is read live), per kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from provisioner.connectors.base import Capabilities, KindCapabilities, LiveShop, capability_for
from provisioner.plan.diff import field_changes
from provisioner.plan.handover import HandoverProblem, check_holder, handover_changes
from provisioner.plan.model import Drift, Offboarding, Unmanaged, UnmanagedMode
from provisioner.plan.order import (
    change_order,
    in_dependency_order,
    strings,
    with_dependencies,
)
from provisioner.resources import (
    FIELDS,
    KINDS,
    META_FIELDS,
    Action,
    Address,
    Change,
    Execution,
    FieldChange,
    FieldValue,
    Resource,
    ResourceKind,
)


@dataclass(frozen=True)
class ShopInputs:
    """Everything known about one shop when planning it."""

    name: str
    platform: str
    desired: Mapping[Address, Resource]
    recorded: Mapping[Address, Resource]
    live: LiveShop
    capabilities: Capabilities
    protected: frozenset[str] = frozenset()
    unmanaged_mode: UnmanagedMode = "report"
    agents: frozenset[str] = frozenset()  # person ids still in the config, for removal reasons
    ended: Mapping[str, str] = field(default_factory=dict)  # nickname -> why its window ended
    offboarding: Offboarding = "delete"
    # nickname -> the person it is handed over from (`handover_from`), and each person's
    # former ids (`previously`: a rename is the same person, not a handover).
    handovers: Mapping[str, str] = field(default_factory=dict)
    previously: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    resettable: bool = True  # the platform can reset an account for a new holder


@dataclass
class ShopPlan:
    """What planning one shop found; the planner merges these into the Plan."""

    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    drift: list[Drift] = field(default_factory=list)
    unmanaged: list[Unmanaged] = field(default_factory=list)
    adopt: list[Resource] = field(default_factory=list)
    forget: list[Address] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    existing_accounts: int = 0  # recorded or live: what safety percentages are taken of
    # Every account and role that exists, as it is now (live overlaid on recorded): the
    # "before" of the access delta.
    current: dict[Address, Resource] = field(default_factory=dict)
    # Accounts this plan cannot be made for (an undeclared or impossible handover):
    # (nickname, message, whether the message is about `handover_from`).
    problems: list[HandoverProblem] = field(default_factory=list)


def plan_shop(inputs: ShopInputs) -> ShopPlan:
    result = ShopPlan()
    for kind in KINDS:
        capability = capability_for(inputs.capabilities, kind)
        if capability.managed:
            _KindPlanner(inputs, kind, capability, result).run()
    result.changes = _keep_held_roles(result.changes, inputs)
    result.changes = in_dependency_order(
        sorted(with_dependencies(result.changes), key=change_order)
    )
    return result


def _by_kind(resources: Mapping[Address, Resource], kind: ResourceKind) -> dict[Address, Resource]:
    return {address: resource for address, resource in resources.items() if address.kind == kind}


class _KindPlanner:
    def __init__(
        self, inputs: ShopInputs, kind: ResourceKind, capability: KindCapabilities, out: ShopPlan
    ) -> None:
        self.inputs = inputs
        self.kind = kind
        self.cap = capability
        self.out = out
        self.desired = _by_kind(inputs.desired, kind)
        self.recorded = _by_kind(inputs.recorded, kind)
        self.listed = kind in inputs.live.listed
        self.live = _by_kind(inputs.live.resources, kind) if self.listed else {}
        self.now: dict[Address, Resource] = {}

    def run(self) -> None:
        existing = set(self.recorded) | set(self.live)
        if self.kind == "account":
            self.out.existing_accounts = len(existing)
        for address in existing:
            now = self._read_current(address)
            if now is not None:
                self.now[address] = now
        self.out.current.update(self.now)
        if self.listed:
            self._drift()
        for address, wanted in self.desired.items():
            self._converge(address, wanted)
        for address in sorted(existing - set(self.desired)):
            if not self._protected(address):
                self._leftover(address)

    def _protected(self, address: Address) -> bool:
        return address.kind == "account" and address.name in self.inputs.protected

    def current(self, address: Address) -> Resource | None:
        return self.now.get(address)

    def _read_current(self, address: Address) -> Resource | None:
        recorded = self.recorded.get(address)
        if not self.listed:
            return recorded
        live = self.live.get(address)
        if live is None:
            return None
        fields = dict(recorded.fields) if recorded else {}
        fields.update(
            {name: value for name, value in live.fields.items() if name in self.cap.readable}
        )
        remote_id = live.remote_id or (recorded.remote_id if recorded else None)
        return Resource(address, fields, remote_id)

    def _drift(self) -> None:
        for address, recorded in self.recorded.items():
            live = self.live.get(address)
            if live is None:
                self.out.drift.append(Drift(address, "exists", True, False))
                continue
            for name in sorted(self.cap.readable & recorded.fields.keys()):
                if recorded.fields[name] != live.fields.get(name):
                    self.out.drift.append(
                        Drift(address, name, recorded.fields[name], live.fields.get(name))
                    )

    def _converge(self, address: Address, wanted: Resource) -> None:
        current = self.current(address)
        if self.kind == "account" and current is not None and self._handed_over(address, wanted):
            return
        if current is None:
            if wanted.get("status") == "disabled":
                return  # a disabled person's account that does not exist: nothing to do
            self.out.changes.extend(self._create(address, wanted))
            return
        differences = field_changes(
            current.fields, wanted.fields, self._comparable(address, wanted)
        )
        if differences:
            self.out.changes.extend(self._update(address, current, wanted, differences))
            return
        self.out.unchanged += 1
        recorded = self.recorded.get(address)
        merged = Resource(address, {**current.fields, **wanted.fields}, current.remote_id)
        if (
            recorded is None
            or recorded.fields != merged.fields
            or recorded.remote_id != merged.remote_id
        ):
            self.out.adopt.append(merged)

    def _handed_over(self, address: Address, wanted: Resource) -> bool:
        """True when the account changes hands: then it is planned as a handover (or refused)."""
        recorded = self.recorded.get(address)
        inputs = self.inputs
        problem, old = check_holder(
            address, recorded, wanted, inputs.handovers.get(address.name), inputs.previously
        )
        if problem is not None:
            self.out.problems.append(problem)
            return True
        if old is None:
            return False
        if not inputs.resettable:
            self.out.problems.append(
                HandoverProblem(
                    address.name,
                    f"{address} cannot be handed over on {inputs.platform}: it has no way to reset "
                    "an account for a new holder (password and phone binding); give the new person "
                    "another nickname",
                    True,
                )
            )
            return True
        current = self.current(address)
        assert current is not None and recorded is not None
        made = handover_changes(address, current, wanted, old, self.cap, inputs.platform)
        self.out.changes.extend(made)
        return True

    def _comparable(self, address: Address, wanted: Resource) -> tuple[str, ...]:
        """The fields whose current value is known: all of them, except when adopting.

        A resource found live but never recorded (created by hand, or imported) has fields
        nobody can read; they are taken as declared, recorded, and named in a warning, rather
        than turned into back-office tasks to set values that are most likely already right.
        """
        fields = FIELDS[self.kind]
        if address in self.recorded:
            return fields
        unknown = [
            name for name in fields if name in wanted.fields and name not in self.cap.readable
        ]
        if unknown:
            self.out.warnings.append(
                f"{address}: exists but was never recorded; {', '.join(unknown)} cannot be read "
                f"on {self.inputs.platform}, so the declared value is assumed: check it in the back office"
            )
        return tuple(name for name in fields if name not in unknown)

    def _create(self, address: Address, wanted: Resource) -> list[Change]:
        declared = [
            (name, wanted.fields[name]) for name in FIELDS[self.kind] if name in wanted.fields
        ]
        reason = _create_reason(wanted)
        meta = _meta(wanted)
        if not self.cap.create:
            fields = tuple(FieldChange(name, None, value) for name, value in declared)
            return [
                self._change(address, "create", "manual", reason, fields, meta=meta, agent=wanted)
            ]
        by_api = tuple(FieldChange(n, None, v) for n, v in declared if n in self.cap.create_fields)
        by_hand = tuple(
            FieldChange(n, None, v) for n, v in declared if n not in self.cap.create_fields
        )
        create = self._change(address, "create", "api", reason, by_api, meta=meta, agent=wanted)
        if not by_hand:
            return [create]
        follow_up = self._change(
            address,
            "update",
            "manual",
            f"{reason}; {_names(by_hand)} cannot be set through the API",
            by_hand,
            meta=meta,
            agent=wanted,
            depends_on=(create.key,),
        )
        return [create, follow_up]

    def _update(
        self,
        address: Address,
        current: Resource,
        wanted: Resource,
        differences: tuple[FieldChange, ...],
    ) -> list[Change]:
        by_api = tuple(change for change in differences if change.field in self.cap.writable)
        by_hand = tuple(change for change in differences if change.field not in self.cap.writable)
        reason = _update_reason(wanted, differences, self.recorded.get(address))
        meta = _meta(wanted)
        changes = []
        parts: tuple[tuple[Execution, tuple[FieldChange, ...]], ...] = (
            ("api", by_api),
            ("manual", by_hand),
        )
        # Never enable an account while it may hold a role its holder is not declared with:
        # when the roles change by hand, the API enable waits for that task.
        enabling = any(c.field == "status" and c.after == "active" for c in by_api)
        waits = (f"{address}#update:manual",) if enabling and _roles_in(by_hand) else ()
        for execution, fields in parts:
            if fields:
                change = self._change(
                    address,
                    "update",
                    execution,
                    reason,
                    fields,
                    current.remote_id,
                    meta,
                    wanted,
                )
                if execution == "api" and waits:
                    change = replace(change, depends_on=waits)
                changes.append(change)
        return changes

    def _leftover(self, address: Address) -> None:
        current = self.current(address)
        managed = address in self.recorded
        if current is None:
            self.out.forget.append(address)  # recorded, but already gone from the platform
            return
        if not managed:
            self._unmanaged(address, current)
            return
        reason = self.inputs.ended.get(address.name) if address.kind == "account" else None
        reason = reason or _removal_reason(address, current, self.inputs.agents)
        self.out.changes.extend(self._remove(address, current, reason))

    def _unmanaged(self, address: Address, current: Resource) -> None:
        mode = self.inputs.unmanaged_mode
        if address.kind != "account" or mode == "ignore":
            return
        fields = tuple(sorted((k, v) for k, v in current.fields.items() if k not in META_FIELDS))
        self.out.unmanaged.append(Unmanaged(address, self.inputs.platform, mode, fields))
        if mode == "remove":
            self.out.changes.extend(
                self._remove(address, current, "not declared in the config (unmanaged: remove)")
            )

    def _remove(self, address: Address, current: Resource, reason: str) -> list[Change]:
        """Delete, or disable: by API where it can, else by hand (per the shop's offboarding)."""
        before = tuple(
            FieldChange(n, current.fields[n], None)
            for n in FIELDS[self.kind]
            if n in current.fields
        )
        agent = current.fields.get("agent")
        gone = (("agent", agent), ("permissions", ()), ("left", ""))
        delete = address.kind != "account" or self.inputs.offboarding == "delete"
        if self.cap.delete and delete:
            return [self._change(address, "delete", "api", reason, before, current.remote_id, gone)]
        disabled = current.fields.get("status") == "disabled"
        disable = (FieldChange("status", current.fields.get("status"), "disabled"),)
        platform = self.inputs.platform
        if address.kind == "account" and self.cap.can_disable:
            changes = []
            if not disabled:
                why = f"{reason}; disabled through the API at once"
                if not self.cap.delete and delete:
                    why = f"{reason}; {platform} cannot delete accounts through its API, so it is disabled at once"
                changes.append(
                    self._change(address, "update", "api", why, disable, current.remote_id, gone)
                )
            if delete:
                changes.append(
                    self._change(
                        address,
                        "delete",
                        "manual",
                        f"{reason}; delete it in the back office ({platform} has no API for it)",
                        before,
                        current.remote_id,
                        gone,
                        depends_on=tuple(c.key for c in changes),
                    )
                )
            return changes
        if not delete:
            if disabled:
                return []
            why = f"{reason} (offboarding: disable)"
            return [
                self._change(address, "update", "manual", why, disable, current.remote_id, gone)
            ]
        return [self._change(address, "delete", "manual", reason, before, current.remote_id, gone)]

    def _change(
        self,
        address: Address,
        action: Action,
        execution: Execution,
        reason: str,
        fields: tuple[FieldChange, ...],
        remote_id: str | None = None,
        meta: tuple[tuple[str, FieldValue], ...] = (),
        agent: Resource | None = None,
        depends_on: tuple[str, ...] = (),
    ) -> Change:
        owner = agent.get("agent") if agent is not None else dict(meta).get("agent")
        return Change(
            address,
            self.inputs.platform,
            action,
            execution,
            reason,
            fields,
            remote_id=remote_id,
            agent=owner if isinstance(owner, str) else None,
            meta=meta,
            depends_on=depends_on,
        )


def _meta(resource: Resource) -> tuple[tuple[str, FieldValue], ...]:
    return tuple((name, resource.fields[name]) for name in META_FIELDS if name in resource.fields)


def _roles_in(fields: tuple[FieldChange, ...]) -> bool:
    """Whether these changes take a role away (adding one before an enable is harmless)."""
    return any(
        change.field == "roles" and set(strings(change.before)) - set(strings(change.after))
        for change in fields
    )


def _names(fields: tuple[FieldChange, ...]) -> str:
    return ", ".join(change.field for change in fields)


def _create_reason(wanted: Resource) -> str:
    agent = wanted.get("agent")
    if wanted.address.kind == "account" and agent:
        return f"new account of agent {agent}"
    if wanted.address.kind == "role":
        return "role template used on this shop"
    return "declared in the config"


def _update_reason(
    wanted: Resource, differences: tuple[FieldChange, ...], recorded: Resource | None
) -> str:
    if recorded is not None and all(recorded.get(c.field) == c.after for c in differences):
        return f"undo drift: {_names(differences)} changed outside provisioner"
    if any(c.field == "status" and c.after == "disabled" for c in differences):
        return f"agent {wanted.get('agent')} is disabled"
    if any(c.field == "status" and c.after == "active" for c in differences):
        return f"agent {wanted.get('agent')} is active again"
    return f"config changed: {_names(differences)}"


def _removal_reason(address: Address, current: Resource, agents: frozenset[str]) -> str:
    if address.kind == "account":
        agent = current.fields.get("agent")
        if agent in agents:
            return f"account no longer declared for agent {agent}"
        return (
            f"agent {agent} removed from the config" if agent else "account removed from the config"
        )
    if address.kind == "role":
        return "role template no longer used on this shop"
    return "group removed from the config"


def _keep_held_roles(changes: list[Change], inputs: ShopInputs) -> list[Change]:
    """A role stays while an account keeps holding it: a disabled account still has its roles."""
    deleted = {c.address for c in changes if c.action == "delete"}
    held: set[str] = set()
    accounts = [r for r in inputs.desired.values() if r.address.kind == "account"]
    accounts += [
        r
        for a, r in inputs.recorded.items()
        if a.kind == "account" and a not in deleted and a not in inputs.desired
    ]
    for account in accounts:
        held.update(strings(account.get("roles")))
    return [
        c
        for c in changes
        if not (c.address.kind == "role" and c.action == "delete" and c.address.name in held)
    ]
