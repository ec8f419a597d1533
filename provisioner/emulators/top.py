"""The TOP router (`/router/rest`) as the emulator answers it: checks, then the six APIs.

Checks, in order, each with TOP's own error: method (21/22), app key (28/29), the app key's
call budget (7, `accesscontrol.limited-by-app-access-count`, "This ban will last for N more
seconds"), timestamp (30/31, more than 10 minutes off), format and version (23/41), signature
(32/25), session (26/27 `invalid-sessionkey`). Business refusals: 40/41 for missing or bad
arguments, 15 with an `isv.*` sub-code for rules (a taken role name, an unknown sub-account).

As TOP does: `timestamp` may be `yyyy-MM-dd HH:mm:ss` (GMT+8) or epoch milliseconds (older
official SDKs); `simplify=true` answers without the `<api>_response` wrapper and with bare lists
(`provisioner.wire.top.simplified`); `page_size` is greater than 1 and less than 200. Sources:
the API metadata in bububa/opentaobao `metadata/assets/json/subuser/*.json`, its generated
`model/subuser/*Response.go`, and the official Python SDK's `top/api/base.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import NoReturn

from provisioner.emulators import accounts, roles
from provisioner.emulators.calls import Call
from provisioner.emulators.family import Family, named_method
from provisioner.emulators.identity import APP_KEY, APP_SECRET, seller_for
from provisioner.emulators.ratelimit import Limiter
from provisioner.emulators.store import (
    Duplicate,
    EmulatorError,
    Invalid,
    NotFound,
    Store,
    Tenant,
    seller_id,
)
from provisioner.wire import top
from provisioner.wire.top import TopError

Params = Mapping[str, str]
Handler = Callable[[Tenant, Params], dict[str, object]]


class Refusal(Exception):
    def __init__(self, failure: TopError) -> None:
        super().__init__(failure.describe())
        self.failure = failure


def handle(store: Store, limiter: Limiter, call: Call) -> dict[str, object]:
    """The JSON body TOP answers `call` with."""
    params = call.params
    try:
        handler = _checked(limiter, call)
        seller = seller_for(params["session"])
        assert seller is not None  # _checked refused any other session
        with store.tenant("top", seller) as tenant:
            answer = handler(tenant, params)
        if params.get("simplify") == "true":
            simple = top.simplified(answer)
            assert isinstance(simple, dict)
            return simple
        return {top.response_key(params["method"]): answer}
    except Refusal as refusal:
        return top.error_body(refusal.failure, _request_id())
    except EmulatorError as exc:
        return top.error_body(_business_error(exc), _request_id())


def _checked(limiter: Limiter, call: Call) -> Handler:
    params = call.params
    handler = _method(params)
    _check_app_key(params)
    remaining = limiter.check(params["app_key"], call.qps)
    if remaining is not None:
        _refuse(top.APP_CALL_LIMITED, top.SUB_LIMITED_BY_APP, top.ban_message(remaining))
    _check_timestamp(params, call.now)
    _check_format(params)
    _check_sign(params)
    _check_session(params)
    return handler


def _refuse(code: int, sub_code: str = "", sub_msg: str = "") -> NoReturn:
    raise Refusal(top.error(code, sub_code, sub_msg))


def _method(params: Params) -> Handler:
    method = params.get("method")
    if not method:
        _refuse(top.MISSING_METHOD)
    handler = METHODS.get(method or "")
    if handler is None:
        _refuse(top.INVALID_METHOD, "isv.method-not-exist", f"method {method} does not exist")
    return handler


def _check_app_key(params: Params) -> None:
    if not params.get("app_key"):
        _refuse(top.MISSING_APP_KEY)
    if params["app_key"] != APP_KEY:
        _refuse(top.INVALID_APP_KEY, "isv.appkey-not-exists")


def _check_timestamp(params: Params, now: datetime) -> None:
    if not params.get("timestamp"):
        _refuse(top.MISSING_TIMESTAMP)
    if not top.timestamp_fresh(params["timestamp"], now):
        _refuse(top.INVALID_TIMESTAMP, "isv.invalid-timestamp", "timestamp is more than 10 min off")


def _check_format(params: Params) -> None:
    if params.get("format", "xml") != top.FORMAT:
        _refuse(top.INVALID_FORMAT, "isv.invalid-format", "the emulator answers only json")
    if params.get("v") != top.API_VERSION:
        _refuse(top.INVALID_ARGUMENTS, "isv.invalid-parameter:v", "v must be 2.0")


def _check_sign(params: Params) -> None:
    if not params.get("sign"):
        _refuse(top.MISSING_SIGNATURE)
    method = params.get("sign_method", "md5")
    if method not in top.SIGN_METHODS:
        _refuse(top.INVALID_ARGUMENTS, "isv.invalid-parameter:sign_method", "unknown sign_method")
    if params["sign"] != top.sign(params, APP_SECRET, method):
        _refuse(top.INVALID_SIGNATURE)


def _check_session(params: Params) -> None:
    session = params.get("session")
    if not session:
        _refuse(top.MISSING_SESSION)
    if seller_for(session or "") is None:
        _refuse(top.INVALID_SESSION, top.SUB_INVALID_SESSION, "session is invalid or expired")


def _business_error(exc: EmulatorError) -> TopError:
    if isinstance(exc, Invalid):
        return TopError(
            top.INVALID_ARGUMENTS,
            f"Invalid arguments:{exc.parameter}",
            f"{top.SUB_INVALID_PARAMETER}:{exc.parameter}",
            str(exc),
        )
    if isinstance(exc, NotFound):
        return top.error(top.REMOTE_SERVICE_ERROR, top.SUB_SUBUSER_NOT_FOUND, str(exc))
    if isinstance(exc, Duplicate):
        return top.error(top.REMOTE_SERVICE_ERROR, top.SUB_ROLE_NAME_DUPLICATE, str(exc))
    return top.error(top.REMOTE_SERVICE_ERROR, top.SUB_SERVICE_UNAVAILABLE, str(exc))


def _request_id() -> str:
    return uuid.uuid4().hex[:13]


# Arguments.


def _required(params: Params, name: str) -> str:
    value = params.get(name, "")
    if not value:
        raise Refusal(TopError(top.MISSING_ARGUMENTS, f"Missing required arguments:{name}", "", ""))
    return value


def _int(params: Params, name: str, default: int, low: int, high: int) -> int:
    text = params.get(name, str(default))
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise Invalid(name, f"must be a whole number from {low} to {high}")
    return int(text)


def _bool(params: Params, name: str) -> bool | None:
    text = params.get(name)
    if text is None or text == "":
        return None
    if text not in ("true", "false"):
        raise Invalid(name, "must be true or false")
    return text == "true"


# The APIs.


def _subusers_page(tenant: Tenant, params: Params) -> dict[str, object]:
    main = _required(params, "nick")
    page_num = _int(params, "page_num", 1, 1, 1_000_000)
    page_size = _int(params, "page_size", 20, top.PAGE_SIZE_MIN, top.PAGE_SIZE_MAX)
    status = params.get("account_status")
    query = accounts.Query(only_disabled=None if status is None else status != "1")
    found, total = accounts.list_accounts(tenant, query, (page_num - 1) * page_size, page_size)
    items = [_subuser_info(tenant, main, account) for account in found]
    return {
        "subusers": {"sub_user_info": items},
        "page_size": page_size,
        "page_num": page_num,
        "total_count": total,
        "request_id": _request_id(),
    }


def _subuser_info(tenant: Tenant, main: str, account: accounts.Account) -> dict[str, object]:
    return {
        "sub_id": account.id,
        "nick": account.nick,
        "seller_id": seller_id(tenant),
        "seller_nick": main,
        "status": 2 if account.disabled else 1,
        "is_online": 2 if account.dispatch else 1,
    }


def _subuser_fullinfo_get(tenant: Tenant, params: Params) -> dict[str, object]:
    # sub_id or sub_nick, and sub_nick wins when both are given (the API's documentation).
    nick = params.get("sub_nick", "")
    if nick:
        account = accounts.find_account(tenant, nick)
    elif params.get("sub_id"):
        account = accounts.get_account(tenant, _int(params, "sub_id", 0, 1, 2**62))
    else:
        raise Refusal(
            TopError(top.MISSING_ARGUMENTS, "Missing required arguments:sub_id or sub_nick")
        )
    if account is None:
        raise NotFound(f"sub-account {nick} does not exist")
    main = account.nick.partition(top.SUBUSER_SEPARATOR)[0]
    info = {
        "sub_id": account.id,
        "sub_nick": account.nick,
        "sub_status": 2 if account.disabled else 1,  # 1 normal, 2 stopped by the seller
        "sub_dispatch_status": account.dispatch,
        "sub_owed_status": False,
        "user_id": seller_id(tenant),
        "user_nick": main,
    }
    return {"sub_fullinfo": info, "request_id": _request_id()}


def _roles_get(tenant: Tenant, params: Params) -> dict[str, object]:
    _required(params, "nick")
    items = [_role_info(tenant, role) for role in roles.list_roles(tenant)]
    return {"roles": {"role": items}, "request_id": _request_id()}


def _role_info(tenant: Tenant, role: roles.Role, permissions: bool = False) -> dict[str, object]:
    info: dict[str, object] = {
        "role_id": role.id,
        "role_name": role.name,
        "description": role.description,
        "seller_id": seller_id(tenant),
        "create_time": top.format_timestamp(datetime.fromtimestamp(role.created, top.GMT8)),
        "modified_time": top.format_timestamp(datetime.fromtimestamp(role.modified, top.GMT8)),
    }
    if permissions:
        info["permissions"] = {"permission": [_permission(code) for code in role.permissions]}
    return info


def _permission(code: str) -> dict[str, object]:
    return {"permission_code": code, "permission_name": code, "is_authorize": 1}


def _subuser_permissions_roles_get(tenant: Tenant, params: Params) -> dict[str, object]:
    nick = _required(params, "nick")
    account = accounts.find_account(tenant, nick)
    if account is None:
        raise NotFound(f"sub-account {nick} does not exist")
    assigned = [roles.get_role(tenant, ref.id) for ref in account.roles]
    items = [_role_info(tenant, role, permissions=True) for role in assigned]
    permission = {"permissions": {"permission": []}, "roles": {"role": items}}
    return {"subuser_permission": permission, "request_id": _request_id()}


def _subuser_info_update(tenant: Tenant, params: Params) -> dict[str, object]:
    sub_id = _int(params, "sub_id", 0, 1, 2**62)
    patch = accounts.AccountPatch(
        disabled=_bool(params, "is_disable_subaccount"),
        dispatch=_bool(params, "is_dispatch"),
    )
    accounts.update_account(tenant, sub_id, patch)
    return {"is_success": True, "request_id": _request_id()}


def _role_add(tenant: Tenant, params: Params) -> dict[str, object]:
    _required(params, "nick")
    name = _required(params, "name")
    codes = [code for code in params.get("permission_codes", "").split(",") if code]
    role_id = roles.create_role(tenant, name, params.get("description", ""), codes)
    role = roles.get_role(tenant, role_id)
    return {"role": _role_info(tenant, role, permissions=True), "request_id": _request_id()}


METHODS: Mapping[str, Handler] = {
    "taobao.sellercenter.subusers.page": _subusers_page,
    "taobao.sellercenter.roles.get": _roles_get,
    "taobao.sellercenter.subuser.permissions.roles.get": _subuser_permissions_roles_get,
    "taobao.subuser.info.update": _subuser_info_update,
    "taobao.sellercenter.role.add": _role_add,
    "taobao.subuser.fullinfo.get": _subuser_fullinfo_get,
}


def check_nick(nick: str) -> None:
    """A TOP sub-account is "<main account>:<nickname>", the nickname 1-20 characters."""
    main, sep, name = nick.partition(top.SUBUSER_SEPARATOR)
    if not sep or not main:
        raise Invalid("nick", f"sub-account {nick!r} is not '<main account>:<nickname>'")
    if not name.strip() or len(name) > top.NICKNAME_MAX or name != name.strip():
        raise Invalid(
            "nick", f"nickname {name!r} must be 1-{top.NICKNAME_MAX} characters, no edge spaces"
        )


FAMILY = Family(
    name="top",
    title="TOP (Tmall/Taobao)",
    path=top.ROUTER_PATH,
    method_of=named_method,
    handle=handle,
    credentials={"app_key": APP_KEY, "app_secret": APP_SECRET},
    session_key="session",
    check_nick=check_nick,
    role_name_max=top.ROLE_NAME_MAX,
)
