"""A Plan as a JSON document and back: `plan --format json`, `plan --out`, `show`, `apply FILE`.

Format 1 is a published contract (DESIGN §5): users script against it, so keys are only ever
added, never renamed or removed. Keys appear in this order::

    format_version  "1"
    digest          "sha256:…" (binds a saved plan to its content; see plan/binding.py)
    summary         {create, update, delete, manual, unchanged}
    access_delta    [{agent, shop, nickname, permission, risk, direction, reason}]
                    (first: what a reviewer reads first; critical and high risk first)
    changes         [{address, shop, platform, kind, name, action, execution, reason,
                      fields: [{field, before, after}],
                      key, depends_on, remote_id, agent, meta: [{field, value}],
                      steps: ["1. …"] (a manual change's back-office steps; [] for api)}]
    drift           [{address, shop, kind, name, field, recorded, live}]
    unmanaged       [{address, shop, kind, name, platform, mode, fields: [{field, value}]}]
    warnings        ["…"]
    pending         [{task_id, address, action, summary}]
    unsafe          ["…"] (why apply refuses without --force; empty when safe)
    adopt           [{address, remote_id, fields: {field: value}}]
    forget          ["SHOP/KIND/NAME", …]
    protect         [{shop, names, added, removed}] (protected names apply records)
    platforms       [{shop, platform}]
    people          [{agent, name}] (the config's display name of each person the plan names)
    config_digest, state_digest, config_path, created_at   strings
    signature       "hmac-sha256:…", only in a plan file saved with PROVISIONER_PLAN_KEY set

Everything from `pending` on is what a saved plan needs to be applied later; scripts may ignore
it. Field values are strings, integers, booleans, null or arrays of strings (tuples in Python).
The summary and the `shop`/`kind`/`name` beside each address are derived, for scripts: reading
a document back uses `address` and recomputes the summary (except `unchanged`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast, get_args

from provisioner.errors import PlanError
from provisioner.plan.model import (
    AccessChange,
    Direction,
    Drift,
    PendingTask,
    Plan,
    ProtectedNames,
    Unmanaged,
)
from provisioner.resources import (
    Action,
    Address,
    Change,
    Execution,
    FieldChange,
    FieldValue,
    Resource,
)

FORMAT_VERSION = "1"

T = TypeVar("T")
_MODES = ("report", "remove", "ignore")


def plan_to_document(plan: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data in format 1, keys in the documented order."""
    summary = plan.summary
    return {
        "format_version": FORMAT_VERSION,
        "digest": plan.digest,
        "summary": {
            "create": summary.create,
            "update": summary.update,
            "delete": summary.delete,
            "manual": summary.manual,
            "unchanged": summary.unchanged,
        },
        "access_delta": [_access_out(access) for access in plan.access_delta],
        "changes": [
            {**change_document(change), "steps": list(plan.steps_by_key.get(change.key, ()))}
            for change in plan.changes
        ],
        "drift": [_drift_out(drift) for drift in plan.drift],
        "unmanaged": [_unmanaged_out(item) for item in plan.unmanaged],
        "warnings": list(plan.warnings),
        "pending": [_pending_out(task) for task in plan.pending],
        "unsafe": list(plan.unsafe),
        "adopt": [resource_document(resource) for resource in plan.adopt],
        "forget": [str(address) for address in plan.forget],
        "protect": [protect_document(names) for names in plan.protect],
        "platforms": [{"shop": shop, "platform": platform} for shop, platform in plan.platforms],
        "people": [{"agent": agent, "name": name} for agent, name in plan.people],
        "config_digest": plan.config_digest,
        "state_digest": plan.state_digest,
        "config_path": plan.config_path,
        "created_at": plan.created_at,
    }


def plan_from_document(document: object) -> Plan:
    """The Plan a format-1 document describes; PlanError naming the first thing that is wrong."""
    doc = _Reader(document, "plan")
    version = doc.get("format_version")
    if version != FORMAT_VERSION:
        raise PlanError(
            f"unsupported plan format_version {version!r}: this provisioner reads version "
            f"{FORMAT_VERSION!r}; make the plan again with this version"
        )
    return Plan(
        changes=doc.items("changes", _change_in),
        unchanged=doc.at("summary").integer("unchanged"),
        drift=doc.items("drift", _drift_in),
        unmanaged=doc.items("unmanaged", _unmanaged_in),
        access_delta=doc.items("access_delta", _access_in),
        pending=doc.items("pending", _pending_in),
        warnings=doc.strings("warnings"),
        unsafe=doc.strings("unsafe"),
        adopt=doc.items("adopt", _resource_in),
        forget=doc.addresses("forget"),
        protect=doc.items("protect", _protect_in) if "protect" in doc.data else (),
        steps=tuple(
            (change.text("key"), change.strings("steps"))
            for change in doc.items("changes", lambda c: c)
            if change.data.get("steps")
        ),
        platforms=doc.items("platforms", _platform_in),
        people=doc.items("people", _person_in) if "people" in doc.data else (),
        config_digest=doc.text("config_digest"),
        state_digest=doc.text("state_digest"),
        digest=doc.text("digest"),
        config_path=doc.text("config_path"),
        created_at=doc.text("created_at"),
        format_version=FORMAT_VERSION,
    )


