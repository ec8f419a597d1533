"""Kuaishou's own result codes, from its FAQ pages (mirrored in the `kwaixiaodian` SDK's docs):
24 AUTHORIZATION_REVOKED (K0006) and 26 主账号不存在 (K0005) are authorisation errors, never
retried; 21 (K1006, "order operation reject") is a business refusal whose message is shown."""

from __future__ import annotations

import json

import pytest
from test_http_layer import Script, _client

from provisioner.connectors.kuaishou import KuaishouApi
from provisioner.errors import AuthError, InvalidError, RateLimitedError

KEYS = {"app_key": "k", "access_token": "t", "sign_secret": "s"}


def answer(result: int, message: str) -> tuple[int, str]:
    return 200, json.dumps({"result": result, "error_msg": message, "requestId": "r1"})


def call(app: Script) -> None:
    client, _ = _client(app)
    KuaishouApi(client, "ks", KEYS, "HMAC_SHA256").call("open.user.sub.account.list", {})


@pytest.mark.parametrize(
    ("result", "message", "hint"),
    [
        (24, "AUTHORIZATION_REVOKED", "revoked this app's authorisation"),
        (26, "主账号不存在", "wrong kind or belongs to a deleted sub-account"),
    ],
)
def test_revoked_or_wrong_authorisation_is_an_auth_error_not_retried(
    result: int, message: str, hint: str
) -> None:
    app = Script([answer(result, message), (200, json.dumps({"result": 1, "data": {}}))])
    with pytest.raises(AuthError, match=hint):
        call(app)
    assert app.calls == 1


def test_result_21_is_a_business_refusal_with_its_message() -> None:
    app = Script([answer(21, "order operation reject"), (200, '{"result": 1}')])
    with pytest.raises(InvalidError) as refused:
        call(app)
    assert "Kuaishou refused: order operation reject" in str(refused.value)
    assert "clock" not in str(refused.value)
    assert app.calls == 1


def test_the_qps_limit_is_known_by_its_message() -> None:
    limited = answer(2000, "Exceed qps limit, KEY [apiId:x;appkey:k], MAX_QPS [300.0]")
    app = Script([limited, (200, json.dumps({"result": 1, "data": {"staffs": []}}))])
    call(app)  # waited out and retried
    assert app.calls == 2
    with pytest.raises(RateLimitedError):
        call(Script([limited]))
