"""Stand-ins for the DingTalk, Feishu and WeCom group bots on 127.0.0.1 (a free port).

Each checks what its platform checks (the token in the webhook, the signature and its timestamp,
the size limit, the message shape) and answers in that platform's shape, errors included, as
their documentation shows (see provisioner/notify/bots.py for the sources). What each accepted
is kept, decoded, in `received`. Faults: `fail[name] = N` answers the next N requests with
HTTP 500; `hang[name] = S` waits S seconds before answering.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Bots:
    port: int = 0
    dingtalk_token: str = "canaryd1ngt0ken7a6b5c4d3e2f1"
    dingtalk_secret: str = "SECcanary0d1ng5ecret9e8d7c6b5a4"
    feishu_token: str = "canaryfe1shu-40a1-4b2c-9d3e-5f6a7b8c9d0e"
    feishu_secret: str = "canaryfe1shuSecret3c2b1a"
    wecom_key: str = "canaryw3c0m-693a-4bc4-97a0-0ec2sifa5aaa"
    received: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"dingtalk": [], "feishu": [], "wecom": []}
    )
    requests: dict[str, int] = field(
        default_factory=lambda: {"dingtalk": 0, "feishu": 0, "wecom": 0}
    )
    fail: dict[str, int] = field(default_factory=dict)
    hang: dict[str, float] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def webhooks(self) -> dict[str, str]:
        return {
            "dingtalk": f"{self.base}/robot/send?access_token={self.dingtalk_token}",
            "feishu": f"{self.base}/open-apis/bot/v2/hook/{self.feishu_token}",
            "wecom": f"{self.base}/cgi-bin/webhook/send?key={self.wecom_key}",
        }

    def canaries(self) -> list[str]:
        return [
            self.dingtalk_token,
            self.dingtalk_secret,
            self.feishu_token,
            self.feishu_secret,
            self.wecom_key,
        ]

    def texts(self, name: str) -> list[str]:
        return [message["text"] for message in self.received[name]]


def _hmac_b64(key: str, message: str) -> str:
    return base64.b64encode(
        hmac.new(key.encode(), message.encode(), hashlib.sha256).digest()
    ).decode()


def _dingtalk(bots: Bots, query: dict[str, list[str]], body: bytes) -> dict[str, Any]:
    if query.get("access_token") != [bots.dingtalk_token]:
        return {"errcode": 300001, "errmsg": "token is not exist"}
    timestamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not timestamp.isdigit() or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
        return {
            "errcode": 310000,
            "errmsg": "invalid timestamp, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
        }
    # The sign arrives url-decoded; DingTalk compares it with base64(HmacSHA256(secret, "ts\nsecret")).
    if sign != _hmac_b64(bots.dingtalk_secret, f"{timestamp}\n{bots.dingtalk_secret}"):
        return {
            "errcode": 310000,
            "errmsg": "sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]",
        }
    if len(body) > 20000:
        return {"errcode": 460101, "errmsg": "message too long, exceed 20000 bytes"}
    data = json.loads(body)
    markdown = data.get("markdown") or {}
    if data.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
        return {"errcode": 40035, "errmsg": "缺少参数 json"}
    bots.received["dingtalk"].append(
        {"title": markdown["title"], "text": markdown["text"], "bytes": len(body)}
    )
    return {"errcode": 0, "errmsg": "ok"}


def _feishu(bots: Bots, path: str, body: bytes) -> dict[str, Any]:
    if path != f"/open-apis/bot/v2/hook/{bots.feishu_token}":
        return {
            "code": 19001,
            "data": {},
            "msg": "param invalid: incoming webhook access token invalid",
        }
    if len(body) > 20 * 1024:
        return {"code": 9499, "data": {}, "msg": "Bad Request"}
    data = json.loads(body)
    timestamp, sign = str(data.get("timestamp", "")), data.get("sign", "")
    # Feishu: base64(HmacSHA256(key="ts\nsecret", message="")), the timestamp within an hour.
    fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) <= 3600
    if not fresh or sign != _hmac_b64(f"{timestamp}\n{bots.feishu_secret}", ""):
        return {
            "code": 19021,
            "data": {},
            "msg": "sign match fail or timestamp is not within one hour from current time",
        }
    content = data.get("content") or {}
    if data.get("msg_type") != "text" or not content.get("text"):
        return {"code": 9499, "data": {}, "msg": "Bad Request"}
    bots.received["feishu"].append({"text": content["text"], "bytes": len(body)})
    return {"StatusCode": 0, "StatusMessage": "success", "code": 0, "data": {}, "msg": "success"}


def _wecom(bots: Bots, query: dict[str, list[str]], body: bytes) -> dict[str, Any]:
    hint = "hint: [1733100000_51_88bf6103b527f4f0bbb712c0427fe5], from ip: 127.0.0.1"
    if query.get("key") != [bots.wecom_key]:
        return {
            "errcode": 93000,
            "errmsg": f"invalid webhook url, {hint}, more info at https://open.work.weixin.qq.com/devtool/query?e=93000",
        }
    data = json.loads(body)
    content = (data.get("markdown") or {}).get("content", "")
    if data.get("msgtype") != "markdown" or not content:
        return {"errcode": 44004, "errmsg": f"empty content, {hint}"}
    if len(content.encode("utf-8")) > 4096:
        return {
            "errcode": 40058,
            "errmsg": f"markdown.content exceed max length 4096. invalid Request Parameter, {hint}, more info at https://open.work.weixin.qq.com/devtool/query?e=40058",
        }
    bots.received["wecom"].append({"text": content, "bytes": len(content.encode("utf-8"))})
    return {"errcode": 0, "errmsg": "ok"}


def _handler(bots: Bots) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            url = urlsplit(self.path)
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            name = (
                "dingtalk"
                if url.path == "/robot/send"
                else "wecom"
                if url.path == "/cgi-bin/webhook/send"
                else "feishu"
            )
            bots.requests[name] += 1
            if bots.hang.get(name):
                time.sleep(bots.hang[name])
            if bots.fail.get(name):
                bots.fail[name] -= 1
                self._answer(500, b"Internal Server Error", "text/plain")
                return
            query = parse_qs(url.query)
            if name == "dingtalk":
                answer = _dingtalk(bots, query, body)
            elif name == "wecom":
                answer = _wecom(bots, query, body)
            else:
                answer = _feishu(bots, url.path, body)
            self._answer(200, json.dumps(answer, ensure_ascii=False).encode(), "application/json")

        def _answer(self, status: int, body: bytes, kind: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


@contextmanager
def serving() -> Iterator[Bots]:
    bots = Bots()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(bots))
    server.daemon_threads = True
    bots.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield bots
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
