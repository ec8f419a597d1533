"""JD (京东) through JOS: sub-accounts and their roles read live; every change a manual task.

JOS's 子账号API group reads but never writes (shared/research/platform-apis-round2.md §1.1):
- `jingdong.vender.childAccount.query`: the sub-accounts, 20 a page at most (status 1 启用,
  0 停用);
- `jingdong.vender.role.list`: the shop's roles, 20 a page at most;
- `jingdong.vender.childaccount.role.query` and `.privilege.query`: the roles and permission
  codes of at most 20 accounts a call, so accounts are asked for in batches of 20.
There is no create, delete, disable or role-assign call: creating and deleting accounts,
setting their roles and status, and creating roles stay manual tasks, but the live read shows
drift, feeds `import --shop`, and confirms that a person really did a task.

Some of these APIs may be retired (a 2024 SDK keeps only `childAccount.query`): when JOS says a
role or privilege API does not exist or may not be called, the accounts' roles count as recorded
and the plan carries one warning saying so; only the account listing itself is required.

A JD shop with no endpoint and no credentials at all is planned as before JD could be read: from
the recorded state, with a warning saying how to read it live.

Conventions: an account's nickname is its JD account name (登录用户名); its `roles` are JD
role names, which are the role template names (a person creates one JD role per template).
Credentials: `app_key`, `app_secret`, `access_token`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar, TypeVar

from provisioner.connectors.base import (
    BackOfficeDesk,
    Capabilities,
    LiveShop,
)
from provisioner.connectors.endpoints import require_credentials, resolve_endpoint
from provisioner.connectors.http import (
    HttpClient,
    HttpReply,
    HttpRequest,
    Page,
    paginate,
)
from provisioner.connectors.remote import RemoteConnector
from provisioner.errors import InvalidError, TransientError
from provisioner.platforms.builtin import JD
from provisioner.resources import Address, Change, FieldValue, Resource, ResourceKind
from provisioner.wire import jos

T = TypeVar("T")
DEFAULT_RATE = 10.0  # calls per second per app key, when the shop sets no rate_limit
CREDENTIALS = ("app_key", "app_secret", "access_token")


@dataclass(frozen=True)
class ChildAccount:
    account_id: str
    name: str
    disabled: bool


@dataclass(frozen=True)
class JdRole:
    role_id: str
    name: str


class JdApi:
    """The JOS reads of one shop, signed and decoded."""

    def __init__(self, client: HttpClient, shop: str, keys: Mapping[str, str]) -> None:
        self.client = client
        self.shop = shop
        self._keys = dict(keys)

    def __repr__(self) -> str:
        return f"JdApi({self.shop!r})"

    def call(
        self, method: str, business: Mapping[str, object], result: str
    ) -> Mapping[str, object]:
        """The `result` object of one call's answer (`child_account_result`, ...)."""
        where = f"{self.shop}: {method}"

        def build() -> HttpRequest:
            params = jos.request_params(
                method,
                business,
                app_key=self._keys["app_key"],
                secret=self._keys["app_secret"],
                access_token=self._keys["access_token"],
                now=datetime.now(UTC),
            )
            return HttpRequest(jos.ROUTER_PATH, params)

        return self.client.call(
            build, lambda reply: _result(reply, method, result, where), idempotent=True, label=where
        )

    def accounts(self) -> Iterator[ChildAccount]:
        return paginate(self._account_page, jos.PAGE_SIZE_MAX)

    def _account_page(self, number: int) -> Page[ChildAccount]:
        business = {"page": number, "size": jos.PAGE_SIZE_MAX}
        found = self.call(jos.CHILD_ACCOUNTS, business, "child_account_result")
        items = _entries(found, "child_account_s", "child_account")
        return Page(tuple(a for a in map(_account, items) if a), _count(found))

    def roles(self) -> list[JdRole]:
        return list(paginate(self._role_page, jos.PAGE_SIZE_MAX))

    def _role_page(self, number: int) -> Page[JdRole]:
        found = self.call(jos.ROLES, {"page": number, "size": jos.PAGE_SIZE_MAX}, "result")
        items = _entries(found, "role_v_o_s", "role_v_o")
        return Page(tuple(r for r in map(_role, items) if r), _count(found))

    def account_roles(self, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each account's role names, asking for 20 accounts a call."""
        held: dict[str, set[str]] = {name: set() for name in names}
        for batch in _batches(names):
            found = self.call(
                jos.ACCOUNT_ROLES, {"account_name_s": ",".join(batch)}, "account_role_result"
            )
            for item in _entries(found, "account_role_s", "account_role"):
                name, role = item.get("account_name"), item.get("role_name")
                if isinstance(name, str) and isinstance(role, str) and name in held:
                    held[name].add(role)
        return {name: tuple(sorted(roles)) for name, roles in held.items()}

    def account_codes(self, names: Sequence[str]) -> dict[str, tuple[str, ...]]:
        """Each account's permission codes, asking for 20 accounts a call."""
        codes: dict[str, tuple[str, ...]] = {}
        for batch in _batches(names):
            found = self.call(
                jos.ACCOUNT_PRIVILEGES,
                {"account_name_s": ",".join(batch)},
                "account_privilege_result",
            )
            for item in _entries(found, "account_privilege_s", "account_privilege"):
                name, text = item.get("account_name"), item.get("codes")
                if isinstance(name, str):
                    listed = text.split(",") if isinstance(text, str) else []
                    codes[name] = tuple(sorted(c for c in listed if c))
        return codes


def _batches(names: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(names), jos.NAMES_PER_CALL):
        yield names[start : start + jos.NAMES_PER_CALL]


def _result(reply: HttpReply, method: str, key: str, where: str) -> Mapping[str, object]:
    body = reply.json_object(where)
    failure = jos.parse_error(body)
    if failure is not None:
        raise jos.to_error(failure, where)
    answer = jos.answer_of(body, method)
    result = answer.get(key) if answer is not None else None
    if not isinstance(result, Mapping):
        raise TransientError(f"{where}: the answer has no {key}")
    if str(result.get("is_success", "true")).lower() == "false":
        code, message = result.get("error_code"), result.get("error_msg")
        raise jos.business_error(str(code or ""), str(message or ""), where)
    return result


def _entries(result: Mapping[str, object], outer: str, inner: str) -> list[Mapping[str, object]]:
    """`{"child_account_s": [{"child_account": {...}}]}` -> the inner objects."""
    items = result.get(outer)
    if not isinstance(items, list):
        return []
    found = (item.get(inner) if isinstance(item, Mapping) else None for item in items)
    return [entry for entry in found if isinstance(entry, Mapping)]


def _count(result: Mapping[str, object]) -> int | None:
    total = result.get("total_count")
    text = str(total) if isinstance(total, int | str) else ""
    return int(text) if text.isdigit() else None


def _account(item: Mapping[str, object]) -> ChildAccount | None:
    account_id, name = item.get("account_id"), item.get("account_name")
    if not isinstance(name, str) or account_id is None:
        return None
    return ChildAccount(str(account_id), name, str(item.get("status")) == "0")


def _role(item: Mapping[str, object]) -> JdRole | None:
    role_id, name = item.get("role_id"), item.get("name")
    if not isinstance(name, str) or role_id is None:
        return None
    return JdRole(str(role_id), name)


class JdReader:
    """Reads accounts (status, roles) and which roles exist; never changes anything."""

    def __init__(self, api: JdApi) -> None:
        self.api = api

    def read(self) -> LiveShop:
        accounts = list(self.api.accounts())
        unread: dict[ResourceKind, frozenset[str]] = {}
        warnings: list[str] = []
        listed: set[ResourceKind] = {"account"}
        roles = self._optional(warnings, self.api.roles)
        if roles is not None:
            listed.add("role")
        names = [account.name for account in accounts]
        held = self._optional(warnings, lambda: self.api.account_roles(names)) if names else {}
        if held is None:
            unread["account"] = frozenset({"roles"})
        resources = [
            self.account(a, None if held is None else held.get(a.name, ())) for a in accounts
        ]
        resources += [Resource(self._address("role", r.name), {}, r.role_id) for r in roles or ()]
        return LiveShop(
            {r.address: r for r in resources}, frozenset(listed), unread, tuple(warnings)
        )

    def _optional(self, warnings: list[str], read: Callable[[], T]) -> T | None:
        try:
            return read()
        except jos.ApiUnavailableError as exc:
            warnings.append(f"{exc}; reading on without it: what it would show counts as recorded")
            return None

    def account(self, account: ChildAccount, roles: tuple[str, ...] | None) -> Resource:
        fields: dict[str, FieldValue] = {"status": "disabled" if account.disabled else "active"}
        if roles is not None:
            fields["roles"] = roles
        return Resource(self._address("account", account.name), fields, account.account_id)

    def _address(self, kind: ResourceKind, name: str) -> Address:
        return Address(self.api.shop, kind, name)


class JdWriter:
    """JD has no API that changes anything: every change is manual; `find` reads."""

    def __init__(self, api: JdApi) -> None:
        self.api = api
        self._reader = JdReader(api)

    def apply(self, change: Change) -> str | None:
        raise InvalidError(
            f"{change.address}: JD has no API to {change.action} a {change.address.kind}"
        )

    def find(self, address: Address) -> Resource | None:
        live = self._reader.read()
        return live.resources.get(address)


class _Unread:
    """A JD shop configured with no way to reach JOS: nothing is read, the recorded state counts."""

    def __init__(self, shop: str) -> None:
        self.shop = shop

    def read(self) -> LiveShop:
        warning = (
            f"{self.shop}: no JOS credentials, so its accounts are not read live (the recorded"
            " state counts); add app_key, app_secret and access_token under credentials: to read them"
        )
        return LiveShop(warnings=(warning,))

    def apply(self, change: Change) -> str | None:
        raise InvalidError(
            f"{change.address}: JD has no API to {change.action} a {change.address.kind}"
        )

    def find(self, address: Address) -> Resource | None:
        return None


class JdConnector(RemoteConnector[JdApi]):
    """A JD shop. Build with the shop's context; `timeout` per call (seconds) and `retry`
    policy are for tests and tuning."""

    platform = JD.name
    display_name = JD.display_name
    capabilities: ClassVar[Capabilities] = JD.capabilities

    def reader(self) -> JdReader | _Unread:
        if self._offline:
            return _Unread(self.context.name)
        return JdReader(self._open()[0])

    def writer(self) -> JdWriter | _Unread:
        if self._offline:
            return _Unread(self.context.name)
        return JdWriter(self._open()[0])

    def desk(self) -> BackOfficeDesk | None:
        return None if self._offline else super().desk()

    @property
    def _offline(self) -> bool:
        return self.context.shop.endpoint is None and not self.context.credentials

    def _connect(self) -> tuple[JdApi, BackOfficeDesk | None]:
        context = self.context
        endpoint = resolve_endpoint(context, jos.PRODUCTION_URL, DEFAULT_RATE)
        keys = require_credentials(endpoint.credentials, CREDENTIALS, context.name)
        client = self._client(
            endpoint, endpoint.base_url, keys["app_key"], [keys["app_secret"], keys["access_token"]]
        )
        return JdApi(client, context.name, keys), endpoint.desk
