"""Whatever a caller sends, the emulator answers in the platform's own error shape, over real
HTTP: never werkzeug's HTML page, never a dropped connection. And it keeps no caller's token.
"""

from __future__ import annotations

import json
import socket
import sqlite3
from typing import Any

import httpx
import pytest

from provisioner.emulators.identity import SESSION
from provisioner.emulators.server import EmulatorServer

KS_LIST = "/open/user/sub/account/list"
TOP = "/router/rest"


def answer(server: EmulatorServer, path: str, **form: str) -> dict[str, Any]:
    response = httpx.post(server.url + path, data=form, timeout=10)
    assert response.status_code == 200, response.text[:200]
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    return body


def kuaishou_refused(body: dict[str, Any], words: str) -> None:
    assert body["result"] != 1 and words in body["error_msg"], body


def top_refused(body: dict[str, Any], words: str) -> None:
    error = body["error_response"]
    assert error["code"] == 41 and words in error["sub_msg"], body


def test_a_lone_surrogate_in_param(server: EmulatorServer) -> None:
    body = answer(server, KS_LIST, param='{"nick": "\\ud800"}', method="open.user.sub.account.list")
    kuaishou_refused(body, "not Unicode")


def test_param_nested_100000_deep(server: EmulatorServer) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    kuaishou_refused(answer(server, KS_LIST, param=deep), "nested deeper than 32")
    forty = "[" * 40 + "1" + "]" * 40  # deep enough to refuse, shallow enough to parse
    kuaishou_refused(answer(server, KS_LIST, param=f'{{"a": {forty}}}'), "nested deeper")


@pytest.mark.parametrize(("path", "check"), [(KS_LIST, kuaishou_refused), (TOP, top_refused)])
def test_a_5000_digit_timestamp(server: EmulatorServer, path: str, check: Any) -> None:
    check(answer(server, path, timestamp="9" * 5000, method="x"), "a number of 5,000 digits")


def test_an_oversized_body(server: EmulatorServer) -> None:
    top_refused(answer(server, TOP, method="x", padding="x" * (2 << 20)), "request body over")


def raw(server: EmulatorServer, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def test_a_bad_chunked_body(server: EmulatorServer) -> None:
    reply = raw(
        server,
        b"POST /router/rest HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"ZZ-not-hex\r\nmethod=x\r\n0\r\n\r\n",
    )
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), reply[:300]
    top_refused(json.loads(body), "unreadable request body")


def test_the_emulator_keeps_a_hash_of_the_callers_token_not_the_token(
    server: EmulatorServer,
) -> None:
    token = f"{SESSION}/acme-ks"
    answer(server, KS_LIST, access_token=token)  # refused (unsigned), but let it be seen
    from provisioner.emulators.store import Store

    store: Store = server.app.store
    with store.tenant("kuaishou", "acme-ks"):
        pass  # a seller is created on first use
    dump = "\n".join(sqlite3.connect(store.path).iterdump())
    assert "acme-ks" not in dump and token not in dump
    assert "sellers" in dump
