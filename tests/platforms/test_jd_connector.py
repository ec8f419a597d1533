"""JD's JOS connector against the emulator: signed `routerjson` calls, paging (20 a page),
batching (20 account names a call), the app key's rate limit, and retired APIs that degrade a
field to recorded instead of failing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from platform_calls import Counting
from platform_harness import set_faults

from provisioner.connectors.base import ShopContext
from provisioner.connectors.http import HttpClient, RetryPolicy, TokenBucket, wsgi_transport
from provisioner.connectors.jd import JdApi, JdConnector
from provisioner.emulators import identity, make_app
from provisioner.emulators.app import EmulatorApp
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.faults import Faults
from provisioner.emulators.server import EmulatorServer
from provisioner.errors import AuthError, InvalidError
from provisioner.model import Shop
from provisioner.resources import Address
from provisioner.secrets import Secret
from provisioner.wire import jos

SHOP = "jd-shop"


def credentials(**overrides: str) -> dict[str, Secret]:
    values = {
        "app_key": identity.APP_KEY,
        "app_secret": identity.APP_SECRET,
        "access_token": identity.session_for(SHOP),
        **overrides,
    }
    return {key: Secret(value) for key, value in values.items()}


def connector(url: str, **overrides: str) -> JdConnector:
    shop = Shop(platform="jd", endpoint=url, rate_limit=1000.0)
    context = ShopContext(SHOP, shop, credentials=credentials(**overrides))
    return JdConnector(context, timeout=5, retry=RetryPolicy(attempts=4, base_delay=0.1))


def office(app: EmulatorApp) -> BackOffice:
    return BackOffice(app.store, "jos", SHOP)


def staff(app: EmulatorApp, count: int, roles: tuple[str, ...] = ("presales",)) -> None:
    back = office(app)
    for role in roles:
        back.create_role(role)
    for number in range(count):
        back.create_account(f"agent{number:03}", AccountSettings(roles=roles))


def test_accounts_and_roles_are_read_over_http(server: EmulatorServer) -> None:
    back = office(server.app)
    back.create_role("presales")
    back.create_role("aftersales")
    back.create_account("小王同学", AccountSettings(roles=("presales", "aftersales")))
    back.create_account("xiaoli", AccountSettings(disabled=True))
    live = connector(server.url).reader().read()
    assert live.listed == {"account", "role"}
    wang = live.resources[Address(SHOP, "account", "小王同学")]
    assert wang.fields == {"status": "active", "roles": ("aftersales", "presales")}
    assert live.resources[Address(SHOP, "account", "xiaoli")].fields == {
        "status": "disabled",
        "roles": (),
    }
    assert {a.name for a in live.resources if a.kind == "role"} == {"presales", "aftersales"}
    assert live.unread == {} and live.warnings == ()


def test_a_wrong_secret_is_an_auth_error_that_names_no_secret(server: EmulatorServer) -> None:
    with pytest.raises(AuthError) as refused:
        connector(server.url, app_secret="CANARY-jd-secret").reader().read()
    assert "signature" in str(refused.value) and "CANARY" not in str(refused.value)


def api(app: Counting) -> JdApi:
    client = HttpClient(
        "http://jd.test",
        bucket=TokenBucket(1000),
        secrets=[identity.APP_SECRET],
        transport=wsgi_transport(app),  # type: ignore[arg-type]
        retry=RetryPolicy(attempts=4, base_delay=0.05),
    )
    keys = {k: v.reveal() for k, v in credentials().items()}
    return JdApi(client, SHOP, keys)


def test_accounts_are_paged_20_at_a_time_and_roles_asked_for_20_names_a_call(tmp_path: Any) -> None:
    app = make_app(tmp_path)
    staff(app, 45)
    counted = Counting(app)
    accounts = list(api(counted).accounts())
    assert len(accounts) == 45
    assert counted.methods == [jos.CHILD_ACCOUNTS] * 3
    counted.methods.clear()
    held = api(counted).account_roles([a.name for a in accounts])
    assert set(held.values()) == {("presales",)}
    assert counted.methods == [jos.ACCOUNT_ROLES] * 3
    counted.methods.clear()
    codes = api(counted).account_codes([a.name for a in accounts])
    assert len(codes) == 45
    assert counted.methods == [jos.ACCOUNT_PRIVILEGES] * 3


def test_the_emulator_refuses_more_than_20_names_and_a_page_over_20(tmp_path: Any) -> None:
    app = make_app(tmp_path)
    staff(app, 21)
    names = [f"agent{number:03}" for number in range(21)]
    with pytest.raises(InvalidError, match="000000007"):
        api(Counting(app)).call(
            jos.ACCOUNT_ROLES, {"account_name_s": ",".join(names)}, "account_role_result"
        )
    with pytest.raises(InvalidError, match="000000002"):
        api(Counting(app)).call(jos.CHILD_ACCOUNTS, {"page": 1, "size": 21}, "child_account_result")


def test_the_app_keys_rate_limit_is_waited_out(tmp_path: Any) -> None:
    app = make_app(tmp_path, Faults(qps=1))
    staff(app, 3)
    counted = Counting(app)
    client = api(counted)
    assert [r.name for r in client.roles()] == ["presales"]
    assert len(list(client.accounts())) == 3  # refused once with JOS's call limit, then retried
    assert counted.methods.count(jos.CHILD_ACCOUNTS) >= 2


def test_a_retired_role_api_degrades_roles_to_recorded_with_one_warning(
    server: EmulatorServer,
) -> None:
    staff(server.app, 2)
    set_faults(server, retired=[jos.ACCOUNT_ROLES, jos.ROLES])
    live = connector(server.url).reader().read()
    assert live.listed == {"account"}
    assert live.unread == {"account": frozenset({"roles"})}
    assert all(r.fields == {"status": "active"} for r in live.resources.values())
    assert len(live.warnings) == 2
    assert all("API不存在" in w and "counts as recorded" in w for w in live.warnings)


def test_the_emulator_answers_in_the_documented_shape(tmp_path: Any) -> None:
    app = make_app(tmp_path)
    staff(app, 1)
    from datetime import UTC, datetime

    from werkzeug.test import Client

    params = jos.request_params(
        jos.CHILD_ACCOUNTS,
        {"page": 1, "size": 20},
        app_key=identity.APP_KEY,
        secret=identity.APP_SECRET,
        access_token=identity.session_for(SHOP),
        now=datetime.now(UTC),
    )
    body = json.loads(Client(app).post(jos.ROUTER_PATH, data=params).get_data(as_text=True))
    result = body["jingdong_vender_childAccount_query_responce"]["child_account_result"]
    assert (result["is_success"], result["total_count"]) == ("true", "1")
    account = result["child_account_s"][0]["child_account"]
    assert (account["account_name"], account["status"]) == ("agent000", "1")
    params["sign"] = "0" * 32
    refused = json.loads(Client(app).post(jos.ROUTER_PATH, data=params).get_data(as_text=True))
    assert refused["error_response"]["code"] == jos.INVALID_SIGNATURE