def document_text(document: Mapping[str, Any]) -> str:
    """A document as JSON text: indented, Chinese kept readable (not \\u-escaped)."""
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def plan_from_json(text: str) -> Plan:
    """Read a saved plan file's text; PlanError when it is not JSON or not a format-1 plan."""
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise PlanError(f"malformed plan file: not JSON ({exc})") from None
    return plan_from_document(document)


# --- writing ------------------------------------------------------------------------------


def _value_out(value: FieldValue) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _where(address: Address) -> dict[str, str]:
    return {
        "address": str(address),
        "shop": address.shop,
        "kind": address.kind,
        "name": address.name,
    }


def protect_document(names: ProtectedNames) -> dict[str, Any]:
    """Protected names apply records for one shop, as their format-1 object."""
    return {
        "shop": names.shop,
        "names": list(names.names),
        "added": list(names.added),
        "removed": list(names.removed),
    }


def change_document(change: Change) -> dict[str, Any]:
    """One change as its format-1 object (a plan document adds its back-office `steps`)."""
    address = change.address
    return {  # the order of DESIGN §5
        "address": str(address),
        "shop": address.shop,
        "platform": change.platform,
        "kind": address.kind,
        "name": address.name,
        "action": change.action,
        "execution": change.execution,
        "reason": change.reason,
        "fields": [
            {"field": f.field, "before": _value_out(f.before), "after": _value_out(f.after)}
            for f in change.fields
        ],
        "key": change.key,
        "depends_on": list(change.depends_on),
        "remote_id": change.remote_id,
        "agent": change.agent,
        "meta": [{"field": name, "value": _value_out(value)} for name, value in change.meta],
    }


def _drift_out(drift: Drift) -> dict[str, Any]:
    return {
        **_where(drift.address),
        "field": drift.field,
        "recorded": _value_out(drift.recorded),
        "live": _value_out(drift.live),
    }


def _unmanaged_out(item: Unmanaged) -> dict[str, Any]:
    return {
        **_where(item.address),
        "platform": item.platform,
        "mode": item.mode,
        "fields": [{"field": name, "value": _value_out(value)} for name, value in item.fields],
    }


def _access_out(access: AccessChange) -> dict[str, Any]:
    return {
        "agent": access.agent,
        "shop": access.shop,
        "nickname": access.nickname,
        "permission": access.permission,
        "risk": access.risk,
        "direction": access.direction,
        "reason": access.reason,
    }


def _pending_out(task: PendingTask) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "address": str(task.address),
        "action": task.action,
        "summary": task.summary,
    }


def resource_document(resource: Resource) -> dict[str, Any]:
    """One adopted resource as its format-1 object."""
    return {
        "address": str(resource.address),
        "remote_id": resource.remote_id,
        "fields": {name: _value_out(value) for name, value in resource.fields.items()},
    }


# --- reading ------------------------------------------------------------------------------


