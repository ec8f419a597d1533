"""`endpoint: sandbox`: the emulator in process, persisted under the state directory."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from platform_harness import EveryonesPhone

from provisioner.cli.main import main
from provisioner.config.checks import Finding
from provisioner.connectors.base import RoleBinding, ShopContext
from provisioner.connectors.kuaishou import KuaishouConnector
from provisioner.connectors.top import TaobaoConnector, TmallConnector
from provisioner.emulators import make_app
from provisioner.emulators.backoffice import BackOffice
from provisioner.emulators.server import make_server, serve
from provisioner.errors import AuthError
from provisioner.model import Shop
from provisioner.resources import Address, Change, FieldChange, FieldValue
from provisioner.secrets import Secret


def _context(
    state: Path, name: str, platform: str, roles: dict[str, RoleBinding] | None = None
) -> ShopContext:
    shop = Shop(platform=platform, endpoint="sandbox", main_account="acme旗舰店")
    return ShopContext(name, shop, roles=roles or {}, state_dir=state, contacts=EveryonesPhone())


def _change(
    shop: str, kind: str, name: str, action: str, execution: str = "api", **after: FieldValue
) -> Change:
    fields = tuple(FieldChange(key, None, value) for key, value in after.items())
    address = Address(shop, kind, name)  # type: ignore[arg-type]
    return Change(address, "test", action, execution, "test", fields)  # type: ignore[arg-type]


def test_a_tmall_sandbox_needs_no_credentials_and_persists(tmp_path: Path) -> None:
    connector = TmallConnector(_context(tmp_path, "acme-tmall", "tmall"))
    writer = connector.writer()
    role_id = writer.apply(
        _change("acme-tmall", "role", "presales", "create", permissions=("order.view",))
    )
    manual = _change(
        "acme-tmall",
        "account",
        "小王",
        "create",
        "manual",
        status="active",
        roles=("presales",),
        dispatch=True,
        reception_limit=80,
        schedule="daytime",
    )
    desk = connector.desk()
    assert desk is not None
    desk.perform(manual)
    assert (tmp_path / "sandbox" / "emulator.db").is_file()

    # Another process would open the same file: the back office sees the account as created.
    office = BackOffice(make_app(tmp_path / "sandbox").store, "top", "acme-tmall")
    account = office.find_account("acme旗舰店:小王")
    assert account is not None
    assert (account.reception_limit, account.schedule, account.dispatch) == (80, "daytime", True)
    live = connector.reader().read().resources
    assert live[Address("acme-tmall", "account", "小王")].fields == {
        "status": "active",
        "roles": ("presales",),
        "dispatch": True,
    }
    assert live[Address("acme-tmall", "role", "presales")].remote_id == role_id
    roles = {role.name: role.permissions for role in office.list_roles()}
    assert roles["presales"]  # the catalog's TOP codes for order.view


def test_sandbox_shops_are_separate_sellers(tmp_path: Path) -> None:
    first = TmallConnector(_context(tmp_path, "shop-a", "tmall"))
    second = TaobaoConnector(_context(tmp_path, "shop-b", "taobao"))
    desk = first.desk()
    assert desk is not None
    desk.perform(_change("shop-a", "account", "小王", "create", "manual", status="active"))
    assert len(first.reader().read().resources) == 1
    assert second.reader().read().resources == {}


def test_kuaishou_groups_follow_their_members(tmp_path: Path) -> None:
    connector = KuaishouConnector(_context(tmp_path, "ks", "kuaishou"))
    writer = connector.writer()
    for nick in ("小王", "小李"):
        writer.apply(_change("ks", "account", nick, "create", status="active", roles=("客服",)))
    group = _change("ks", "group", "售前组", "create", members=("小王",))
    group_id = writer.apply(group)
    update = _change("ks", "group", "售前组", "update", members=("小李",))
    writer.apply(update)
    found = writer.find(Address("ks", "group", "售前组"))
    assert found is not None and found.remote_id == group_id
    assert found.fields == {"members": ("小李",)}
    writer.apply(_change("ks", "account", "小李", "delete"))
    assert writer.find(Address("ks", "group", "售前组")).fields["members"] == ()  # type: ignore[union-attr]
    writer.apply(_change("ks", "group", "售前组", "delete"))
    assert writer.find(Address("ks", "group", "售前组")) is None


def test_kuaishou_manual_fields_are_done_by_the_sandbox_back_office(tmp_path: Path) -> None:
    connector = KuaishouConnector(_context(tmp_path, "ks", "kuaishou"))
    writer = connector.writer()
    writer.apply(_change("ks", "account", "小王", "create", status="active", roles=("客服",)))
    desk = connector.desk()
    assert desk is not None
    desk.perform(
        _change("ks", "account", "小王", "update", "manual", dispatch=True, reception_limit=30)
    )
    office = BackOffice(make_app(tmp_path / "sandbox").store, "kuaishou", "ks")
    account = office.find_account("小王")
    assert account is not None and (account.dispatch, account.reception_limit) == (True, 30)


def test_kuaishou_reports_unbound_and_unknown_role_bindings(tmp_path: Path) -> None:
    roles = {
        "presales": RoleBinding("presales", ("chat.reply",), native_roles=("客服",)),
        "shipping": RoleBinding("shipping", ("logistics.ship",)),
        "lead": RoleBinding("lead", ("team.manage",), native_roles=("售後客服",)),
    }
    problems = KuaishouConnector(_context(tmp_path, "ks", "kuaishou", roles)).problems()
    assert [(p.loc, p.at_key) for p in problems if isinstance(p, Finding)] == [
        (("roles", "lead", "native", "kuaishou", "roles"), False),
        (("roles", "shipping"), True),
    ]
    messages = [p.message for p in problems if isinstance(p, Finding)]
    assert "role template 'shipping' is not bound to any Kuaishou role" in messages[1]
    assert "'售後客服', which this shop does not have (did you mean '售后客服'?)" in messages[0]


def test_a_missing_kuaishou_role_is_reported_at_the_config_line_that_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config.yaml").write_text(
        """version: 1
