"""Credentials go only where the operator allowed (issue 14, hole 2).

A pull request edits the config; CI plans it with real credentials. The config must not be able
to choose where those credentials go. A capture proxy on 127.0.0.1 (HTTP_PROXY, which the
HTTP client honours) sees every request that would leave for a remote host, so "nothing was
sent" is observed, not assumed; a FIFO as a secret file, with a writer waiting on it, shows
whether anything opened it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from engine_project import Project, account, agent, config

REMOTE = "http://collector.example.invalid"  # .invalid never resolves (RFC 6761)
CREDENTIALS = {
    "app_key": {"env": "KS_APP_KEY"},
    "sign_secret": {"env": "KS_SIGN_SECRET"},
    "access_token": {"file": "token.txt"},
}
ENV = {"KS_APP_KEY": "sandbox-app", "KS_SIGN_SECRET": "sandbox-sign-secret"}
SERVE = (sys.executable, "-m", "provisioner.cli.main", "sandbox", "serve", "--port", "0")
ROLES = {"cs": {"permissions": ["chat.reply"], "native": {"kuaishou": {"roles": ["客服"]}}}}


class Capture(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Recorder)
        self.requests: list[tuple[str, str]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Recorder(BaseHTTPRequestHandler):
    server: Capture

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        self.server.requests.append((self.path, self.rfile.read(length).decode()))
        body = json.dumps({"result": 0, "error_msg": "captured"}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        del format, args


@pytest.fixture
def capture(monkeypatch: pytest.MonkeyPatch) -> Iterator[Capture]:
    server = Capture()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for name in ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "NO_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    monkeypatch.delenv("PROVISIONER_ALLOW_ENDPOINTS", raising=False)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def shop_config(endpoint: str, credentials: dict[str, Any] | None = None) -> dict[str, Any]:
    shop = {
        "platform": "kuaishou",
        "name": "快手店",
        "endpoint": endpoint,
        "credentials": credentials or CREDENTIALS,
    }
    agents = {"wang": agent("王", account("ks", "小王", "cs"), phone="13800000001")}
    return config({"ks": shop}, agents, roles=ROLES)


def endpoint_position(project: Project) -> str:
    lines = (project.root / "provisioner.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip().startswith("endpoint:"))
    col = lines[line - 1].index("endpoint:") + len("endpoint: ") + 1
    return f"provisioner.yaml:{line}:{col}: shops.ks.endpoint: "


def test_an_endpoint_the_operator_did_not_allow_is_refused_before_reading_or_sending(
    project: Project, capture: Capture
) -> None:
    fifo = project.root / "token.txt"
    os.mkfifo(fifo)  # the "secret file": opening it for reading would release the writer
    opened = threading.Event()

    def writer() -> None:
        with open(fifo, "w", encoding="utf-8") as pipe:  # blocks until someone reads
            opened.set()
            pipe.write("sandbox-session")

    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    project.write(shop_config(REMOTE))

    for command in ("validate", "plan", "apply"):
        args = (command, "--auto-approve") if command == "apply" else (command,)
        refused = project.run(*args, env=ENV)
        assert refused.code == 1, refused.output
        assert refused.err.startswith(
            endpoint_position(project)
            + f"shop 'ks' would send its credentials to {REMOTE}, which is not kuaishou's "
            "official API (https://openapi.kwaixiaodian.com), the sandbox or this machine; "
            "refused before reading any credential or sending anything."
        )
        assert f"PROVISIONER_ALLOW_ENDPOINTS={REMOTE} in the environment" in refused.err

    assert capture.requests == []
    assert not opened.wait(0.2)  # nothing opened the secret file
    with open(fifo, encoding="utf-8") as pipe:  # release the writer
        assert pipe.read() == "sandbox-session"
    thread.join(timeout=5)


def test_an_endpoint_under_an_allowed_prefix_is_used(project: Project, capture: Capture) -> None:
    (project.root / "token.txt").write_text("sandbox-session\n", encoding="utf-8")
    project.write(shop_config(REMOTE + "/ks"))
    allow = {**ENV, "PROVISIONER_ALLOW_ENDPOINTS": f"https://other.example, {REMOTE}/ks"}

    planned = project.run("plan", env=allow)

    assert planned.code == 1  # the capture answers every call with an error
    assert capture.requests, planned.output
    path, form = capture.requests[0]
    assert path.startswith(REMOTE + "/ks/open/")  # sent to the allowed endpoint, via the proxy
    assert "sandbox-app" in form  # with the shop's credentials: what the operator allowed
    assert "sandbox-session" not in planned.output and "sandbox-sign-secret" not in planned.output


@pytest.mark.parametrize(
    "endpoint",
    [
        REMOTE + "/ksx",  # not a whole path segment
        REMOTE + ".evil/ks",  # another host
        "https://collector.example.invalid/ks",  # another scheme
        REMOTE + ":8080/ks",  # another port
        REMOTE + "/ks/../admin",  # dot segments are not plain
        "http://collector.example.invalid@evil.example/ks",  # user info is not plain
        "http://evil.example/?u=" + REMOTE + "/ks",  # a query is not plain
    ],
)
def test_prefixes_match_scheme_host_port_and_whole_segments(
    project: Project, capture: Capture, endpoint: str
) -> None:
    (project.root / "token.txt").write_text("sandbox-session\n", encoding="utf-8")
    project.write(shop_config(endpoint))
    allow = {**ENV, "PROVISIONER_ALLOW_ENDPOINTS": REMOTE + "/ks"}

    refused = project.run("validate", env=allow)

    assert refused.code == 1
    assert "shops.ks.endpoint: " in refused.err
    assert capture.requests == []


def test_official_hosts_and_this_machine_need_no_setting(
    project: Project, capture: Capture
) -> None:
    (project.root / "token.txt").write_text("sandbox-session\n", encoding="utf-8")
    for endpoint in (
        "https://openapi.kwaixiaodian.com",
        "http://localhost:9",
        "http://127.0.0.1:9/ks",
        "http://[::1]:9",
        "sandbox",
    ):
        project.write(shop_config(endpoint))
        assert project.run("validate", env=ENV).code == 0, endpoint
    project.write(shop_config("https://eco.taobao.com"))  # Taobao's host is not Kuaishou's
    assert "shops.ks.endpoint" in project.run("validate", env=ENV).err


def test_the_allow_list_lives_in_the_environment_and_must_be_well_formed(
    project: Project, capture: Capture
) -> None:
    project.write(shop_config(REMOTE))
    bad = project.run("validate", env={**ENV, "PROVISIONER_ALLOW_ENDPOINTS": "collector"})
    assert bad.code == 1
    assert bad.err == (
        "error: PROVISIONER_ALLOW_ENDPOINTS: 'collector' is not a URL prefix like "
        "https://host[:port][/path] (no query, user info or escapes)\n"
    )
    document = shop_config(REMOTE)
    document["settings"]["allow_endpoints"] = [REMOTE]  # a config cannot allow it
    project.write(document)
    assert "unknown key" in project.run("validate", env=ENV).err


def test_sandbox_serve_works_with_no_environment_setting(project: Project) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PROVISIONER_ALLOW_ENDPOINTS", "HTTP_PROXY")
    }
    server = subprocess.Popen(
        [*SERVE, "--stop-after", "60", "--data", str(project.root / "served")],
        env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+", first)
        assert found, first
        (project.root / "token.txt").write_text("sandbox-session\n", encoding="utf-8")
        project.write(shop_config(found.group()))
        planned = project.run("plan", env=ENV)
        assert planned.code == 0, planned.output
        assert "+ ks/account/小王" in planned.out
    finally:
        server.terminate()
        server.communicate(timeout=10)


@pytest.mark.parametrize(
    ("platform", "extra", "names"),
    [
        ("tmall", {"main_account": "acme"}, "app_key, app_secret, session"),
        ("kuaishou", {}, "app_key, sign_secret, access_token"),
    ],
)
def test_a_shop_lacking_the_credentials_of_its_endpoint_is_shown_at_its_entry(
    project: Project, platform: str, extra: dict[str, str], names: str
) -> None:
    # A shop moved off `endpoint: sandbox` that declares no credentials: a config problem,
    # so plan says where, as it does for every other one.
    shop = {"platform": platform, "name": "店", "endpoint": "http://127.0.0.1:9", **extra}
    agents = {"wang": agent("王", account("s", "小王", "cs"), phone="13800000001")}
    project.write(config({"s": shop}, agents, roles=ROLES))

    planned = project.run("plan")

    lines = (project.root / "provisioner.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == "s:")
    col = lines[line - 1].index("s:") + 1
    assert planned.code == 1, planned.output
    assert planned.err.splitlines()[-2:] == [
        f"provisioner.yaml:{line}:{col}: shops.s: s: missing credential(s) {names}: "
        "add them under credentials:",
        "error: 1 error in the configuration",
    ]
