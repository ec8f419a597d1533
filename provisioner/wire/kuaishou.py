"""The Kuaishou (快手电商开放平台) wire protocol, as pure functions.

A call is a form POST to `PRODUCTION_URL` + the method as a path (`open.user.sub.account.list`
-> `/open/user/sub/account/list`) carrying `method, appkey, access_token, version, param,
timestamp, signMethod, sign`:

- business parameters travel JSON-encoded in the single `param` field;
- `timestamp` is Unix time in milliseconds;
- `sign` covers exactly `access_token, appkey, method, param, signMethod, timestamp, version`
  (those present): sorted by key, joined as `k=v&k=v`, then `&signSecret=<signSecret>` appended;
  `MD5` -> lower-case hex MD5 of that text, `HMAC_SHA256` -> base64 of HMAC-SHA256 keyed by the
  signSecret. The app secret signs nothing: it only serves to refresh access tokens.
- answers are `{"result": 1, "data": {...}}` on success, otherwise
  `{"result": <code>, "error_msg": "..."}`.

Result codes: Kuaishou publishes no full table. Three are the platform's own, from its FAQ pages
(mirrored in the `kwaixiaodian` SDK's docs, AndersonBY/kwaixiaodian-python-sdk
`docs/开发者支持文档/开放平台/`): 21 is a business refusal whose `error_msg` says why (K1006, e.g.
"order operation reject"), 24 `AUTHORIZATION_REVOKED` (K0006: the merchant withdrew the app's
authorisation, or a test user's 10 days ran out) and 26 "主账号不存在" (K0005: a token of the wrong
kind, or of a deleted sub-account). The others below are the emulator's, numbered apart from
those; real rate limits are recognised by message ("Exceed qps limit", K1008).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, get_args

from provisioner.errors import (
    AuthError,
    ConflictError,
    ConnectorError,
    InvalidError,
    NotFoundError,
    RateLimitedError,
    TransientError,
)

PRODUCTION_URL = "https://openapi.kwaixiaodian.com"
API_VERSION = "1"
SignMethod = Literal["MD5", "HMAC_SHA256"]
SIGN_METHODS: tuple[SignMethod, ...] = get_args(SignMethod)
DEFAULT_SIGN_METHOD: SignMethod = "HMAC_SHA256"
SIGNED_KEYS = ("access_token", "appkey", "method", "param", "signMethod", "timestamp", "version")
TIMESTAMP_WINDOW = timedelta(minutes=10)

NICKNAME_MAX = 20
GROUP_NAME_MAX = 20
PAGE_SIZE_MAX = 100


def method_path(method: str) -> str:
    """`open.user.sub.account.list` -> `/open/user/sub/account/list`."""
    return "/" + method.replace(".", "/")


def path_method(path: str) -> str:
    """The inverse of `method_path`."""
    return path.strip("/").replace("/", ".")


def encode_param(business: Mapping[str, object]) -> str:
    """The `param` field: compact JSON with keys sorted, so the same call signs the same."""
    return json.dumps(business, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def sign_text(params: Mapping[str, str], sign_secret: str) -> str:
    """`k=v&...` over the signed keys present, then `&signSecret=...`."""
    pairs = "&".join(f"{key}={params[key]}" for key in sorted(SIGNED_KEYS) if key in params)
    return f"{pairs}&signSecret={sign_secret}"


def sign(params: Mapping[str, str], sign_secret: str, method: SignMethod) -> str:
    text = sign_text(params, sign_secret).encode("utf-8")
    if method == "MD5":
        return hashlib.md5(text).hexdigest()
    if method == "HMAC_SHA256":
        digest = hmac.new(sign_secret.encode("utf-8"), text, hashlib.sha256).digest()
        return base64.b64encode(digest).decode("ascii")
    raise ValueError(f"unknown Kuaishou signMethod {method!r}")


def timestamp_ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def timestamp_fresh(text: str, now: datetime) -> bool:
    if not text.isdigit():
        return False
    return abs(int(text) - now.timestamp() * 1000) <= TIMESTAMP_WINDOW.total_seconds() * 1000


def request_params(
    method: str,
    business: Mapping[str, object],
    *,
    app_key: str,
    access_token: str,
    sign_secret: str,
    sign_method: SignMethod,
    now: datetime,
) -> dict[str, str]:
    """Every form field of one signed call."""
    params = {
        "method": method,
        "appkey": app_key,
        "access_token": access_token,
        "version": API_VERSION,
        "param": encode_param(business),
        "timestamp": timestamp_ms(now),
        "signMethod": sign_method,
    }
    params["sign"] = sign(params, sign_secret, sign_method)
    return params


# Result codes (see the module docstring). Kuaishou's own:
SUCCESS = 1
BUSINESS_REFUSED = 21
AUTHORIZATION_REVOKED = 24
NO_MAIN_ACCOUNT = 26
# The emulator's (Kuaishou does not publish these; kept clear of its own numbers above):
INVALID_PARAMETER = 10
NOT_FOUND = 11
CONFLICT = 12
INVALID_SIGNATURE = 20
INVALID_ACCESS_TOKEN = 22
INVALID_APP_KEY = 23
NO_PERMISSION = 25
INVALID_TIMESTAMP = 27
RATE_LIMITED = 28
UNKNOWN_METHOD = 29
SERVICE_BUSY = 50

RATE_LIMIT_MESSAGE = "Exceed qps limit"
REVOKED_MESSAGE = "AUTHORIZATION_REVOKED"

MESSAGES: Mapping[int, str] = {
    BUSINESS_REFUSED: "业务处理失败",
    AUTHORIZATION_REVOKED: REVOKED_MESSAGE,
    NO_MAIN_ACCOUNT: "主账号不存在",
    INVALID_PARAMETER: "参数错误",
    NOT_FOUND: "数据不存在",
    CONFLICT: "数据已存在",
    INVALID_SIGNATURE: "签名验证失败",
    INVALID_TIMESTAMP: "timestamp 已过期",
    INVALID_ACCESS_TOKEN: "access_token 无效或已过期",
    INVALID_APP_KEY: "appkey 无效",
    RATE_LIMITED: RATE_LIMIT_MESSAGE,
    NO_PERMISSION: "无接口权限",
    UNKNOWN_METHOD: "API 不存在",
    SERVICE_BUSY: "服务繁忙，请稍后重试",
}


@dataclass(frozen=True)
class KuaishouError:
    result: int
    error_msg: str

    def describe(self) -> str:
        return f"Kuaishou error {self.result} {self.error_msg}"


def error(code: int, detail: str = "") -> KuaishouError:
    message = MESSAGES.get(code, "未知错误")
    return KuaishouError(code, f"{message}: {detail}" if detail else message)


def error_body(failure: KuaishouError) -> dict[str, object]:
    return {"result": failure.result, "error_msg": failure.error_msg}


def success_body(data: Mapping[str, object]) -> dict[str, object]:
    return {"result": SUCCESS, "data": dict(data)}


def parse_error(body: Mapping[str, object]) -> KuaishouError | None:
    """The error of an answer, or None when `result` is 1."""
    result = body.get("result")
    if result == SUCCESS:
        return None
    code = result if isinstance(result, int) else 0
    return KuaishouError(code, str(body.get("error_msg", "") or body.get("msg", "")))


def data_of(body: Mapping[str, object]) -> Mapping[str, object]:
    data = body.get("data")
    return data if isinstance(data, Mapping) else {}


_AUTH_HINTS: Mapping[int, str] = {
    AUTHORIZATION_REVOKED: (
        "the merchant revoked this app's authorisation (or a test user's 10 days ran out):"
        " have them authorise it again, then renew access_token"
    ),
    NO_MAIN_ACCOUNT: (
        "the access token is of the wrong kind or belongs to a deleted sub-account:"
        " authorise with the shop's main account and renew access_token"
    ),
    INVALID_SIGNATURE: "the signature was refused: check sign_secret and the sign method",
    INVALID_ACCESS_TOKEN: "the access token was refused: it is wrong or expired, renew it",
    INVALID_APP_KEY: "the app key was refused: check app_key",
    NO_PERMISSION: "the app lacks the permission group for this API",
}


def to_error(failure: KuaishouError, where: str) -> ConnectorError:
    """The typed error for a failed answer; `where` prefixes the message."""
    text = f"{where}: {failure.describe()}"
    if failure.result == RATE_LIMITED or RATE_LIMIT_MESSAGE.lower() in failure.error_msg.lower():
        return RateLimitedError(text, retry_after=None)
    code = AUTHORIZATION_REVOKED if REVOKED_MESSAGE in failure.error_msg else failure.result
    if code in _AUTH_HINTS:
        return AuthError(f"{text}: {_AUTH_HINTS[code]}")
    if code == BUSINESS_REFUSED:
        return InvalidError(f"{where}: Kuaishou refused: {failure.error_msg or 'no reason given'}")
    if code == INVALID_TIMESTAMP:
        return InvalidError(f"{text}: the timestamp is more than 10 minutes off; check the clock")
    simple: Mapping[int, type[ConnectorError]] = {
        INVALID_PARAMETER: InvalidError,
        UNKNOWN_METHOD: InvalidError,
        NOT_FOUND: NotFoundError,
        CONFLICT: ConflictError,
        SERVICE_BUSY: TransientError,
    }
    return simple.get(failure.result, ConnectorError)(text)
