"""Signature vectors for every sign method, computed here straight from the platforms' docs."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from provisioner.wire import kuaishou, top

TOP_PARAMS = {
    "method": "taobao.sellercenter.subusers.page",
    "app_key": "12345678",
    "session": "6100e23657fb0b2d0c78a8b9a4d9",
    "timestamp": "2026-03-01 12:00:00",
    "format": "json",
    "v": "2.0",
    "sign_method": "PLACEHOLDER",
    "nick": "acme官方旗舰店",
    "page_num": "1",
    "page_size": "50",
}
TOP_SECRET = "helloworld"
# Sorted by key and concatenated key+value, by hand.
TOP_TEXT = (
    "app_key12345678formatjsonmethodtaobao.sellercenter.subusers.page"
    "nickacme官方旗舰店page_num1page_size50session6100e23657fb0b2d0c78a8b9a4d9"
    "sign_method{method}timestamp2026-03-01 12:00:00v2.0"
)


def _top(method: str) -> tuple[dict[str, str], bytes]:
    params = {**TOP_PARAMS, "sign_method": method, "sign": "ignored"}
    return params, TOP_TEXT.format(method=method).encode()


def test_top_md5_wraps_the_text_in_the_secret() -> None:
    params, text = _top("md5")
    secret = TOP_SECRET.encode()
    expected = hashlib.md5(secret + text + secret).hexdigest().upper()
    assert top.sign(params, TOP_SECRET, "md5") == expected


def test_top_hmac_is_hmac_md5_keyed_by_the_secret() -> None:
    params, text = _top("hmac")
    expected = hmac.new(TOP_SECRET.encode(), text, hashlib.md5).hexdigest().upper()
    assert top.sign(params, TOP_SECRET, "hmac") == expected


def test_top_hmac_sha256_is_keyed_by_the_secret() -> None:
    params, text = _top("hmac-sha256")
    expected = hmac.new(TOP_SECRET.encode(), text, hashlib.sha256).hexdigest().upper()
    assert top.sign(params, TOP_SECRET, "hmac-sha256") == expected


def test_top_signatures_are_upper_case_hex_and_differ_by_method() -> None:
    signs = {method: top.sign(_top(method)[0], TOP_SECRET, method) for method in top.SIGN_METHODS}
    assert all(value == value.upper() for value in signs.values())
    assert len(set(signs.values())) == 3


def test_top_request_params_carry_the_common_fields_and_a_valid_sign() -> None:
    now = datetime(2026, 3, 1, 4, 0, 0, tzinfo=UTC)
    params = top.request_params(
        "taobao.subuser.info.update",
        {"sub_id": 42, "is_disable_subaccount": True},
        app_key="k",
        secret="s",
        session="sess",
        sign_method="hmac-sha256",
        now=now,
    )
    assert params["timestamp"] == "2026-03-01 12:00:00"  # GMT+8
    assert (params["v"], params["format"], params["sign_method"]) == ("2.0", "json", "hmac-sha256")
    assert (params["sub_id"], params["is_disable_subaccount"]) == ("42", "true")
    unsigned = {key: value for key, value in params.items() if key != "sign"}
    text = "".join(key + unsigned[key] for key in sorted(unsigned)).encode()
    assert params["sign"] == hmac.new(b"s", text, hashlib.sha256).hexdigest().upper()


def test_top_timestamp_window_is_ten_minutes() -> None:
    now = datetime(2026, 3, 1, 4, 0, 0, tzinfo=UTC)
    assert top.timestamp_fresh("2026-03-01 12:09:59", now)
    assert not top.timestamp_fresh("2026-03-01 12:10:01", now)
    assert not top.timestamp_fresh("2026-03-01T12:00:00", now)


def test_top_response_key_and_ban_hint() -> None:
    assert top.response_key("taobao.subuser.info.update") == "subuser_info_update_response"
    assert top.ban_seconds("This ban will last for 17 more seconds") == 17.0
    assert top.ban_seconds("something else") is None
    assert top.ban_message(0.2) == "This ban will last for 1 more seconds"


KS_PARAMS = {
    "access_token": "ChFvYXV0aC5hY2Nlc3NUb2tlbhJg",
    "appkey": "ks123",
    "method": "open.user.sub.account.list",
    "param": '{"count":50,"page":1}',
    "signMethod": "PLACEHOLDER",
    "timestamp": "1583271919000",
    "version": "1",
}
KS_SECRET = "sign-secret"


def _ks(method: str) -> tuple[dict[str, str], bytes]:
    params = {**KS_PARAMS, "signMethod": method, "sign": "ignored", "extra": "not signed"}
    text = (
        "access_token=ChFvYXV0aC5hY2Nlc3NUb2tlbhJg&appkey=ks123"
        "&method=open.user.sub.account.list"
        '&param={"count":50,"page":1}'
        f"&signMethod={method}&timestamp=1583271919000&version=1&signSecret=sign-secret"
    )
    return params, text.encode()


def test_kuaishou_md5_is_lower_case_hex() -> None:
    params, text = _ks("MD5")
    assert kuaishou.sign(params, KS_SECRET, "MD5") == hashlib.md5(text).hexdigest()


def test_kuaishou_hmac_sha256_is_base64() -> None:
    params, text = _ks("HMAC_SHA256")
    digest = hmac.new(KS_SECRET.encode(), text, hashlib.sha256).digest()
    assert kuaishou.sign(params, KS_SECRET, "HMAC_SHA256") == base64.b64encode(digest).decode()


def test_kuaishou_request_params() -> None:
    now = datetime(2020, 3, 3, 21, 45, 19, tzinfo=UTC)
    params = kuaishou.request_params(
        "open.user.sub.account.create",
        {"nickName": "小王", "roleIds": [3, 1]},
        app_key="ks123",
        access_token="tok",
        sign_secret="sec",
        sign_method="MD5",
        now=now,
    )
    assert params["timestamp"] == str(int(now.timestamp()) * 1000)
    assert params["param"] == '{"nickName":"小王","roleIds":[3,1]}'
    assert params["version"] == "1"
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign") + "&signSecret=sec"
    assert params["sign"] == hashlib.md5(text.encode()).hexdigest()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("open.user.sub.account.list", "/open/user/sub/account/list"),
        ("open.cs.dispatching.group.add", "/open/cs/dispatching/group/add"),
    ],
)
def test_kuaishou_method_paths(method: str, path: str) -> None:
    assert kuaishou.method_path(method) == path
    assert kuaishou.path_method(path) == method


def test_error_tables_map_to_typed_errors() -> None:
    from provisioner import errors

    limited = top.to_error(
        top.error(7, top.SUB_LIMITED_BY_APP, top.ban_message(3)), "shop: taobao.x"
    )
    assert isinstance(limited, errors.RateLimitedError) and limited.retry_after == 3.0
    assert isinstance(top.to_error(top.error(27, top.SUB_INVALID_SESSION), "s"), errors.AuthError)
    assert isinstance(top.to_error(top.error(15, "isp.timeout"), "s"), errors.TransientError)
    assert isinstance(
        top.to_error(top.error(15, top.SUB_SUBUSER_NOT_FOUND), "s"), errors.NotFoundError
    )
    qps = kuaishou.KuaishouError(999, "Exceed qps limit")
    assert isinstance(kuaishou.to_error(qps, "s"), errors.RateLimitedError)
    busy = kuaishou.error(kuaishou.SERVICE_BUSY)
    assert isinstance(kuaishou.to_error(busy, "s"), errors.TransientError)
