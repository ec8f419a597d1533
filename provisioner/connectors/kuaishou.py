"""Kuaishou (快手小店) through its open API: accounts and dispatch groups, roles by binding.

Reads: `open.user.sub.account.list` (staff, status, roles), `open.user.sub.account.role.list`,
`open.cs.dispatching.group.query`. Writes: `open.user.sub.account.create / update /
status.update / remove` and `open.cs.dispatching.group.add / update / del`. Manual: dispatch
on/off, reception limits, schedules.

Kuaishou roles are the platform's own (客服, 售后客服, ...): they are not managed. An account's
`roles` field holds the native role names its templates bind to (`native.kuaishou.roles`); the
connector maps them to and from `roleIds`, and `problems()` reports templates bound to nothing
or to a role the shop does not have.

Requests follow the request models of the `kwaixiaodian` SDK, which mirrors the official Java
SDK (AndersonBY/kwaixiaodian-python-sdk `models/user.py`, `models/customer_service.py`):
- `open.user.sub.account.create` requires `contactPhone`: the agent's `phone` from the config
  is sent there and nowhere else (it is redacted from logs and errors, never planned or stored);
  `validate` refuses a Kuaishou account whose agent has no phone.
- Dispatch groups: `group.add` takes `groupName` only, `group.update` takes `groupId`,
  `addAssistantId`, `delAssistantId` (assistant ids are staff user ids), `group.query` needs a
  `groupId`, and there is no call that lists every group. So a group's id is recorded when it is
  created and each recorded group is read back by id (groups made in the back office are not
  seen). A group has no description through the API: a declared description is a manual task.
  Since a group cannot be looked up by name, a create whose answer was lost is not retried.
- Result codes 24 (`AUTHORIZATION_REVOKED`) and 26 are authorisation errors, never retried;
  21 is a business refusal whose message is shown (`provisioner.wire.kuaishou`).

Credentials: `app_key`, `sign_secret`, `access_token` (`app_secret` is accepted but only serves
to refresh tokens, which this tool does not do). Signed with HMAC_SHA256 unless built otherwise.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

from provisioner.config.checks import Finding
from provisioner.connectors.base import BackOfficeDesk, Capabilities, LiveShop, ShopContext
from provisioner.connectors.endpoints import require_credentials, resolve_endpoint
from provisioner.connectors.http import (
    HttpClient,
    HttpReply,
    HttpRequest,
    Page,
    RetryPolicy,
    create_once,
    paginate,
)
from provisioner.connectors.remote import RemoteConnector
from provisioner.errors import InvalidError, NotFoundError, TransientError
from provisioner.platforms.builtin import KUAISHOU
from provisioner.resources import Address, Change, FieldValue, Resource, ResourceKind
from provisioner.secrets import Secret
from provisioner.wire import kuaishou

DEFAULT_RATE = 10.0
PAGE_SIZE = kuaishou.PAGE_SIZE_MAX
CREDENTIALS = ("app_key", "sign_secret", "access_token")
CONTACT_PHONE_NEEDED = "Kuaishou needs a contact phone to create a sub-account"
_FIELDS = KUAISHOU.capabilities["account"].writable
_GROUP_FIELDS = KUAISHOU.capabilities["group"].writable


@dataclass(frozen=True)
class Staff:
    staff_id: int
    nick: str
    disabled: bool
    roles: tuple[str, ...]


@dataclass(frozen=True)
class KsRole:
    role_id: int
    name: str


@dataclass(frozen=True)
class KsGroup:
    group_id: int
    name: str
    member_ids: tuple[int, ...]


class KuaishouApi:
    """The Kuaishou calls of one shop, signed and decoded."""

    def __init__(
        self,
        client: HttpClient,
        shop: str,
        keys: Mapping[str, str],
        sign_method: kuaishou.SignMethod,
    ) -> None:
        self.client = client
        self.shop = shop
        self._keys = dict(keys)
        self._sign_method = sign_method
        self._roles: list[KsRole] | None = None

    def __repr__(self) -> str:
        return f"KuaishouApi({self.shop!r})"

    def call(
        self, method: str, business: Mapping[str, object], *, idempotent: bool = True
    ) -> Mapping[str, object]:
        where = f"{self.shop}: {method}"

        def build() -> HttpRequest:
            params = kuaishou.request_params(
                method,
                business,
                app_key=self._keys["app_key"],
                access_token=self._keys["access_token"],
                sign_secret=self._keys["sign_secret"],
                sign_method=self._sign_method,
                now=datetime.now(UTC),
            )
            return HttpRequest(kuaishou.method_path(method), params)

        return self.client.call(
            build, lambda reply: _data(reply, where), idempotent=idempotent, label=where
        )

    def staffs(self) -> Iterator[Staff]:
        return paginate(self._staff_page, PAGE_SIZE)

    def _staff_page(self, number: int) -> Page[Staff]:
        business = {"page": number, "count": PAGE_SIZE, "includeDisabled": True}
        data = self.call("open.user.sub.account.list", business)
        found = tuple(staff for staff in map(_staff, _list(data, "staffs")) if staff)
        total = data.get("totalCount")
        return Page(found, total if isinstance(total, int) else None)

    def find_staff(self, nick: str) -> Staff | None:
        # Not `userName`: what the real API matches it against is undocumented, and a lookup that
        # misses after a timed-out create would make a duplicate.
        return next((staff for staff in self.staffs() if staff.nick == nick), None)

    def roles(self) -> list[KsRole]:
        """The shop's platform roles, read once: they cannot be created or changed by API."""
        if self._roles is None:
            data = self.call("open.user.sub.account.role.list", {})
            self._roles = [role for role in map(_role, _list(data, "roles")) if role]
        return list(self._roles)

    def create_staff(self, nick: str, role_ids: list[int], contact_phone: str) -> int:
        business = {"nickName": nick, "contactPhone": contact_phone, "roleIds": role_ids}
        data = self.call("open.user.sub.account.create", business, idempotent=False)
        return _id(data, "staffUserid", self.shop)

    def set_roles(self, staff_id: int, role_ids: list[int]) -> None:
        self.call("open.user.sub.account.update", {"staffUserId": staff_id, "roleIds": role_ids})

    def set_stopped(self, staff_id: int, stop: bool) -> None:
        business = {"staffUserId": staff_id, "stop": stop}
        self.call("open.user.sub.account.status.update", business)

    def remove(self, staff_id: int) -> None:
        self.call("open.user.sub.account.remove", {"staffUserId": staff_id})

    def group(self, group_id: int) -> KsGroup | None:
        """The group with this id; None when it is gone."""
        try:
            data = self.call("open.cs.dispatching.group.query", {"groupId": group_id})
        except NotFoundError:
            return None
        return _group(data)

    def add_group(self, name: str) -> int:
        data = self.call("open.cs.dispatching.group.add", {"groupName": name}, idempotent=False)
        return _id(data, "groupId", self.shop)

    def update_group(self, group_id: int, business: Mapping[str, object]) -> None:
        self.call("open.cs.dispatching.group.update", {"groupId": group_id, **business})

    def delete_group(self, group_id: int) -> None:
        self.call("open.cs.dispatching.group.del", {"groupId": group_id})


