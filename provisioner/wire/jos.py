"""The JD open platform (JOS, 京东宙斯) wire protocol, as pure functions.

A call is a form POST to `PRODUCTION_URL` + `/routerjson` carrying `method, app_key,
access_token, timestamp, format, v, sign_method, 360buy_param_json, sign`:

- business parameters travel JSON-encoded in the single `360buy_param_json` field;
- `timestamp` is `yyyy-MM-dd HH:mm:ss` in GMT+8 (10 minutes of tolerance), `v` is `2.0`;
- `sign` = upper-case hex MD5 of `app_secret + k1v1k2v2... + app_secret` over every parameter
  but `sign`, sorted by key (the same rule as TOP's md5);
- a success answers `{"<method with . as _>_responce": {...}}` (the live gateway's spelling; the
  API documentation's examples write `_response`, and both are read); a failure of the gateway
  answers `{"error_response": {"code", "zh_desc", "en_desc"}}`; the 子账号 APIs also report
  their own refusals inside the answer (`is_success: "false"`, `error_code` like `000000007`).

Sources: public JOS clients (dtapps/go-library `service/jd/params.go`; Python and PHP clients
found by the `360buy_param_json` field), and the JOS API documentation of the 子账号API group
(apiCateId 111) as mirrored in lostinfo/jos-open-api `api_response/111/{588,590,592,728}`:
`jingdong.vender.childAccount.query` (page, size 1-20), `jingdong.vender.role.list` (page,
size 1-20), `jingdong.vender.childaccount.role.query` and `.privilege.query` (`account_name_s`:
1-20 comma-separated account names, each 4-20 characters), their answers and business codes.
Gateway error numbers are not published in a form we could check: code 12 (无效签名) is seen in
public clients; the others below are the emulator's, and the client also reads the words of
`zh_desc` / `en_desc` (an API that is gone or not granted, a call limit).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from provisioner.errors import (
    AuthError,
    ConnectorError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
    TransientError,
)

PRODUCTION_URL = "https://api.jd.com"
ROUTER_PATH = "/routerjson"
API_VERSION = "2.0"
FORMAT = "json"
SIGN_METHOD = "md5"
PARAM_JSON = "360buy_param_json"
GMT8 = timezone(timedelta(hours=8))
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
TIMESTAMP_WINDOW = timedelta(minutes=10)

PAGE_SIZE_MAX = 20  # childAccount.query and role.list: "每页最少1个，最多20个"
NAMES_PER_CALL = 20  # role.query and privilege.query: "一次最多为20个"
ACCOUNT_NAME_MIN, ACCOUNT_NAME_MAX = 4, 20  # "每个账号长度为4-20个字符"
ROLE_NAME_MAX = 25  # role.list: "角色名称，字符串长度小于等于25"

CHILD_ACCOUNTS = "jingdong.vender.childAccount.query"
ROLES = "jingdong.vender.role.list"
ACCOUNT_ROLES = "jingdong.vender.childaccount.role.query"
ACCOUNT_PRIVILEGES = "jingdong.vender.childaccount.privilege.query"


def sign(params: Mapping[str, str], secret: str) -> str:
    text = "".join(key + value for key, value in sorted(params.items()) if key != "sign")
    return hashlib.md5(f"{secret}{text}{secret}".encode()).hexdigest().upper()


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(GMT8).strftime(TIMESTAMP_FORMAT)


def timestamp_fresh(text: str, now: datetime) -> bool:
    try:
        moment = datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=GMT8)
    except ValueError:
        return False
    return abs(moment - now.astimezone(UTC)) <= TIMESTAMP_WINDOW


def encode_param(business: Mapping[str, object]) -> str:
    return json.dumps(business, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def request_params(
    method: str,
    business: Mapping[str, object],
    *,
    app_key: str,
    secret: str,
    access_token: str,
    now: datetime,
) -> dict[str, str]:
    """Every form field of one signed call."""
    params = {
        "method": method,
        "app_key": app_key,
        "access_token": access_token,
        "timestamp": format_timestamp(now),
        "format": FORMAT,
        "v": API_VERSION,
        "sign_method": SIGN_METHOD,
        PARAM_JSON: encode_param(business),
    }
    params["sign"] = sign(params, secret)
    return params


def response_key(method: str) -> str:
    """`jingdong.vender.role.list` answers under `jingdong_vender_role_list_responce`."""
    return method.replace(".", "_") + "_responce"


def answer_of(body: Mapping[str, object], method: str) -> Mapping[str, object] | None:
    """The answer under either spelling of the response key, or None."""
    key = response_key(method)
    found = body.get(key, body.get(key.removesuffix("_responce") + "_response"))
    return found if isinstance(found, Mapping) else None


# Gateway codes (see the module docstring: 12 is JOS's, the rest the emulator's).
INVALID_SIGNATURE = "12"
INVALID_APP_KEY = "14"
INVALID_TIMESTAMP = "15"
INVALID_ACCESS_TOKEN = "19"
API_NOT_FOUND = "22"
NO_PERMISSION = "30"
INVALID_PARAMETER = "40"
CALL_LIMITED = "90"
SERVICE_BUSY = "99"

MESSAGES: Mapping[str, tuple[str, str]] = {
    INVALID_SIGNATURE: ("无效签名", "Invalid signature"),
    INVALID_APP_KEY: ("无效的app_key", "Invalid app_key"),
    INVALID_TIMESTAMP: ("无效的时间戳", "Invalid timestamp"),
    INVALID_ACCESS_TOKEN: ("无效的access_token", "Invalid access_token"),
    API_NOT_FOUND: ("API不存在", "API not found"),
    NO_PERMISSION: ("无权调用此API", "No permission to call this API"),
    INVALID_PARAMETER: ("参数错误", "Invalid parameter"),
    CALL_LIMITED: ("调用频率超过限制", "Call frequency limit exceeded"),
    SERVICE_BUSY: ("服务暂不可用", "Service unavailable"),
}

# Business codes inside a 子账号 answer (the API documentation's `apiErrors`).
BUSINESS_SYSTEM_ERROR = "000000001"
BUSINESS_BAD_PARAMETER = "000000002"
BUSINESS_UNAVAILABLE = "000000004"
BUSINESS_TOO_MANY_NAMES = "000000007"
BUSINESS_INVALID_ACCOUNT = "000000008"
BUSINESS_MESSAGES: Mapping[str, str] = {
    BUSINESS_SYSTEM_ERROR: "系统异常",
    BUSINESS_BAD_PARAMETER: "参数错误",
    BUSINESS_UNAVAILABLE: "服务暂不可用",
    BUSINESS_TOO_MANY_NAMES: "账号不能为空，且一次最多为20个",
    BUSINESS_INVALID_ACCOUNT: "账号无效",
}

_GONE_WORDS = ("不存在", "not found", "not exist", "无权", "permission", "未授权", "not authorized")
_LIMIT_WORDS = ("频率", "limit", "超限")


@dataclass(frozen=True)
class JosError:
    """One gateway `error_response`."""

    code: str
    zh_desc: str
    en_desc: str = ""

    def describe(self) -> str:
        return f"JOS error {self.code} {self.zh_desc or self.en_desc}"

    @property
    def api_unavailable(self) -> bool:
        """The API is retired or not granted to this app: a read that can only be skipped."""
        words = f"{self.zh_desc} {self.en_desc}".lower()
        return self.code in (API_NOT_FOUND, NO_PERMISSION) or any(w in words for w in _GONE_WORDS)


def error(code: str) -> JosError:
    zh, en = MESSAGES.get(code, ("未知错误", "Unknown error"))
    return JosError(code, zh, en)


def error_body(failure: JosError) -> dict[str, object]:
    return {
        "error_response": {
            "code": failure.code,
            "zh_desc": failure.zh_desc,
            "en_desc": failure.en_desc,
        }
    }


def parse_error(body: Mapping[str, object]) -> JosError | None:
    found = body.get("error_response")
    if not isinstance(found, Mapping):
        return None
    return JosError(
        str(found.get("code", "")), str(found.get("zh_desc", "")), str(found.get("en_desc", ""))
    )


class ApiUnavailableError(ConnectorError):
    """JOS said the API does not exist or this app may not call it."""


_AUTH_HINTS: Mapping[str, str] = {
    INVALID_SIGNATURE: "the signature was refused: check app_secret",
    INVALID_APP_KEY: "the app key was refused: check app_key",
    INVALID_ACCESS_TOKEN: "the access token was refused: it is wrong or expired, renew it",
}


def to_error(failure: JosError, where: str) -> ConnectorError:
    """The typed error for a gateway `error_response`; `where` prefixes the message."""
    text = f"{where}: {failure.describe()}"
    words = f"{failure.zh_desc} {failure.en_desc}".lower()
    if failure.code == CALL_LIMITED or any(w in words for w in _LIMIT_WORDS):
        return RateLimitedError(text, retry_after=None)
    if failure.code in _AUTH_HINTS:
        return AuthError(f"{text}: {_AUTH_HINTS[failure.code]}")
    if failure.api_unavailable:
        return ApiUnavailableError(text)
    if failure.code == INVALID_TIMESTAMP:
        return InvalidError(f"{text}: the timestamp is more than 10 minutes off; check the clock")
    simple: Mapping[str, type[ConnectorError]] = {
        INVALID_PARAMETER: InvalidError,
        SERVICE_BUSY: TransientError,
    }
    return simple.get(failure.code, ConnectorError)(text)


def business_error(code: str, message: str, where: str) -> ConnectorError:
    """The typed error for a 子账号 answer with `is_success: "false"`."""
    text = (
        f"{where}: JD refused ({code}): {message or BUSINESS_MESSAGES.get(code, 'no reason given')}"
    )
    if code in (BUSINESS_SYSTEM_ERROR, BUSINESS_UNAVAILABLE):
        return TransientError(text)
    if code == BUSINESS_INVALID_ACCOUNT:
        return NotFoundError(text)
    return InvalidError(text)


def name_width(name: str) -> int:
    """An account name's length as JD counts it: a wide (CJK) character counts two. (The
    documentation says only "4-20个字符"; counting bytes of GBK is the back office's habit.)"""
    return sum(2 if ord(char) > 0x7F else 1 for char in name)
