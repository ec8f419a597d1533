"""TOP lookups by name use `taobao.subuser.fullinfo.get`: one call, whatever the shop's size."""

from __future__ import annotations

from pathlib import Path

from platform_calls import Counting

from provisioner.connectors.http import HttpClient, TokenBucket, wsgi_transport
from provisioner.connectors.top import TopApi, TopWriter
from provisioner.emulators import identity, make_app
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.resources import Address


def test_a_top_lookup_is_one_fullinfo_call_not_a_walk_through_the_listing(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    back = BackOffice(app.store, "top", "shop-t")
    for number in range(250):
        back.create_account(f"acme:agent{number:03}", AccountSettings(dispatch=number == 7))
    counted = Counting(app)
    client = HttpClient(
        "http://top.test",
        bucket=TokenBucket(1000),
        transport=wsgi_transport(counted),  # type: ignore[arg-type]
    )
    keys = {
        "app_key": identity.APP_KEY,
        "app_secret": identity.APP_SECRET,
        "session": identity.session_for("shop-t"),
    }
    writer = TopWriter(TopApi(client, "shop-t", keys, "hmac-sha256", "acme"), "tmall")
    found = writer.find(Address("shop-t", "account", "agent007"))
    assert found is not None and found.fields["dispatch"] is True
    assert writer.find(Address("shop-t", "account", "nobody")) is None
    lookups = [
        m for m in counted.methods if m != "taobao.sellercenter.subuser.permissions.roles.get"
    ]
    assert lookups == ["taobao.subuser.fullinfo.get"] * 2  # 250 accounts, yet no listing walk
