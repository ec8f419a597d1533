"""The JD open platform (JOS, `/routerjson`) as the emulator answers it: the 子账号API group.

Checks, in order, each as a gateway `error_response` (codes in `provisioner.wire.jos`): the
method (22 "API不存在", also for a method listed in `Faults.retired`), app key (14), the app
key's call budget (90), timestamp (15, more than 10 minutes off), version (40), signature (12),
access token (19), `360buy_param_json` as a JSON object (40). The APIs then answer as the JOS
documentation's examples show (lostinfo/jos-open-api `api_response/111/*`): string values,
`is_success`, `total_count`, and their own business codes (`000000007` more than 20 account
names, `000000008` an unknown account, `000000002` a bad page or size).

Only reads exist, as on JD: a person creates, changes and deletes sub-accounts and roles in the
back office (`provisioner.emulators.backoffice`). Account names are 4-20 characters, a wide
character counting two; role names at most 25 characters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import NoReturn

from provisioner.emulators import accounts, roles
from provisioner.emulators.calls import Call
from provisioner.emulators.family import Family, named_method
from provisioner.emulators.identity import APP_KEY, APP_SECRET, seller_for
from provisioner.emulators.ratelimit import Limiter
from provisioner.emulators.store import Invalid, Store, Tenant
from provisioner.wire import jos
from provisioner.wire.jos import JosError

Args = Mapping[str, object]
Handler = Callable[[Tenant, Args], dict[str, object]]


class Refusal(Exception):
    def __init__(self, failure: JosError) -> None:
        super().__init__(failure.describe())
        self.failure = failure


class BusinessRefusal(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def handle(store: Store, limiter: Limiter, call: Call) -> dict[str, object]:
    """The JSON body JOS answers `call` with."""
    try:
        handler, result_key = _checked(limiter, call)
        args = _args(call.params)
        seller = seller_for(call.params["access_token"])
        assert seller is not None  # _checked refused any other token
        try:
            with store.tenant("jos", seller) as tenant:
                result: dict[str, object] = {
                    "is_success": "true",
                    "error_code": "",
                    "error_msg": "",
                }
                result.update(handler(tenant, args))
        except BusinessRefusal as refused:
            result = {
                "is_success": "false",
                "error_code": refused.code,
                "error_msg": jos.BUSINESS_MESSAGES.get(refused.code, ""),
            }
        return {jos.response_key(call.method): {result_key: result}}
    except Refusal as refusal:
        return jos.error_body(refusal.failure)


def _checked(limiter: Limiter, call: Call) -> tuple[Handler, str]:
    params = call.params
    method = params.get("method", "")
    if method not in METHODS or method in call.retired:
        _refuse(jos.API_NOT_FOUND)
    if params.get("app_key") != APP_KEY:
        _refuse(jos.INVALID_APP_KEY)
    if limiter.check(params["app_key"], call.qps) is not None:
        _refuse(jos.CALL_LIMITED)
    if not jos.timestamp_fresh(params.get("timestamp", ""), call.now):
        _refuse(jos.INVALID_TIMESTAMP)
    if params.get("v") != jos.API_VERSION:
        _refuse(jos.INVALID_PARAMETER)
    if params.get("sign") != jos.sign(params, APP_SECRET):
        _refuse(jos.INVALID_SIGNATURE)
    if seller_for(params.get("access_token", "")) is None:
        _refuse(jos.INVALID_ACCESS_TOKEN)
    return METHODS[method]


def _refuse(code: str) -> NoReturn:
    raise Refusal(jos.error(code))


def _args(params: Mapping[str, str]) -> Args:
    try:
        args = json.loads(params.get(jos.PARAM_JSON) or "{}")
    except ValueError:
        _refuse(jos.INVALID_PARAMETER)
    if not isinstance(args, dict):
        _refuse(jos.INVALID_PARAMETER)
    return args


def _page(args: Args) -> tuple[int, int]:
    page, size = _number(args.get("page", 1)), _number(args.get("size", 10))
    if page is None or size is None or page < 1 or not 1 <= size <= jos.PAGE_SIZE_MAX:
        raise BusinessRefusal(jos.BUSINESS_BAD_PARAMETER)
    return page, size


def _number(value: object) -> int | None:
    # JOS clients send numbers as JSON numbers or as strings of digits.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _names(tenant: Tenant, args: Args) -> list[accounts.Account]:
    text = args.get("account_name_s")
    names = [n for n in text.split(",") if n] if isinstance(text, str) else []
    if not names or len(names) > jos.NAMES_PER_CALL:
        raise BusinessRefusal(jos.BUSINESS_TOO_MANY_NAMES)
    found = []
    for name in names:
        width = jos.name_width(name)
        account = accounts.find_account(tenant, name)
        if account is None or not jos.ACCOUNT_NAME_MIN <= width <= jos.ACCOUNT_NAME_MAX:
            raise BusinessRefusal(jos.BUSINESS_INVALID_ACCOUNT)
        found.append(account)
    return found


def _child_accounts(tenant: Tenant, args: Args) -> dict[str, object]:
    page, size = _page(args)
    found, total = accounts.list_accounts(tenant, accounts.Query(), (page - 1) * size, size)
    items = [{"child_account": _child_account(account)} for account in found]
    return {"child_account_s": items, "total_count": str(total)}


def _child_account(account: accounts.Account) -> dict[str, object]:
    return {
        "account_id": str(account.id),
        "account_name": account.nick,
        "user_name": "",
        "status": "0" if account.disabled else "1",  # 启用(1), 停用(0)
        "is_phone_open": "0",
        "phone": "",
        "auth_status": "1",
    }


def _role_list(tenant: Tenant, args: Args) -> dict[str, object]:
    page, size = _page(args)
    every = roles.list_roles(tenant)
    shown = every[(page - 1) * size : page * size]
    items = [{"role_v_o": {"role_id": str(role.id), "name": role.name}} for role in shown]
    return {"role_v_o_s": items, "total_count": str(len(every))}


def _account_roles(tenant: Tenant, args: Args) -> dict[str, object]:
    # One record per account and role; accounts without a role have none.
    items = [
        {"account_role": {"account_name": a.nick, "role_id": str(r.id), "role_name": r.name}}
        for a in _names(tenant, args)
        for r in a.roles
    ]
    return {"account_role_s": items, "total_count": str(len(items))}


def _account_privileges(tenant: Tenant, args: Args) -> dict[str, object]:
    items = []
    for account in _names(tenant, args):
        held = {
            code for ref in account.roles for code in roles.get_role(tenant, ref.id).permissions
        }
        entry = {"account_name": account.nick, "codes": ",".join(sorted(held))}
        items.append({"account_privilege": entry})
    return {"account_privilege_s": items, "total_count": str(len(items))}


METHODS: Mapping[str, tuple[Handler, str]] = {
    jos.CHILD_ACCOUNTS: (_child_accounts, "child_account_result"),
    jos.ROLES: (_role_list, "result"),
    jos.ACCOUNT_ROLES: (_account_roles, "account_role_result"),
    jos.ACCOUNT_PRIVILEGES: (_account_privileges, "account_privilege_result"),
}


def check_nick(nick: str) -> None:
    """4-20 characters, a wide character counting two (`provisioner.wire.jos.name_width`)."""
    width = jos.name_width(nick)
    if not jos.ACCOUNT_NAME_MIN <= width <= jos.ACCOUNT_NAME_MAX or nick != nick.strip():
        raise Invalid("account_name", f"account name {nick!r} must be 4-20 characters")


FAMILY = Family(
    name="jos",
    title="JD (JOS)",
    path=jos.ROUTER_PATH,
    method_of=named_method,
    handle=handle,
    credentials={"app_key": APP_KEY, "app_secret": APP_SECRET},
    session_key="access_token",
    check_nick=check_nick,
    role_name_max=jos.ROLE_NAME_MAX,
)
