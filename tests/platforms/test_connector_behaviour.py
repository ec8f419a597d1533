"""Both API connectors against the emulator served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import logging
import time

import pytest
from platform_harness import SHOP, Harness, change, faults, set_faults

from provisioner.connectors.base import Connector, LiveShop
from provisioner.emulators.server import EmulatorServer
from provisioner.errors import AuthError, InvalidError
from provisioner.resources import Address, Resource

CANARY = "CANARY-5ecret-0d1e"


def accounts(live: LiveShop) -> dict[str, Resource]:
    return {a.name: r for a, r in live.resources.items() if a.kind == "account"}


def read(connector: Connector) -> dict[str, Resource]:
    return accounts(connector.reader().read())


def test_an_account_is_created_read_updated_disabled_and_removed(
    harness: Harness, server: EmulatorServer
) -> None:
    connector = harness.connector(server)
    harness.prepare_roles(connector)
    harness.create_account(server, connector, "小王")
    account = read(connector)["小王"]
    assert account.fields["status"] == "active"
    assert account.fields["roles"] == harness.roles
    assert account.remote_id and account.remote_id.isdigit()

    writer = connector.writer()
    disable = change("account", "小王", "update", status="disabled")
    writer.apply(disable)
    assert read(connector)["小王"].fields["status"] == "disabled"
    writer.apply(change("account", "小王", "update", status="active"))
    assert read(connector)["小王"].fields["status"] == "active"

    remove = change("account", "小王", "delete")
    if harness.family == "top":
        with pytest.raises(InvalidError, match="cannot delete"):
            writer.apply(remove)
        assert connector.desk() is None  # at a URL nobody stands in for the back office
        assert "小王" in read(connector)
        harness.office(server).delete_account(harness.nick("小王"))
    else:
        writer.apply(remove)
    assert "小王" not in read(connector)
    assert writer.find(Address(SHOP, "account", "小王")) is None


def test_a_listing_longer_than_one_page_is_read_whole(
    harness: Harness, server: EmulatorServer
) -> None:
    harness.seed(server, 120)
    found = read(harness.connector(server))
    assert len(found) == 120
    assert {"agent000", "agent119"} <= set(found)


def test_a_rate_limit_ban_is_waited_out(harness: Harness, server: EmulatorServer) -> None:
    harness.seed(server, 2)
    connector = harness.connector(server)
    set_faults(server, ban_next=1.0)
    started = time.monotonic()
    assert len(read(connector)) == 2
    assert time.monotonic() - started >= 1.0
    assert faults(server)["ban_next"] == 0


def test_transient_server_errors_are_retried(harness: Harness, server: EmulatorServer) -> None:
    harness.seed(server, 3)
    set_faults(server, fail_next=2, fail_status=502)
    assert len(read(harness.connector(server))) == 3
    assert faults(server)["fail_next"] == 0


def test_a_create_that_timed_out_is_not_made_twice(
    harness: Harness, server: EmulatorServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    connector = harness.connector(server, timeout=0.5)
    harness.prepare_roles(connector)
    create = harness.timed_create()
    set_faults(server, hang_next=1, hang_seconds=1.5, methods=[harness.create_method])
    remote_id = connector.writer().apply(create)
    assert faults(server)["hang_next"] == 0
    assert "the earlier attempt had created it" in caplog.text
    live = connector.reader().read().resources
    same_kind = [r for a, r in live.items() if a.kind == create.address.kind]
    named = [r for r in same_kind if r.address.name == create.address.name]
    assert len(named) == 1
    assert named[0].remote_id == remote_id


@pytest.mark.parametrize("which", ["secret", "session"])
def test_an_auth_failure_is_clear_and_never_shows_the_secret(
    harness: Harness, server: EmulatorServer, caplog: pytest.LogCaptureFixture, which: str
) -> None:
    caplog.set_level(logging.DEBUG)
    key = {
        ("top", "secret"): "app_secret",
        ("top", "session"): "session",
        ("kuaishou", "secret"): "sign_secret",
        ("kuaishou", "session"): "access_token",
    }[harness.family, which]
    connector = harness.connector(server, **{key: CANARY})
    with pytest.raises(AuthError) as caught:
        connector.reader().read()
    message = str(caught.value)
    expected = "signature" if which == "secret" else ("session" if key == "session" else "token")
    assert expected in message and SHOP in message
    shown = [message, repr(caught.value), repr(connector), repr(connector.writer()), caplog.text]
    shown += [str(arg) for record in caplog.records for arg in (record.args or ())]
    assert not any(CANARY in text for text in shown)


def test_a_missing_credential_is_named(harness: Harness, server: EmulatorServer) -> None:
    connector = harness.connector(server)
    connector.context.credentials.pop("app_key")  # type: ignore[attr-defined]
    with pytest.raises(AuthError, match=r"missing credential.*app_key"):
        connector.reader().read()
