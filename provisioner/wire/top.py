"""The TOP (Taobao Open Platform) wire protocol used by Tmall and Taobao, as pure functions.

A call is one form POST to the router (`PRODUCTION_URL`) with every parameter a string. The
common parameters are `method, app_key, session, timestamp, format, v, sign_method, sign`:

- `timestamp` is "YYYY-MM-DD HH:MM:SS" in GMT+8; TOP refuses one more than 10 minutes off
  (code 31).
- `sign` covers every other parameter, business ones included: sorted by key, concatenated as
  `key + value` with no separator, then `md5`: MD5(secret + text + secret); `hmac`:
  HMAC-MD5 keyed by the secret; `hmac-sha256`: HMAC-SHA256 keyed by the secret; upper-case hex.
- We never send `simplify`: answers keep TOP's classic JSON shape, which every API supports:
  `{"<method without 'taobao.', dots as '_'>_response": {...}}`, lists wrapped in an object named
  for the item type (`{"subusers": {"sub_user_info": [...]}}`), failures as
  `{"error_response": {"code", "msg", "sub_code", "sub_msg", "request_id"}}`.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
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

PRODUCTION_URL = "https://eco.taobao.com/router/rest"
ROUTER_PATH = "/router/rest"
API_VERSION = "2.0"
FORMAT = "json"
SignMethod = Literal["md5", "hmac", "hmac-sha256"]
SIGN_METHODS: tuple[SignMethod, ...] = get_args(SignMethod)
DEFAULT_SIGN_METHOD: SignMethod = "hmac-sha256"

GMT8 = timezone(timedelta(hours=8))
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S"
TIMESTAMP_WINDOW = timedelta(minutes=10)

# Naming rules TOP enforces: a sub-account is "<main account>:<nickname>".
SUBUSER_SEPARATOR = ":"
NICKNAME_MAX = 20
ROLE_NAME_MAX = 20
# `taobao.sellercenter.subusers.page`: page_size "大于1小于200" (greater than 1, less than 200),
# per its API metadata (bububa/opentaobao `metadata/assets/json/subuser/
# taobao_sellercenter_subusers_page.json`).
PAGE_SIZE_MIN = 2
PAGE_SIZE_MAX = 199

Param = str | int | bool | Sequence[str]


def sign_text(params: Mapping[str, str]) -> str:
    """The text TOP signs: every parameter but `sign`, sorted by key, as `key+value`."""
    return "".join(key + value for key, value in sorted(params.items()) if key != "sign")


def sign(params: Mapping[str, str], secret: str, method: SignMethod) -> str:
    """The `sign` parameter for these parameters, as upper-case hex."""
    text = sign_text(params).encode("utf-8")
    key = secret.encode("utf-8")
    if method == "md5":
        digest = hashlib.md5(key + text + key).hexdigest()
    elif method == "hmac":
        digest = hmac.new(key, text, hashlib.md5).hexdigest()
    elif method == "hmac-sha256":
        digest = hmac.new(key, text, hashlib.sha256).hexdigest()
    else:
        raise ValueError(f"unknown TOP sign method {method!r}")
    return digest.upper()


def format_timestamp(moment: datetime) -> str:
    """`moment` (timezone-aware) as TOP writes it: GMT+8 wall-clock time."""
    return moment.astimezone(GMT8).strftime(TIMESTAMP_FORMAT)


def parse_timestamp(text: str) -> datetime | None:
    """A TOP timestamp as an aware datetime; None when it is in neither of TOP's forms.

    TOP takes `yyyy-MM-dd HH:mm:ss` in GMT+8, and also Unix epoch milliseconds, which older
    official SDKs send (the official Python SDK's `top/api/base.py`:
    `P_TIMESTAMP: str(long(time.time() * 1000))`).
    """
    if text.isdigit():
        try:
            return datetime.fromtimestamp(int(text) / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        return datetime.strptime(text, TIMESTAMP_FORMAT).replace(tzinfo=GMT8)
    except ValueError:
        return None


def timestamp_fresh(text: str, now: datetime) -> bool:
    moment = parse_timestamp(text)
    return moment is not None and abs(moment - now) <= TIMESTAMP_WINDOW


def encode_param(value: Param) -> str:
    """Business values as TOP reads them: booleans `true`/`false`, lists comma-separated."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | str):
        return str(value)
    return ",".join(value)


