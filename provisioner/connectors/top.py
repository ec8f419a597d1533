"""Tmall and Taobao through TOP (Taobao Open Platform): what its API can and cannot do.

Reads: `taobao.sellercenter.subusers.page` (sub-accounts, status, dispatch),
`taobao.subuser.fullinfo.get` (one sub-account by name, for lookups),
`taobao.sellercenter.roles.get` (roles), `taobao.sellercenter.subuser.permissions.roles.get`
(one call per account: its roles). Writes: `taobao.subuser.info.update`
(`is_disable_subaccount`, `is_dispatch`) and `taobao.sellercenter.role.add` (roles cannot be
changed or deleted afterwards). Everything else is a manual task: creating and deleting
sub-accounts, assigning roles, reception limits, schedules, dispatch groups.

Conventions: accounts are addressed by nickname; TOP names a sub-account "<main_account>:
<nickname>" and the prefix is stripped when reading. An account's `roles` are TOP role names,
which are the role template names (the engine creates one TOP role per template). A role's
permission codes are the catalog's native codes for its permissions plus its `native` extras.

Credentials: `app_key`, `app_secret`, `session`; signed with `hmac-sha256` unless the connector
is built with another `sign_method`. Answers are read in TOP's classic (non-`simplify`) shape.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import ClassVar

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
from provisioner.connectors.native import native_codes
from provisioner.connectors.remote import RemoteConnector
from provisioner.errors import InvalidError, NotFoundError, TransientError
from provisioner.platforms.builtin import TAOBAO, TMALL, TOP_CAPABILITIES
from provisioner.resources import Address, Change, FieldValue, Resource, ResourceKind
from provisioner.wire import top

DEFAULT_RATE = 10.0  # calls per second per app key, when the shop sets no rate_limit
PAGE_SIZE = top.PAGE_SIZE_MAX
CREDENTIALS = ("app_key", "app_secret", "session")
ROLE_DESCRIPTION = "provisioner role template"


@dataclass(frozen=True)
class SubUser:
    sub_id: int
    nick: str
    disabled: bool
    dispatch: bool


@dataclass(frozen=True)
class TopRole:
    role_id: int
    name: str


class TopApi:
    """The five TOP calls of one shop, signed and decoded."""

    def __init__(
        self,
        client: HttpClient,
        shop: str,
        keys: Mapping[str, str],
        sign_method: top.SignMethod,
        main_account: str,
    ) -> None:
        self.client = client
        self.shop = shop
        self.main_account = main_account
        self._keys = dict(keys)
        self._sign_method = sign_method

    def __repr__(self) -> str:
        return f"TopApi({self.shop!r})"

    def call(
        self, method: str, business: Mapping[str, top.Param], *, idempotent: bool = True
    ) -> Mapping[str, object]:
        where = f"{self.shop}: {method}"

        def build() -> HttpRequest:
            params = top.request_params(
                method,
                business,
                app_key=self._keys["app_key"],
                secret=self._keys["app_secret"],
                session=self._keys["session"],
                sign_method=self._sign_method,
                now=datetime.now(UTC),
            )
            return HttpRequest(top.ROUTER_PATH, params)

        return self.client.call(
            build, lambda reply: _answer(reply, method, where), idempotent=idempotent, label=where
        )

    def subusers(self) -> Iterator[SubUser]:
        return paginate(self._subuser_page, PAGE_SIZE)

    def _subuser_page(self, number: int) -> Page[SubUser]:
        answer = self.call(
            "taobao.sellercenter.subusers.page",
            {"nick": self.main_account, "page_num": number, "page_size": PAGE_SIZE},
        )
        items = top.unwrap_list(answer, "subusers", "sub_user_info")
        found = tuple(sub for sub in map(_subuser, items) if sub is not None)
        total = answer.get("total_count")
        return Page(found, total if isinstance(total, int) else None)

    def fullinfo(self, sub_nick: str) -> SubUser | None:
        """One sub-account by its full name (`taobao.subuser.fullinfo.get`): one call, where
        finding it in the listing would page through every sub-account."""
        try:
            answer = self.call("taobao.subuser.fullinfo.get", {"sub_nick": sub_nick})
        except NotFoundError:
            return None
        info = answer.get("sub_fullinfo")
        if not isinstance(info, Mapping):
            return None
        sub_id, nick = info.get("sub_id"), info.get("sub_nick")
        if not isinstance(sub_id, int) or not isinstance(nick, str):
            return None
        # sub_status: 1 normal, 2 stopped by the seller, 3 frozen as a penalty.
        return SubUser(
            sub_id, nick, info.get("sub_status") != 1, info.get("sub_dispatch_status") is True
        )

    def roles(self) -> list[TopRole]:
        answer = self.call("taobao.sellercenter.roles.get", {"nick": self.main_account})
        items = top.unwrap_list(answer, "roles", "role")
        return [role for role in map(_role, items) if role is not None]

    def subuser_roles(self, nick: str) -> tuple[str, ...]:
        answer = self.call("taobao.sellercenter.subuser.permissions.roles.get", {"nick": nick})
        permission = answer.get("subuser_permission")
        items = (
            top.unwrap_list(permission, "roles", "role") if isinstance(permission, Mapping) else []
        )
        return tuple(sorted(role.name for role in map(_role, items) if role is not None))

    def update_subuser(self, sub_id: int, *, disabled: bool | None, dispatch: bool | None) -> None:
        business: dict[str, top.Param] = {"sub_id": sub_id}
        if disabled is not None:
            business["is_disable_subaccount"] = disabled
        if dispatch is not None:
            business["is_dispatch"] = dispatch
        self.call("taobao.subuser.info.update", business)

    def add_role(self, name: str, codes: tuple[str, ...]) -> int:
        business: dict[str, top.Param] = {
            "nick": self.main_account,
            "name": name,
            "permission_codes": codes,
            "description": ROLE_DESCRIPTION,
        }
        answer = self.call("taobao.sellercenter.role.add", business, idempotent=False)
        role = _role(answer.get("role"))
        if role is None:
            raise TransientError(
                f"{self.shop}: taobao.sellercenter.role.add: no role in the answer"
            )
        return role.role_id


def _answer(reply: HttpReply, method: str, where: str) -> Mapping[str, object]:
    body = reply.json_object(where)
    failure = top.parse_error(body)
    if failure is not None:
        raise top.to_error(failure, where)
    answer = body.get(top.response_key(method))
    if not isinstance(answer, Mapping):
        raise TransientError(f"{where}: the answer has no {top.response_key(method)}")
    return answer


def _subuser(item: object) -> SubUser | None:
    # status: 1 normal, 2 stopped by the seller, 3 frozen as a penalty, -1 deleted.
    if not isinstance(item, Mapping) or item.get("status") == -1:
        return None
    sub_id, nick = item.get("sub_id"), item.get("nick")
    if not isinstance(sub_id, int) or not isinstance(nick, str):
        return None
    return SubUser(sub_id, nick, item.get("status") != 1, item.get("is_online") == 2)


def _role(item: object) -> TopRole | None:
    if not isinstance(item, Mapping):
        return None
    role_id, name = item.get("role_id"), item.get("role_name")
    if not isinstance(role_id, int) or not isinstance(name, str):
        return None
    return TopRole(role_id, name)


def nickname(sub_nick: str) -> str:
    """`acme官方旗舰店:小王` -> `小王`."""
    return sub_nick.partition(top.SUBUSER_SEPARATOR)[2] or sub_nick


class TopReader:
    """Reads accounts (status, dispatch, roles) and which roles exist; never changes anything.

    The roles of an account in `trusted` (`plan --refresh=changed`) are taken from its record:
    one call saved per account the config does not change.
    """

    def __init__(self, api: TopApi, trusted: Mapping[str, Resource] | None = None) -> None:
        self.api = api
        self.trusted = trusted or {}

    def read(self) -> LiveShop:
        resources: dict[Address, Resource] = {}
        for role in self.api.roles():
            resources[self._address("role", role.name)] = self._role(role)
        subusers = list(self.api.subusers())
        for sub in subusers:
            account = self.account(sub)
            resources[account.address] = account
        trusted = sum(self._recorded_roles(sub) is not None for sub in subusers)
        return LiveShop(resources, frozenset({"account", "role"}), warnings=self._note(trusted))

    def account(self, sub: SubUser) -> Resource:
        roles = self._recorded_roles(sub)
        fields: dict[str, FieldValue] = {
            "status": "disabled" if sub.disabled else "active",
            "roles": roles if roles is not None else self.api.subuser_roles(sub.nick),
            "dispatch": sub.dispatch,
        }
        return Resource(self._address("account", nickname(sub.nick)), fields, str(sub.sub_id))

    def _recorded_roles(self, sub: SubUser) -> FieldValue:
        """The trusted record's roles, or None: read them. An account made again under the same
        name has a new id: it is another account, and its record says nothing of it."""
        record = self.trusted.get(nickname(sub.nick))
        if record is None or record.remote_id != str(sub.sub_id):
            return None
        return record.fields.get("roles")

    def _note(self, trusted: int) -> tuple[str, ...]:
        if not trusted:
            return ()
        return (
            f"{self.api.shop}: --refresh=changed: the roles of {trusted} account(s) the config "
            "does not change were taken as recorded, not read; drift there is not checked "
            "(a full plan checks it)",
        )

    def _role(self, role: TopRole) -> Resource:
        return Resource(self._address("role", role.name), {}, str(role.role_id))

    def _address(self, kind: ResourceKind, name: str) -> Address:
        return Address(self.api.shop, kind, name)


class TopWriter:
    """Carries out TOP's `api` changes."""

    def __init__(self, api: TopApi, platform: str) -> None:
        self.api = api
        self.platform = platform
        self._reader = TopReader(api)

    def apply(self, change: Change) -> str | None:
        kind, action = change.address.kind, change.action
        if change.execution != "api":
            raise InvalidError(f"{change.address}: a manual change is not applied through the API")
        if kind == "account" and action == "update":
            self._update_account(change)
            return None
        if kind == "role" and action == "create":
            return self._create_role(change)
        raise InvalidError(
            f"{change.address}: {self.platform} cannot {action} a {kind} through its API"
        )

    def find(self, address: Address) -> Resource | None:
        if address.kind == "account":
            sub = self._subuser(address.name)
            return None if sub is None else self._reader.account(sub)
        if address.kind == "role":
            role = next((r for r in self.api.roles() if r.name == address.name), None)
            return None if role is None else Resource(address, {}, str(role.role_id))
        return None

    def _update_account(self, change: Change) -> None:
        after = change.after()
        unsupported = sorted(set(after) - TOP_CAPABILITIES["account"].writable)
        if unsupported:
            raise InvalidError(f"{change.address}: TOP cannot set {', '.join(unsupported)}")
        self.api.update_subuser(
            self._sub_id(change),
            disabled=after["status"] == "disabled" if "status" in after else None,
            dispatch=bool(after["dispatch"]) if "dispatch" in after else None,
        )

    def _sub_id(self, change: Change) -> int:
        if change.remote_id and change.remote_id.isdigit():
            return int(change.remote_id)
        sub = self._subuser(change.address.name)
        if sub is None:
            raise NotFoundError(f"{change.address}: no such sub-account on {self.platform}")
        return sub.sub_id

    def _subuser(self, name: str) -> SubUser | None:
        return self.api.fullinfo(f"{self.api.main_account}{top.SUBUSER_SEPARATOR}{name}")

    def _create_role(self, change: Change) -> str:
        name, codes = change.address.name, native_codes(self.platform, change.after())

        def lookup() -> str | None:
            found = self.find(change.address)
            return found.remote_id if found else None

        return create_once(
            lambda: str(self.api.add_role(name, codes)), lookup, label=str(change.address)
        )


