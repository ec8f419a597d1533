"""Chaos over real HTTP: about 10% of the emulator's answers go wrong (5xx, dropped
connections, rate-limit bans, slow answers), and one `apply` still converges: every change
done exactly once, nothing created twice, nothing lost, and the next plan is `No changes.`

Two Kuaishou shops (two sellers) of 30 accounts, each in a dispatch group, through the real
CLI in this process against `EmulatorServer` on 127.0.0.1. Seeded: the faults repeat.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from platform_harness import faults, set_faults

from provisioner.cli.main import main
from provisioner.connectors.budget import within
from provisioner.connectors.http import HttpClient, HttpRequest, TokenBucket
from provisioner.emulators.server import EmulatorServer
from provisioner.emulators.store import seller_key
from provisioner.errors import TransientError

ACCOUNTS = 30
SHOPS = ("ks-a", "ks-b")
CHAOS = {
    "fail_rate": 0.04,  # HTTP 502 without doing anything
    "fail_status": 502,
    "reset_rate": 0.02,  # the connection dropped unanswered
    "ban_rate": 0.02,  # "Exceed qps limit" for half a second
    "ban_seconds": 0.5,
    "slow_rate": 0.02,  # carried out, answered 0.3 s late
    "slow_seconds": 0.3,
    # Every call but `group.add`: Kuaishou can look a dispatch group up only by the id its
    # answer carries, so a group create whose answer is lost cannot be checked, and is
    # reported for a person to check instead (see test_a_lost_group_create_is_reported).
    "methods": [
        "open.user.sub.account.list",
        "open.user.sub.account.create",
        "open.user.sub.account.update",
        "open.user.sub.account.status.update",
        "open.user.sub.account.remove",
        "open.user.sub.account.role.list",
        "open.cs.dispatching.group.query",
        "open.cs.dispatching.group.update",
        "open.cs.dispatching.group.del",
    ],
}


def shop(url: str, seller: str) -> dict[str, Any]:
    credentials = {
        "app_key": {"env": "CHAOS_APP_KEY"},
        "sign_secret": {"env": "CHAOS_SIGN_SECRET"},
        "access_token": {"env": f"CHAOS_TOKEN_{seller.upper().replace('-', '_')}"},
    }
    return {
        "platform": "kuaishou",
        "name": seller,
        "endpoint": url,
        "rate_limit": 100,
        "credentials": credentials,
        "groups": {"售前组": {}, "售后组": {}},
    }


def write_config(root: Path, url: str) -> None:
    agents = {
        f"p{i:02d}": {
            "name": f"员工{i:02d}",
            "phone": f"138{i:08d}",
            "accounts": [
                {"shop": name, "nickname": f"客服{i:02d}", "roles": ["cs"], "groups": [group]}
                for name in SHOPS
                for group in ("售前组" if i % 2 else "售后组",)
            ],
        }
        for i in range(ACCOUNTS)
    }
    document = {
        "version": 1,
        "shops": {name: shop(url, name) for name in SHOPS},
        "roles": {
            "cs": {"permissions": ["chat.reply"], "native": {"kuaishou": {"roles": ["客服"]}}}
        },
        "agents": agents,
    }
    text = yaml.safe_dump(document, allow_unicode=True, sort_keys=False)
    (root / "provisioner.yaml").write_text(text, encoding="utf-8")


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([*args, "-c", str(root)])
    return code, out.getvalue(), err.getvalue()


def emulator_accounts(server: EmulatorServer) -> list[tuple[str, str, int]]:
    conn = sqlite3.connect(server.app.store.path)
    try:
        return conn.execute(
            "SELECT seller, nick, deleted FROM accounts WHERE platform = 'kuaishou'"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture(autouse=True)
def credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("CHAOS_APP_KEY", "sandbox-app")
    monkeypatch.setenv("CHAOS_SIGN_SECRET", "sandbox-sign-secret")
    for name in SHOPS:
        variable = f"CHAOS_TOKEN_{name.upper().replace('-', '_')}"
        monkeypatch.setenv(variable, f"sandbox-session/{name}")


@pytest.mark.parametrize("seed", [1, 2])
def test_one_apply_converges_through_ten_percent_faults(
    seed: int, server: EmulatorServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "config"
    root.mkdir()
    write_config(root, server.url)
    set_faults(server, seed=seed, **CHAOS)

    code, out, err = cli(root, "apply", "--auto-approve")
    assert code == 0, out + err
    assert "0 failed" in out
    ridden_out = caplog.text.count("retrying in") + caplog.text.count("trying again")
    assert ridden_out >= 3, caplog.text  # the faults happened, and were ridden out

    set_faults(server)  # no faults: look at what the platform holds
    assert faults(server)["fail_rate"] == 0
    held = emulator_accounts(server)
    assert sorted(held) == sorted(
        (seller_key(name), f"客服{i:02d}", 0) for name in SHOPS for i in range(ACCOUNTS)
    )  # every account once: none lost, none created twice, none deleted
    code, out, err = cli(root, "plan")  # (the groups' descriptions are manual tasks)
    assert code == 0, out + err
    assert "No changes." in out


def test_a_change_that_keeps_failing_gives_up_within_its_budget_saying_why(
    server: EmulatorServer,
) -> None:
    set_faults(server, fail_next=1000)  # every call: HTTP 503
    client = HttpClient(server.url, bucket=TokenBucket(100))
    started = time.monotonic()
    with within(1.5), pytest.raises(TransientError) as failure:
        client.call(
            lambda: HttpRequest("/router/rest", {"method": "taobao.time.get"}),
            lambda reply: reply.json_object("time"),
            idempotent=True,
            label="taobao.time.get",
        )
    client.close()
    assert time.monotonic() - started < 3.0
    assert "HTTP 503 from the platform (gave up after" in str(failure.value)