def request_params(
    method: str,
    business: Mapping[str, Param],
    *,
    app_key: str,
    secret: str,
    session: str,
    sign_method: SignMethod,
    now: datetime,
) -> dict[str, str]:
    """Every form field of one signed call."""
    params = {key: encode_param(value) for key, value in business.items()}
    params.update(
        method=method,
        app_key=app_key,
        session=session,
        timestamp=format_timestamp(now),
        format=FORMAT,
        v=API_VERSION,
        sign_method=sign_method,
    )
    params["sign"] = sign(params, secret, sign_method)
    return params


def response_key(method: str) -> str:
    """`taobao.subuser.info.update` answers under `subuser_info_update_response`."""
    name = method.removeprefix("taobao.")
    return name.replace(".", "_") + "_response"


def unwrap_list(container: Mapping[str, object], outer: str, inner: str) -> list[object]:
    """`{"roles": {"role": [...]}}` -> the list; absent or empty wrappers mean no items. The
    `simplify=true` shape, `{"roles": [...]}`, reads the same."""
    wrapper = container.get(outer)
    if isinstance(wrapper, list):
        return list(wrapper)
    if not isinstance(wrapper, Mapping):
        return []
    items = wrapper.get(inner)
    return list(items) if isinstance(items, list) else []


def simplified(answer: object) -> object:
    """An answer in TOP's `simplify=true` JSON shape: the `<api>_response` wrapper is left off
    (the caller does that) and each list wrapper `{"role": [...]}` becomes the list itself, as
    the SDKs generated from TOP's metadata model it (bububa/opentaobao `model/*Response.go`,
    "model for simplify"); errors keep their `error_response` root (`model/response.go`)."""
    if isinstance(answer, Mapping):
        if len(answer) == 1:
            (only,) = answer.values()
            if isinstance(only, list):
                return [simplified(item) for item in only]
        return {key: simplified(value) for key, value in answer.items()}
    if isinstance(answer, list):
        return [simplified(item) for item in answer]
    return answer


# Error codes TOP answers with (the numbers are TOP's own).
APP_CALL_LIMITED = 7
INSUFFICIENT_ISV_PERMISSIONS = 11
INSUFFICIENT_USER_PERMISSIONS = 12
REMOTE_SERVICE_ERROR = 15
MISSING_METHOD = 21
INVALID_METHOD = 22
INVALID_FORMAT = 23
INVALID_SIGNATURE = 25
MISSING_SESSION = 26
INVALID_SESSION = 27
MISSING_APP_KEY = 28
INVALID_APP_KEY = 29
MISSING_TIMESTAMP = 30
INVALID_TIMESTAMP = 31
MISSING_SIGNATURE = 32
MISSING_ARGUMENTS = 40
INVALID_ARGUMENTS = 41

MESSAGES: Mapping[int, str] = {
    APP_CALL_LIMITED: "App Call Limited",
    INSUFFICIENT_ISV_PERMISSIONS: "Insufficient isv permissions",
    INSUFFICIENT_USER_PERMISSIONS: "Insufficient user permissions",
    REMOTE_SERVICE_ERROR: "Remote service error",
    MISSING_METHOD: "Missing method",
    INVALID_METHOD: "Invalid method",
    INVALID_FORMAT: "Invalid format",
    INVALID_SIGNATURE: "Invalid signature",
    MISSING_SESSION: "Missing session",
    INVALID_SESSION: "Invalid session",
    MISSING_APP_KEY: "Missing app key",
    INVALID_APP_KEY: "Invalid app Key",
    MISSING_TIMESTAMP: "Missing timestamp",
    INVALID_TIMESTAMP: "Invalid timestamp",
    MISSING_SIGNATURE: "Missing signature",
    MISSING_ARGUMENTS: "Missing required arguments",
    INVALID_ARGUMENTS: "Invalid arguments",
}

# Sub-codes. `invalid-sessionkey` and `accesscontrol.*` are TOP's; the `isv.*` business ones
# below are the emulator's names for refusals TOP documents only in prose, so the connector
# also falls back on the prefix (`isp.*` is the platform's fault and transient).
SUB_INVALID_SESSION = "invalid-sessionkey"
SUB_LIMITED_BY_APP = "accesscontrol.limited-by-app-access-count"
SUB_SUBUSER_NOT_FOUND = "isv.subuser-not-exist"
SUB_ROLE_NAME_DUPLICATE = "isv.role-name-duplicate"
SUB_INVALID_PARAMETER = "isv.invalid-parameter"
SUB_SERVICE_UNAVAILABLE = "isp.service-unavailable"