class _Reader:
    """One JSON object of the document, with the path to it for error messages."""

    def __init__(self, data: object, path: str) -> None:
        if not isinstance(data, dict):
            raise _malformed(path, f"expected an object, found {_kind(data)}")
        self.data: dict[str, object] = data
        self.path = path

    def get(self, key: str) -> object:
        if key not in self.data:
            raise _malformed(self.path, f"missing key {key!r}")
        return self.data[key]

    def at(self, key: str) -> _Reader:
        return _Reader(self.get(key), f"{self.path}.{key}")

    def text(self, key: str) -> str:
        return _typed(self.get(key), str, f"{self.path}.{key}", "a string")

    def optional_text(self, key: str) -> str | None:
        value = self.get(key)
        return None if value is None else self.text(key)

    def integer(self, key: str) -> int:
        value = self.get(key)
        if type(value) is not int:
            raise _malformed(f"{self.path}.{key}", f"expected an integer, found {_kind(value)}")
        return value

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.text(key)
        if value not in choices:
            raise _malformed(f"{self.path}.{key}", f"{value!r} is not one of {', '.join(choices)}")
        return value

    def array(self, key: str) -> list[object]:
        return _typed(self.get(key), list, f"{self.path}.{key}", "an array")

    def strings(self, key: str) -> tuple[str, ...]:
        path = f"{self.path}.{key}"
        return tuple(
            _typed(v, str, f"{path}[{i}]", "a string") for i, v in enumerate(self.array(key))
        )

    def items(self, key: str, read: Callable[[_Reader], T]) -> tuple[T, ...]:
        return tuple(
            read(_Reader(value, f"{self.path}.{key}[{index}]"))
            for index, value in enumerate(self.array(key))
        )

    def value(self, key: str) -> FieldValue:
        return _field_value(self.get(key), f"{self.path}.{key}")

    def address(self, key: str = "address") -> Address:
        return _address(self.text(key), f"{self.path}.{key}")

    def addresses(self, key: str) -> tuple[Address, ...]:
        path = f"{self.path}.{key}"
        return tuple(_address(text, f"{path}[{i}]") for i, text in enumerate(self.strings(key)))


def _change_in(item: _Reader) -> Change:
    return Change(
        address=item.address(),
        platform=item.text("platform"),
        action=cast(Action, item.choice("action", get_args(Action))),
        execution=cast(Execution, item.choice("execution", get_args(Execution))),
        reason=item.text("reason"),
        fields=item.items("fields", _field_change_in),
        remote_id=item.optional_text("remote_id"),
        agent=item.optional_text("agent"),
        meta=item.items("meta", lambda f: (f.text("field"), f.value("value"))),
        depends_on=item.strings("depends_on"),
        key=item.text("key"),
    )


def _field_change_in(item: _Reader) -> FieldChange:
    return FieldChange(item.text("field"), item.value("before"), item.value("after"))


def _drift_in(item: _Reader) -> Drift:
    return Drift(item.address(), item.text("field"), item.value("recorded"), item.value("live"))


def _unmanaged_in(item: _Reader) -> Unmanaged:
    fields = item.items("fields", lambda f: (f.text("field"), f.value("value")))
    mode = cast(Any, item.choice("mode", _MODES))
    return Unmanaged(item.address(), item.text("platform"), mode, fields)


def _access_in(item: _Reader) -> AccessChange:
    return AccessChange(
        agent=item.text("agent"),
        shop=item.text("shop"),
        nickname=item.text("nickname"),
        permission=item.text("permission"),
        risk=item.text("risk"),
        direction=cast(Direction, item.choice("direction", get_args(Direction))),
        reason=item.text("reason") if "reason" in item.data else "",
    )


def _pending_in(item: _Reader) -> PendingTask:
    return PendingTask(
        item.integer("task_id"), item.address(), item.text("action"), item.text("summary")
    )


def _resource_in(item: _Reader) -> Resource:
    fields = item.at("fields")
    values = {name: fields.value(name) for name in fields.data}
    return Resource(item.address(), values, item.optional_text("remote_id"))


def _protect_in(item: _Reader) -> ProtectedNames:
    return ProtectedNames(
        item.text("shop"), item.strings("names"), item.strings("added"), item.strings("removed")
    )


def _person_in(item: _Reader) -> tuple[str, str]:
    return item.text("agent"), item.text("name")


def _platform_in(item: _Reader) -> tuple[str, str]:
    return item.text("shop"), item.text("platform")


def _field_value(value: object, path: str) -> FieldValue:
    # JSON has no tuple: the only array a field value can be is a tuple of strings.
    if isinstance(value, list):
        return tuple(_typed(v, str, f"{path}[{i}]", "a string") for i, v in enumerate(value))
    if value is None or isinstance(value, str | int | bool):
        return value
    raise _malformed(
        path, f"expected a string, number, boolean, null or array, found {_kind(value)}"
    )


def _address(text: str, path: str) -> Address:
    try:
        return Address.parse(text)
    except ValueError:
        raise _malformed(path, f"{text!r} is not an address like SHOP/account/NAME") from None


def _typed(value: object, expected: type[T], path: str, what: str) -> T:
    if not isinstance(value, expected):
        raise _malformed(path, f"expected {what}, found {_kind(value)}")
    return value


_KINDS: Mapping[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
}


def _kind(value: object) -> str:
    return "null" if value is None else _KINDS.get(type(value), type(value).__name__)


def _malformed(path: str, message: str) -> PlanError:
    return PlanError(f"malformed plan file: {path}: {message}")