def _data(reply: HttpReply, where: str) -> Mapping[str, object]:
    body = reply.json_object(where)
    failure = kuaishou.parse_error(body)
    if failure is not None:
        raise kuaishou.to_error(failure, where)
    return kuaishou.data_of(body)


def _list(data: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [item for item in items if isinstance(item, Mapping)]


def _id(data: Mapping[str, object], key: str, shop: str) -> int:
    value = data.get(key)
    if not isinstance(value, int):
        raise TransientError(f"{shop}: the answer carries no {key}")
    return value


def _staff(item: Mapping[str, object]) -> Staff | None:
    staff_id, nick = item.get("staffUserId"), item.get("nickName")
    if not isinstance(staff_id, int) or not isinstance(nick, str) or item.get("deleted") is True:
        return None
    roles = tuple(sorted(role.name for role in map(_role, _list(item, "roleInfo")) if role))
    return Staff(staff_id, nick, item.get("disabled") is True, roles)


def _role(item: Mapping[str, object]) -> KsRole | None:
    role_id, name = item.get("roleId"), item.get("roleName")
    if not isinstance(role_id, int) or not isinstance(name, str):
        return None
    return KsRole(role_id, name)


def _group(item: Mapping[str, object]) -> KsGroup | None:
    group_id, name = item.get("groupId"), item.get("groupName")
    if not isinstance(group_id, int) or not isinstance(name, str):
        return None
    members = item.get("assistantIds")
    ids = tuple(m for m in members if isinstance(m, int)) if isinstance(members, list) else ()
    return KsGroup(group_id, name, ids)


class KuaishouReader:
    """Reads accounts (status, native roles), the platform roles and the recorded dispatch
    groups (`group_ids`: recorded name -> id; Kuaishou cannot list groups)."""

    def __init__(self, api: KuaishouApi, group_ids: Mapping[str, str]) -> None:
        self.api = api
        self.group_ids = group_ids

    def read(self) -> LiveShop:
        staffs = list(self.api.staffs())
        nicks = {staff.staff_id: staff.nick for staff in staffs}
        resources = [self.account(staff) for staff in staffs]
        resources += [self._role(role) for role in self.api.roles()]
        found = (self.api.group(int(i)) for i in self.group_ids.values() if i.isdigit())
        resources += [self.group(group, nicks) for group in found if group is not None]
        listed: frozenset[ResourceKind] = frozenset({"account", "role", "group"})
        return LiveShop({resource.address: resource for resource in resources}, listed)

    def account(self, staff: Staff) -> Resource:
        fields: dict[str, FieldValue] = {
            "status": "disabled" if staff.disabled else "active",
            "roles": staff.roles,
        }
        return Resource(self._address("account", staff.nick), fields, str(staff.staff_id))

    def group(self, group: KsGroup, nicks: Mapping[int, str]) -> Resource:
        members = tuple(sorted(nicks[i] for i in group.member_ids if i in nicks))
        fields: dict[str, FieldValue] = {"members": members}
        return Resource(self._address("group", group.name), fields, str(group.group_id))

    def _role(self, role: KsRole) -> Resource:
        return Resource(self._address("role", role.name), {}, str(role.role_id))

    def _address(self, kind: ResourceKind, name: str) -> Address:
        return Address(self.api.shop, kind, name)


class KuaishouWriter:
    """Carries out Kuaishou's `api` changes."""

    def __init__(
        self, api: KuaishouApi, group_ids: Mapping[str, str], contacts: Mapping[str, Secret]
    ) -> None:
        self.api = api
        self._reader = KuaishouReader(api, group_ids)
        self._group_ids = dict(group_ids)
        self._contacts = contacts
        self._role_ids: dict[str, int] | None = None

    def apply(self, change: Change) -> str | None:
        if change.execution != "api":
            raise InvalidError(f"{change.address}: a manual change is not applied through the API")
        kind, action = change.address.kind, change.action
        if kind == "account":
            return self._account(change)
        if kind == "group":
            return self._group(change)
        raise InvalidError(
            f"{change.address}: Kuaishou roles belong to the platform and cannot be {action}d;"
            " bind templates to them with native: {kuaishou: {roles: [...]}}"
        )

    def find(self, address: Address) -> Resource | None:
        if address.kind == "account":
            staff = self.api.find_staff(address.name)
            return None if staff is None else self._reader.account(staff)
        if address.kind == "group":
            group = self._find_group(address.name, None)
            return None if group is None else self._reader.group(group, self._nicks())
        role = next((r for r in self.api.roles() if r.name == address.name), None)
        return None if role is None else Resource(address, {}, str(role.role_id))

    # Accounts.

    def _account(self, change: Change) -> str | None:
        after = change.after()
        _check_fields(change, _FIELDS)
        if change.action == "create":
            return self._create_account(change, after)
        staff_id = self._staff_id(change)
        if change.action == "delete":
            self._ignore_missing(lambda: self.api.remove(staff_id))
            return None
        if "roles" in after:
            self.api.set_roles(staff_id, self._roles(after["roles"], change))
        if "status" in after:
            self.api.set_stopped(staff_id, after["status"] == "disabled")
        return None

    def _create_account(self, change: Change, after: Mapping[str, FieldValue]) -> str:
        nick, role_ids = change.address.name, self._roles(after.get("roles"), change)
        phone = self._contacts.get(nick)
        if phone is None:
            raise InvalidError(f"{change.address}: {CONTACT_PHONE_NEEDED}")

        def lookup() -> str | None:
            staff = self.api.find_staff(nick)
            return None if staff is None else str(staff.staff_id)

        create = lambda: str(self.api.create_staff(nick, role_ids, phone.reveal()))  # noqa: E731
        staff_id = create_once(create, lookup, label=str(change.address))
        if after.get("status") == "disabled":
            self.api.set_stopped(int(staff_id), True)
        return staff_id

    def _staff_id(self, change: Change) -> int:
        if change.remote_id and change.remote_id.isdigit():
            return int(change.remote_id)
        staff = self.api.find_staff(change.address.name)
        if staff is None:
            raise NotFoundError(f"{change.address}: no such sub-account on Kuaishou")
        return staff.staff_id

    def _roles(self, names: FieldValue, change: Change) -> list[int]:
        if self._role_ids is None:
            self._role_ids = {role.name: role.role_id for role in self.api.roles()}
        wanted = names if isinstance(names, tuple) else ()
        missing = [name for name in wanted if name not in self._role_ids]
        if missing:
            raise InvalidError(
                f"{change.address}: Kuaishou role(s) {', '.join(missing)} do not exist on this shop"
            )
        return sorted(self._role_ids[name] for name in wanted)

    # Dispatch groups.

    def _group(self, change: Change) -> str | None:
        _check_fields(change, _GROUP_FIELDS)
        after = change.after()
        if change.action == "create":
            return self._create_group(change, after)
        group = self._find_group(change.address.name, change.remote_id)
        if group is None:
            if change.action == "delete":
                return None
            raise NotFoundError(f"{change.address}: no such dispatch group on Kuaishou")
        if change.action == "delete":
            self._ignore_missing(lambda: self.api.delete_group(group.group_id))
            return None
        if "members" in after:
            wanted = set(self._member_ids(after["members"], change))
            self.api.update_group(
                group.group_id,
                {
                    "addAssistantId": sorted(wanted - set(group.member_ids)),
                    "delAssistantId": sorted(set(group.member_ids) - wanted),
                },
            )
        return None

    def _create_group(self, change: Change, after: Mapping[str, FieldValue]) -> str:
        members = self._member_ids(after.get("members"), change)
        try:
            group_id = self.api.add_group(change.address.name)
        except TransientError as exc:
            # Kuaishou cannot look a group up by name, so a lost answer cannot be checked.
            raise TransientError(
                f"{exc}; whether the group was created is unknown and Kuaishou cannot look a"
                " group up by name: check 客服 → 分流设置 in the back office before applying again"
            ) from exc
        self._group_ids[change.address.name] = str(group_id)
        if members:
            self.api.update_group(group_id, {"addAssistantId": members})
        return str(group_id)

    def _member_ids(self, members: FieldValue, change: Change) -> list[int]:
        ids = {nick: staff_id for staff_id, nick in self._nicks().items()}
        wanted = members if isinstance(members, tuple) else ()
        missing = [nick for nick in wanted if nick not in ids]
        if missing:
            raise NotFoundError(f"{change.address}: no sub-account named {', '.join(missing)}")
        return sorted(ids[nick] for nick in wanted)

    def _find_group(self, name: str, remote_id: str | None) -> KsGroup | None:
        group_id = remote_id or self._group_ids.get(name)
        return self.api.group(int(group_id)) if group_id and group_id.isdigit() else None

    def _nicks(self) -> dict[int, str]:
        return {staff.staff_id: staff.nick for staff in self.api.staffs()}

    @staticmethod
    def _ignore_missing(action: Callable[[], None]) -> None:
        # Deleting what is already gone (say, by an earlier attempt that timed out) is done.
        with contextlib.suppress(NotFoundError):
            action()


def _check_fields(change: Change, allowed: frozenset[str]) -> None:
    if change.action == "delete":
        return
    unsupported = sorted(set(change.after()) - allowed)
    if unsupported:
        raise InvalidError(f"{change.address}: Kuaishou's API cannot set {', '.join(unsupported)}")


class KuaishouConnector(RemoteConnector[KuaishouApi]):
    """A Kuaishou shop. Build with the shop's context; the keyword options are for tests and
    tuning: `timeout` per call (seconds), `retry` policy, `sign_method` (MD5, HMAC_SHA256)."""

    platform = KUAISHOU.name
    display_name = KUAISHOU.display_name
    capabilities: ClassVar[Capabilities] = KUAISHOU.capabilities

    def __init__(
        self,
        context: ShopContext,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        sign_method: kuaishou.SignMethod = kuaishou.DEFAULT_SIGN_METHOD,
    ) -> None:
        super().__init__(context, timeout=timeout, retry=retry)
        self._sign_method = sign_method

    def reader(self) -> KuaishouReader:
        return KuaishouReader(self._open()[0], self._group_ids())

    def writer(self) -> KuaishouWriter:
        return KuaishouWriter(self._open()[0], self._group_ids(), self.context.contacts)

    def _group_ids(self) -> dict[str, str]:
        recorded = self.context.recorded_ids
        return {a.name: remote for a, remote in recorded.items() if a.kind == "group"}

    def problems(self) -> tuple[Finding | str, ...]:
        """Templates bound to no Kuaishou role, or to a role this shop does not have: each at
        the template (or its binding) in the config."""
        if not self.context.roles:
            return ()
        existing = sorted(role.name for role in self._open()[0].roles())
        found: list[Finding | str] = []
        for name, binding in sorted(self.context.roles.items()):
            if not binding.native_roles:
                found.append(Finding(("roles", name), _unbound(name, existing), at_key=True))
            found += [
                Finding(
                    ("roles", name, "native", "kuaishou", "roles"), _unknown(name, role, existing)
                )
                for role in binding.native_roles
                if role not in existing
            ]
        return tuple(found)

    def _connect(self) -> tuple[KuaishouApi, BackOfficeDesk | None]:
        context = self.context
        endpoint = resolve_endpoint(context, kuaishou.PRODUCTION_URL, DEFAULT_RATE)
        keys = require_credentials(endpoint.credentials, CREDENTIALS, context.name)
        client = self._client(
            endpoint,
            endpoint.base_url,
            keys["app_key"],
            [
                keys["sign_secret"],
                keys["access_token"],
                *_optional_secret(context),
                *(phone.reveal() for phone in context.contacts.values()),
            ],
        )
        return KuaishouApi(client, context.name, keys, self._sign_method), endpoint.desk


def _optional_secret(context: ShopContext) -> list[str]:
    secret = context.credentials.get("app_secret")
    return [secret.reveal()] if secret is not None else []


def _unbound(template: str, existing: list[str]) -> str:
    return (
        f"role template '{template}' is not bound to any Kuaishou role: add"
        f" native: {{kuaishou: {{roles: [...]}}}} naming some of {', '.join(existing)}"
    )


def _unknown(template: str, role: str, existing: list[str]) -> str:
    close = difflib.get_close_matches(role, existing, n=1, cutoff=0.4)
    hint = f" (did you mean '{close[0]}'?)" if close else f" (it has {', '.join(existing)})"
    return f"role template '{template}' binds to Kuaishou role '{role}', which this shop does not have{hint}"