_BAN = re.compile(r"ban will last for (\d+(?:\.\d+)?) more seconds", re.IGNORECASE)


def ban_message(seconds: float) -> str:
    return f"This ban will last for {max(1, math.ceil(seconds))} more seconds"


def ban_seconds(text: str) -> float | None:
    """The wait a code-7 `sub_msg` asks for ("This ban will last for N more seconds")."""
    match = _BAN.search(text)
    return float(match.group(1)) if match else None


@dataclass(frozen=True)
class TopError:
    """One `error_response`."""

    code: int
    msg: str
    sub_code: str = ""
    sub_msg: str = ""

    def describe(self) -> str:
        detail = f" ({self.sub_code}: {self.sub_msg})" if self.sub_code or self.sub_msg else ""
        return f"TOP error {self.code} {self.msg}{detail}"


def error(code: int, sub_code: str = "", sub_msg: str = "") -> TopError:
    return TopError(code, MESSAGES.get(code, "Unknown error"), sub_code, sub_msg)


def error_body(failure: TopError, request_id: str) -> dict[str, object]:
    body: dict[str, object] = {"code": failure.code, "msg": failure.msg}
    if failure.sub_code:
        body["sub_code"] = failure.sub_code
    if failure.sub_msg:
        body["sub_msg"] = failure.sub_msg
    body["request_id"] = request_id
    return {"error_response": body}


def parse_error(body: Mapping[str, object]) -> TopError | None:
    """The error of an answer, or None when the answer is not an `error_response`."""
    found = body.get("error_response")
    if not isinstance(found, Mapping):
        return None
    code = found.get("code")
    return TopError(
        code=int(code) if isinstance(code, int | str) and str(code).isdigit() else 0,
        msg=str(found.get("msg", "")),
        sub_code=str(found.get("sub_code", "")),
        sub_msg=str(found.get("sub_msg", "")),
    )


_AUTH_HINTS: Mapping[int, str] = {
    INVALID_SIGNATURE: "the signature was refused: check app_secret and the sign method",
    MISSING_SESSION: "no session was sent: set the session credential",
    INVALID_SESSION: "the session was refused: it is wrong or expired, renew it",
    MISSING_APP_KEY: "no app key was sent: set the app_key credential",
    INVALID_APP_KEY: "the app key was refused: check app_key",
    INSUFFICIENT_ISV_PERMISSIONS: "the app lacks permission for this API",
    INSUFFICIENT_USER_PERMISSIONS: "the session's user lacks permission for this API",
    MISSING_SIGNATURE: "no signature was sent",
}
_INVALID_CODES = frozenset(
    {MISSING_METHOD, INVALID_METHOD, INVALID_FORMAT, MISSING_ARGUMENTS, INVALID_ARGUMENTS}
)
_CLOCK_CODES = frozenset({MISSING_TIMESTAMP, INVALID_TIMESTAMP})


def to_error(failure: TopError, where: str) -> ConnectorError:
    """The typed error for an `error_response`; `where` prefixes the message."""
    text = f"{where}: {failure.describe()}"
    if failure.code == APP_CALL_LIMITED:
        return RateLimitedError(text, retry_after=ban_seconds(failure.sub_msg))
    if failure.code in _AUTH_HINTS:
        return AuthError(f"{text}: {_AUTH_HINTS[failure.code]}")
    if failure.code in _CLOCK_CODES:
        return InvalidError(f"{text}: the timestamp is more than 10 minutes off; check the clock")
    if failure.code in _INVALID_CODES:
        return InvalidError(text)
    return _business_error(failure, text)


def _business_error(failure: TopError, text: str) -> ConnectorError:
    sub = failure.sub_code
    if sub.startswith("isp.") or (failure.code == REMOTE_SERVICE_ERROR and not sub):
        return TransientError(text)
    if sub == SUB_SUBUSER_NOT_FOUND or "not-exist" in sub:
        return NotFoundError(text)
    if sub == SUB_ROLE_NAME_DUPLICATE or "duplicate" in sub or sub.endswith("-exist"):
        return ConflictError(text)
    if sub.startswith("isv."):
        return InvalidError(text)
    return ConnectorError(text)
