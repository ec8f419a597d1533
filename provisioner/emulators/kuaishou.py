"""The Kuaishou open API (`/open/...`) as the emulator answers it.

Checks, in order: the method named by the path (29), app key (23), the app key's call budget
(28 "Exceed qps limit"), timestamp (27, more than 10 minutes off), version and signMethod (10),
signature (20), access token (22), `param` as a JSON object (10). Rules: a taken nickname or
group name is 12, an unknown staff/group/role 11, a missing or bad argument 10. (Codes 21, 24
and 26 are Kuaishou's own; see `provisioner.wire.kuaishou`.)

Requests follow the request models of the `kwaixiaodian` SDK, which mirrors the official Java
SDK (AndersonBY/kwaixiaodian-python-sdk `src/kwaixiaodian/models/user.py`,
`models/customer_service.py`): `open.user.sub.account.create` requires `nickName`,
`contactPhone` and `roleIds`; `open.cs.dispatching.group.add` takes `groupName` only and answers
`{"groupId"}`; `group.update` takes `groupId`, `addAssistantId`, `delAssistantId`; `group.query`
and `group.del` require `groupId`. A parameter the platform requires and the request lacks is
refused (10), so a client bug cannot hide here. Groups have no description through the API (the
back office keeps one). Invented, as the SDK leaves it open: `group.query` answers
`{"groupId", "groupName", "assistantIds"}`, assistant ids being staff user ids.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import NoReturn

from provisioner.emulators import accounts, groups, roles
from provisioner.emulators.calls import Call
from provisioner.emulators.family import Family
from provisioner.emulators.identity import APP_KEY, APP_SECRET, SIGN_SECRET, seller_for
from provisioner.emulators.ratelimit import Limiter
from provisioner.emulators.store import Duplicate, EmulatorError, Invalid, NotFound, Store, Tenant
from provisioner.wire import kuaishou
from provisioner.wire.kuaishou import KuaishouError

Params = Mapping[str, str]
Args = Mapping[str, object]
Handler = Callable[[Tenant, Args], dict[str, object]]


class Refusal(Exception):
    def __init__(self, failure: KuaishouError) -> None:
        super().__init__(failure.describe())
        self.failure = failure


def handle(store: Store, limiter: Limiter, call: Call) -> dict[str, object]:
    """The JSON body Kuaishou answers `call` with."""
    try:
        handler = _checked(limiter, call)
        args = _args(call.params)
        seller = seller_for(call.params["access_token"])
        assert seller is not None  # _checked refused any other token
        with store.tenant("kuaishou", seller) as tenant:
            return kuaishou.success_body(handler(tenant, args))
    except Refusal as refusal:
        return kuaishou.error_body(refusal.failure)
    except EmulatorError as exc:
        return kuaishou.error_body(_business_error(exc))


def _checked(limiter: Limiter, call: Call) -> Handler:
    method, params = call.method, call.params
    handler = METHODS.get(method)
    if handler is None or params.get("method", method) != method:
        _refuse(kuaishou.UNKNOWN_METHOD, method)
    if params.get("appkey") != APP_KEY:
        _refuse(kuaishou.INVALID_APP_KEY)
    if limiter.check(params["appkey"], call.qps) is not None:
        _refuse(kuaishou.RATE_LIMITED)
    if not kuaishou.timestamp_fresh(params.get("timestamp", ""), call.now):
        _refuse(kuaishou.INVALID_TIMESTAMP)
    _check_sign(params)
    if seller_for(params.get("access_token", "")) is None:
        _refuse(kuaishou.INVALID_ACCESS_TOKEN)
    return handler


def _check_sign(params: Params) -> None:
    if params.get("version") != kuaishou.API_VERSION:
        _refuse(kuaishou.INVALID_PARAMETER, "version must be 1")
    sign_method = params.get("signMethod", "MD5")
    if sign_method not in kuaishou.SIGN_METHODS:
        _refuse(kuaishou.INVALID_PARAMETER, "signMethod must be MD5 or HMAC_SHA256")
    expected = kuaishou.sign(params, SIGN_SECRET, sign_method)
    if params.get("sign") != expected:
        _refuse(kuaishou.INVALID_SIGNATURE)


def _refuse(code: int, detail: str = "") -> NoReturn:
    raise Refusal(kuaishou.error(code, detail))


def _args(params: Params) -> Args:
    try:
        args = json.loads(params.get("param") or "{}")
    except ValueError:
        _refuse(kuaishou.INVALID_PARAMETER, "param is not JSON")
    if not isinstance(args, dict):
        _refuse(kuaishou.INVALID_PARAMETER, "param must be a JSON object")
    return args


def _business_error(exc: EmulatorError) -> KuaishouError:
    if isinstance(exc, Invalid):
        return kuaishou.error(kuaishou.INVALID_PARAMETER, str(exc))
    if isinstance(exc, NotFound):
        return kuaishou.error(kuaishou.NOT_FOUND, str(exc))
    if isinstance(exc, Duplicate):
        return kuaishou.error(kuaishou.CONFLICT, str(exc))
    return kuaishou.error(kuaishou.SERVICE_BUSY, str(exc))


# Arguments.


def _int(args: Args, name: str, default: int | None = None, high: int = 2**62) -> int:
    value = args.get(name, default)
    if value is None:
        raise Invalid(name, "is required")
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
        raise Invalid(name, f"must be a whole number from 1 to {high}")
    return value


def _text(args: Args, name: str) -> str:
    value = args.get(name)
    if not isinstance(value, str) or not value:
        raise Invalid(name, "is required")
    return value


def _optional_text(args: Args, name: str) -> str | None:
    value = args.get(name)
    if value is not None and not isinstance(value, str):
        raise Invalid(name, "must be a string")
    return value


def _ids(args: Args, name: str) -> list[int] | None:
    value = args.get(name)
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(item, int) and not isinstance(item, bool) for item in value
    ):
        raise Invalid(name, "must be a list of ids")
    return value


def _flag(args: Args, name: str, default: bool | None = None) -> bool:
    value = args.get(name, default)
    if not isinstance(value, bool):
        raise Invalid(name, "must be true or false")
    return value


# Sub-accounts.


def _list(tenant: Tenant, args: Args) -> dict[str, object]:
    page = _int(args, "page", 1)
    count = _int(args, "count", 20, kuaishou.PAGE_SIZE_MAX)
    query = accounts.Query(
        include_disabled=_flag(args, "includeDisabled", False),
        nick_contains=_optional_text(args, "userName"),
    )
    found, total = accounts.list_accounts(tenant, query, (page - 1) * count, count)
    every = accounts.Query(nick_contains=query.nick_contains)
    _, disabled = accounts.list_accounts(tenant, replace(every, only_disabled=True), 0, 0)
    _, normal = accounts.list_accounts(tenant, replace(every, only_disabled=False), 0, 0)
    return {
        "staffs": [_staff(account) for account in found],
        "totalCount": total,
        "normalCount": normal,
        "disabledCount": disabled,
        "deletedCount": 0,
    }


def _staff(account: accounts.Account) -> dict[str, object]:
    return {
        "staffUserId": account.id,
        "nickName": account.nick,
        "disabled": account.disabled,
        "deleted": False,
        "roleInfo": [{"roleId": role.id, "roleName": role.name} for role in account.roles],
        "contactPhone": account.contact_phone,
        "remarks": account.remarks,
        "updateTime": int(account.updated * 1000),
    }


def _role_list(tenant: Tenant, args: Args) -> dict[str, object]:
    found = roles.list_roles(tenant)
    items = [{"roleId": r.id, "roleName": r.name, "roleDesc": r.description} for r in found]
    return {"roles": items}


def _create(tenant: Tenant, args: Args) -> dict[str, object]:
    nick = _text(args, "nickName")
    _text(args, "contactPhone")
    role_ids = _ids(args, "roleIds")
    if role_ids is None:
        raise Invalid("roleIds", "is required")
    account_id = accounts.create_account(tenant, nick, _contact_patch(args))
    accounts.set_roles(tenant, account_id, role_ids)
    return {"staffUserid": account_id}


def _contact_patch(args: Args) -> accounts.AccountPatch:
    """The account settings `create` and `update` both take: contact phone and remarks."""
    return accounts.AccountPatch(
        contact_phone=_optional_text(args, "contactPhone"),
        remarks=_optional_text(args, "remarks"),
    )


def _update(tenant: Tenant, args: Args) -> dict[str, object]:
    account_id = _int(args, "staffUserId")
    patch = _contact_patch(args)
    accounts.update_account(tenant, account_id, patch)
    role_ids = _ids(args, "roleIds")
    if role_ids is not None:
        accounts.set_roles(tenant, account_id, role_ids)
    return {"success": True}


def _status_update(tenant: Tenant, args: Args) -> dict[str, object]:
    patch = accounts.AccountPatch(disabled=_flag(args, "stop"))
    accounts.update_account(tenant, _int(args, "staffUserId"), patch)
    return {"success": True}


def _remove(tenant: Tenant, args: Args) -> dict[str, object]:
    accounts.delete_account(tenant, _int(args, "staffUserId"))
    return {"success": True}


# Dispatch groups.


def _group_add(tenant: Tenant, args: Args) -> dict[str, object]:
    return {"groupId": groups.create_group(tenant, _text(args, "groupName"))}


def _group_update(tenant: Tenant, args: Args) -> dict[str, object]:
    group_id = _int(args, "groupId")
    add, remove = _ids(args, "addAssistantId") or [], _ids(args, "delAssistantId") or []
    groups.change_members(tenant, group_id, add, remove)
    return {}


def _group_del(tenant: Tenant, args: Args) -> dict[str, object]:
    groups.delete_group(tenant, _int(args, "groupId"))
    return {}


def _group_query(tenant: Tenant, args: Args) -> dict[str, object]:
    group = groups.get_group(tenant, _int(args, "groupId"))
    return {"groupId": group.id, "groupName": group.name, "assistantIds": list(group.member_ids)}


METHODS: Mapping[str, Handler] = {
    "open.user.sub.account.list": _list,
    "open.user.sub.account.role.list": _role_list,
    "open.user.sub.account.create": _create,
    "open.user.sub.account.update": _update,
    "open.user.sub.account.status.update": _status_update,
    "open.user.sub.account.remove": _remove,
    "open.cs.dispatching.group.add": _group_add,
    "open.cs.dispatching.group.update": _group_update,
    "open.cs.dispatching.group.del": _group_del,
    "open.cs.dispatching.group.query": _group_query,
}


def check_nick(nick: str) -> None:
    if not nick.strip() or len(nick) > kuaishou.NICKNAME_MAX or nick != nick.strip():
        limit = kuaishou.NICKNAME_MAX
        raise Invalid("nick", f"nickname {nick!r} must be 1-{limit} characters, no edge spaces")


FAMILY = Family(
    name="kuaishou",
    title="Kuaishou",
    path="/open/",
    prefix=True,
    method_of=lambda path, params: kuaishou.path_method(path),
    handle=handle,
    credentials={"app_key": APP_KEY, "app_secret": APP_SECRET, "sign_secret": SIGN_SECRET},
    session_key="access_token",
    check_nick=check_nick,
)
