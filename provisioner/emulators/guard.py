"""What every API request passes before a platform handler sees it, and how a bad one is told.

A real platform answers a request it cannot use with its own JSON error, never an HTML page and
never silence; werkzeug's defaults give both (a 500 page for a lone surrogate or a 100,000-deep
`param`, a dropped connection for a bad chunked body). So the app reads every request here,
within bounds: the body (`MAX_BODY` bytes), `param`-style JSON (nesting, text that is not
Unicode), and numbers (a 5,000-digit timestamp is not a time). What is out of bounds is a
`BadRequest`, which the app answers in the platform's shape; anything a handler did not expect
is answered as the platform's own "service error", so a caller can always parse the answer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Request

from provisioner.wire import jos, kuaishou, top

MAX_BODY = 1 << 20  # bytes; the largest real call (a page of accounts to update) is a few KiB
MAX_DEPTH = 32  # of JSON in `param` / `360buy_param_json`; the APIs nest three levels at most
MAX_DIGITS = 30  # in a value made of digits only: ids, timestamps, counts
JSON_PARAMS = ("param", "360buy_param_json")
_DIGITS = re.compile(r"[+-]?[0-9]+")
_OPAQUE = frozenset({"sign", "session", "access_token", "app_key", "appkey"})  # never numbers


class BadRequest(Exception):
    """The request cannot be used as sent; the message says why (never a caller's secret)."""


def params(request: Request) -> dict[str, str]:
    """The request's form and query fields, checked; BadRequest for anything out of bounds."""
    if (request.content_length or 0) > MAX_BODY:
        raise BadRequest(f"request body over {MAX_BODY:,} bytes")
    request.max_content_length = MAX_BODY
    request.max_form_memory_size = MAX_BODY
    try:
        values = {key: request.values.get(key, "") for key in request.values}
    except HTTPException as exc:  # too large, or a form werkzeug cannot parse
        raise BadRequest(f"unreadable request body ({exc.name})") from None
    except (OSError, ValueError, UnicodeError) as exc:  # a broken chunked body, bad encoding
        raise BadRequest(f"unreadable request body ({type(exc).__name__})") from None
    for name, value in values.items():
        _check(name, value)
    return values


def _check(name: str, value: str) -> None:
    digits = len(value.lstrip("+-"))
    if digits > MAX_DIGITS and name not in _OPAQUE and _DIGITS.fullmatch(value):
        raise BadRequest(f"{name}: a number of {digits:,} digits")
    if name in JSON_PARAMS and value:
        _check_json(name, value)


def _check_json(name: str, text: str) -> None:
    try:
        data = json.loads(text)
    except RecursionError:
        raise BadRequest(f"{name}: JSON nested deeper than {MAX_DEPTH} levels") from None
    except ValueError:
        return  # not JSON at all: the platform's own check says so in its words
    if _depth(data) > MAX_DEPTH:
        raise BadRequest(f"{name}: JSON nested deeper than {MAX_DEPTH} levels")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise BadRequest(
            f"{name}: text that is not Unicode (a lone surrogate \\ud800-\\udfff)"
        ) from None


def _depth(data: Any) -> int:
    deepest, stack = 0, [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        if isinstance(value, dict):
            stack.extend((item, level + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, level + 1) for item in value)
    return deepest


def refusal(platform: str, message: str) -> dict[str, object]:
    """The platform's answer to a request it cannot use: its "invalid parameter" error."""
    if platform == "top":
        failure = top.error(top.INVALID_ARGUMENTS, top.SUB_INVALID_PARAMETER, message)
        return top.error_body(failure, "emulator")
    if platform == "jos":
        return jos.error_body(jos.error(jos.INVALID_PARAMETER))
    return kuaishou.error_body(kuaishou.error(kuaishou.INVALID_PARAMETER, message))


def service_error(platform: str) -> dict[str, object]:
    """The platform's answer when it failed itself: retryable, in its own shape."""
    if platform == "top":
        failure = top.error(top.REMOTE_SERVICE_ERROR, top.SUB_SERVICE_UNAVAILABLE)
        return top.error_body(failure, "emulator")
    if platform == "jos":
        return jos.error_body(jos.error(jos.SERVICE_BUSY))
    return kuaishou.error_body(kuaishou.error(kuaishou.SERVICE_BUSY))