shops:
  ks: {platform: kuaishou, name: KS, endpoint: sandbox}
roles:
  cs:
    permissions: [chat.reply]
    native: {kuaishou: {roles: [客服, 售後客服]}}
  lead: {permissions: [team.manage]}
agents:
  a: {name: 甲, phone: "13800000001", accounts: [{shop: ks, nickname: 甲, roles: [cs, lead]}]}
""",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(["plan"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "config.yaml:7:32: roles.cs.native.kuaishou.roles: ks: role template 'cs' binds to"
        " Kuaishou role '售後客服', which this shop does not have (did you mean '售后客服'?)",
        "config.yaml:8:3: roles.lead: ks: role template 'lead' is not bound to any Kuaishou"
        " role: add native: {kuaishou: {roles: [...]}} naming some of 售后客服, 客服, 客服主管,"
        " 财务, 运营",
        "error: 2 errors in the configuration",
    ]


def test_credentials_given_to_a_sandbox_shop_still_count(tmp_path: Path) -> None:
    context = _context(tmp_path, "ks", "kuaishou")
    canary = "CANARY-sandbox-7c1"
    context = ShopContext(
        context.name, context.shop, credentials={"sign_secret": Secret(canary)}, state_dir=tmp_path
    )
    with pytest.raises(AuthError) as caught:
        KuaishouConnector(context).reader().read()
    assert "signature" in str(caught.value) and canary not in str(caught.value)


def test_serve_listens_on_localhost_only_and_stops_by_itself(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"127\.0\.0\.1 only"):
        make_server(tmp_path, host="0.0.0.0", port=0)
    started = time.monotonic()
    serve(tmp_path, port=0, stop_after=0.2)
    assert time.monotonic() - started < 5