class TopConnector(RemoteConnector[TopApi]):
    """A shop on TOP. Build with the shop's context; the keyword options are for tests and
    tuning: `timeout` per call (seconds), `retry` policy, `sign_method` (md5, hmac,
    hmac-sha256)."""

    capabilities: ClassVar[Capabilities] = TOP_CAPABILITIES

    def __init__(
        self,
        context: ShopContext,
        *,
        timeout: float | None = None,
        retry: RetryPolicy | None = None,
        sign_method: top.SignMethod = top.DEFAULT_SIGN_METHOD,
    ) -> None:
        super().__init__(context, timeout=timeout, retry=retry)
        self._sign_method = sign_method

    def reader(self) -> TopReader:
        return TopReader(self._open()[0], self.context.trusted)

    def writer(self) -> TopWriter:
        return TopWriter(self._open()[0], self.platform)

    def _connect(self) -> tuple[TopApi, BackOfficeDesk | None]:
        context = self.context
        base = top.PRODUCTION_URL.removesuffix(top.ROUTER_PATH)
        endpoint = resolve_endpoint(context, base, DEFAULT_RATE)
        keys = require_credentials(endpoint.credentials, CREDENTIALS, context.name)
        # The sandbox names a seller's main account after its shop when the config says nothing.
        main = context.shop.main_account or (context.name if endpoint.is_sandbox else None)
        if main is None:
            raise InvalidError(f"{context.name}: {self.platform} shops need main_account")
        client = self._client(
            endpoint,
            endpoint.base_url.removesuffix(top.ROUTER_PATH),
            keys["app_key"],
            [keys["app_secret"], keys["session"]],
        )
        return TopApi(client, context.name, keys, self._sign_method, main), endpoint.desk


class TmallConnector(TopConnector):
    platform = TMALL.name
    display_name = TMALL.display_name


class TaobaoConnector(TopConnector):
    platform = TAOBAO.name
    display_name = TAOBAO.display_name
