"""Signed calls to the emulator for the tests, through werkzeug's test client (no socket)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from werkzeug.test import Client

from provisioner.emulators import identity
from provisioner.emulators.app import EmulatorApp
from provisioner.wire import kuaishou, top


def top_call(
    client: Client,
    method: str,
    business: dict[str, Any] | None = None,
    *,
    secret: str = identity.APP_SECRET,
    session: str = identity.SESSION,
    now: datetime | None = None,
    sign_method: top.SignMethod = "hmac-sha256",
    timestamp: str | None = None,
) -> dict[str, Any]:
    """One signed TOP call; `timestamp` replaces the standard one (then signed again)."""
    params = top.request_params(
        method,
        business or {},
        app_key=identity.APP_KEY,
        secret=secret,
        session=session,
        sign_method=sign_method,
        now=now or datetime.now(UTC),
    )
    if timestamp is not None:
        params["timestamp"] = timestamp
        params["sign"] = top.sign(params, secret, sign_method)
    response = client.post(top.ROUTER_PATH, data=params)
    assert response.status_code == 200, response.status_code
    body: dict[str, Any] = response.get_json()
    return body


def ks_call(
    client: Client,
    method: str,
    business: dict[str, Any] | None = None,
    *,
    sign_secret: str = identity.SIGN_SECRET,
    token: str = identity.SESSION,
    now: datetime | None = None,
    sign_method: kuaishou.SignMethod = "HMAC_SHA256",
) -> dict[str, Any]:
    params = kuaishou.request_params(
        method,
        business or {},
        app_key=identity.APP_KEY,
        access_token=token,
        sign_secret=sign_secret,
        sign_method=sign_method,
        now=now or datetime.now(UTC),
    )
    response = client.post(kuaishou.method_path(method), data=params)
    assert response.status_code == 200, response.status_code
    body: dict[str, Any] = response.get_json()
    return body


class Counting:
    """The emulator behind a counter of API methods called."""

    def __init__(self, app: EmulatorApp) -> None:
        self.app = app
        self.methods: list[str] = []

    def __call__(self, environ: dict[str, Any], start: Callable[..., Any]) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        method = parse_qs(body.decode()).get("method", [environ.get("PATH_INFO", "")])[0]
        self.methods.append(method)
        return self.app(environ, start)
