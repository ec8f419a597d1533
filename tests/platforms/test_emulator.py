"""The emulator refuses what the platforms refuse, in their own shapes, and keeps their rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from platform_calls import ks_call, top_call
from werkzeug.test import Client

from provisioner.emulators import Faults, identity, make_app
from provisioner.emulators.app import EmulatorApp
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.store import Invalid
from provisioner.wire import kuaishou, top

PAGE = "taobao.sellercenter.subusers.page"
KS_LIST = "open.user.sub.account.list"
PHONE = "13800000001"


@pytest.fixture
def app(tmp_path: Path) -> EmulatorApp:
    return make_app(tmp_path)


@pytest.fixture
def client(app: EmulatorApp) -> Iterator[Client]:
    yield Client(app)


def test_top_answers_in_the_classic_shape(client: Client) -> None:
    body = top_call(client, PAGE, {"nick": "acme", "page_num": 1, "page_size": 50})
    answer = body["sellercenter_subusers_page_response"]
    assert answer["total_count"] == 0
    assert answer["subusers"] == {"sub_user_info": []}


@pytest.mark.parametrize("method", top.SIGN_METHODS)
def test_top_accepts_every_sign_method(client: Client, method: top.SignMethod) -> None:
    body = top_call(client, "taobao.sellercenter.roles.get", {"nick": "acme"}, sign_method=method)
    assert "sellercenter_roles_get_response" in body


def test_top_refuses_a_wrong_signature_with_code_25(client: Client) -> None:
    body = top_call(client, PAGE, {"nick": "acme"}, secret="not-the-secret")
    assert body["error_response"]["code"] == 25
    assert body["error_response"]["msg"] == "Invalid signature"


def test_top_refuses_a_stale_timestamp_with_code_31(client: Client) -> None:
    stale = datetime.now(UTC) - timedelta(minutes=11)
    body = top_call(client, PAGE, {"nick": "acme"}, now=stale)
    assert body["error_response"]["code"] == 31


def test_top_refuses_an_unknown_session_with_code_27(client: Client) -> None:
    body = top_call(client, PAGE, {"nick": "acme"}, session="someone-else")
    error = body["error_response"]
    assert (error["code"], error["sub_code"]) == (27, "invalid-sessionkey")


def test_top_missing_and_invalid_arguments(client: Client) -> None:
    assert top_call(client, PAGE, {})["error_response"]["code"] == 40
    too_big = top_call(client, PAGE, {"nick": "acme", "page_size": 500})
    assert too_big["error_response"]["code"] == 41


def test_top_role_names_are_unique_and_at_most_20_characters(client: Client) -> None:
    add = "taobao.sellercenter.role.add"
    created = top_call(client, add, {"nick": "acme", "name": "presales", "permission_codes": "a,b"})
    role = created["sellercenter_role_add_response"]["role"]
    assert role["role_name"] == "presales"
    assert [p["permission_code"] for p in role["permissions"]["permission"]] == ["a", "b"]
    again = top_call(client, add, {"nick": "acme", "name": "presales"})["error_response"]
    assert (again["code"], again["sub_code"]) == (15, "isv.role-name-duplicate")
    long = top_call(client, add, {"nick": "acme", "name": "r" * 21})["error_response"]
    assert long["code"] == 41


def test_top_paginates(app: EmulatorApp, client: Client) -> None:
    office = BackOffice(app.store, "top", identity.DEFAULT_SELLER)
    for number in range(120):
        office.create_account(f"acme:agent{number:03}", AccountSettings(dispatch=number % 2 == 0))
    pages = [
        top_call(client, PAGE, {"nick": "acme", "page_num": page, "page_size": 50})
        for page in (1, 2, 3)
    ]
    answers = [page["sellercenter_subusers_page_response"] for page in pages]
    sizes = [len(answer["subusers"]["sub_user_info"]) for answer in answers]
    assert sizes == [50, 50, 20]
    assert {answer["total_count"] for answer in answers} == {120}
    first = answers[0]["subusers"]["sub_user_info"][0]
    assert (first["nick"], first["status"], first["is_online"]) == ("acme:agent000", 1, 2)


def test_top_sub_account_names_follow_the_rules(app: EmulatorApp) -> None:
    office = BackOffice(app.store, "top", "shop")
    with pytest.raises(Invalid):
        office.create_account("no-main-account")
    with pytest.raises(Invalid):
        office.create_account("acme:" + "x" * 21)


def test_top_rate_limit_bans_with_the_stated_seconds(tmp_path: Path) -> None:
    client = Client(make_app(tmp_path, Faults(qps=2)))
    answers = [top_call(client, PAGE, {"nick": "acme"}) for _ in range(3)]
    error = answers[-1]["error_response"]
    assert error["code"] == 7
    assert error["sub_code"] == "accesscontrol.limited-by-app-access-count"
    assert error["sub_msg"] == "This ban will last for 1 more seconds"


def test_kuaishou_sellers_start_with_the_platform_roles(client: Client) -> None:
    body = ks_call(client, "open.user.sub.account.role.list")
    assert body["result"] == 1
    names = [role["roleName"] for role in body["data"]["roles"]]
    assert names == ["客服", "售后客服", "客服主管", "运营", "财务"]


@pytest.mark.parametrize("method", ["MD5", "HMAC_SHA256"])
def test_kuaishou_refuses_a_wrong_signature(client: Client, method: str) -> None:
    assert ks_call(client, KS_LIST, sign_method=method)["result"] == 1  # type: ignore[arg-type]
    body = ks_call(client, KS_LIST, sign_secret="wrong", sign_method=method)  # type: ignore[arg-type]
    assert body["result"] == 20
    assert body["error_msg"].startswith("签名验证失败")


def test_kuaishou_refuses_a_stale_timestamp_and_a_bad_token(client: Client) -> None:
    stale = datetime.now(UTC) - timedelta(minutes=11)
    assert ks_call(client, KS_LIST, now=stale)["result"] == kuaishou.INVALID_TIMESTAMP
    assert ks_call(client, KS_LIST, token="stolen")["result"] == 22


def test_kuaishou_nicknames_are_unique_per_seller(client: Client) -> None:
    create = "open.user.sub.account.create"

    def staff(nick: str) -> dict[str, object]:
        return {"nickName": nick, "contactPhone": PHONE, "roleIds": []}

    first = ks_call(client, create, staff("小王"))
    assert first["result"] == 1 and first["data"]["staffUserid"] > 0
    assert ks_call(client, create, staff("小王"))["result"] == 12
    other = identity.session_for("another-shop")
    assert ks_call(client, create, staff("小王"), token=other)["result"] == 1
    assert ks_call(client, create, staff("x" * 21))["result"] == 10


@pytest.mark.parametrize(
    ("method", "business", "missing"),
    [
        ("open.user.sub.account.create", {"nickName": "小王", "roleIds": []}, "contactPhone"),
        ("open.user.sub.account.create", {"nickName": "小王", "contactPhone": PHONE}, "roleIds"),
        ("open.cs.dispatching.group.query", {}, "groupId"),
        ("open.cs.dispatching.group.update", {"addAssistantId": [1]}, "groupId"),
        ("open.cs.dispatching.group.add", {"description": "售前"}, "groupName"),
    ],
)
def test_kuaishou_refuses_a_missing_required_parameter(
    client: Client, method: str, business: dict[str, object], missing: str
) -> None:
    # The SDK's request models mark these required; the emulator must not hide a client bug.
    body = ks_call(client, method, business)
    assert body["result"] == kuaishou.INVALID_PARAMETER
    assert missing in body["error_msg"]
    assert set(body) == {"result", "error_msg"}


def test_kuaishou_groups_have_a_name_and_members_only(client: Client) -> None:
    add = ks_call(
        client, "open.cs.dispatching.group.add", {"groupName": "售前组", "description": "x"}
    )
    group_id = add["data"]["groupId"]
    query = ks_call(client, "open.cs.dispatching.group.query", {"groupId": group_id})
    assert query["data"] == {"groupId": group_id, "groupName": "售前组", "assistantIds": []}
    gone = ks_call(client, "open.cs.dispatching.group.query", {"groupId": group_id + 1})
    assert gone["result"] == kuaishou.NOT_FOUND


def test_kuaishou_rate_limit_says_exceed_qps_limit(tmp_path: Path) -> None:
    client = Client(make_app(tmp_path, Faults(qps=1)))
    answers = [ks_call(client, KS_LIST) for _ in range(2)]
    assert answers[-1] == {"result": kuaishou.RATE_LIMITED, "error_msg": "Exceed qps limit"}
    # 24 is Kuaishou's AUTHORIZATION_REVOKED: the emulator's own codes stay clear of it.
    assert kuaishou.RATE_LIMITED not in (21, 24, 26)


def test_injected_errors_and_the_faults_admin_endpoint(client: Client) -> None:
    response = client.post("/_emulator/faults", json={"fail_next": 1, "methods": [KS_LIST]})
    assert response.status_code == 200
    assert client.get("/_emulator/faults").get_json()["fail_next"] == 1
    failed = client.post("/open/user/sub/account/list", data={})
    assert failed.status_code == 503
    assert ks_call(client, KS_LIST)["result"] == 1
    assert client.post("/_emulator/faults", json={"nope": 1}).status_code == 400
    assert client.delete("/_emulator/faults").get_json()["fail_next"] == 0


def test_an_injected_ban_refuses_calls_until_it_ends(tmp_path: Path) -> None:
    client = Client(make_app(tmp_path, Faults(ban_next=30)))
    error = top_call(client, PAGE, {"nick": "acme"})["error_response"]
    assert (error["code"], error["sub_msg"]) == (7, "This ban will last for 30 more seconds")


def test_top_simplify_answers_without_the_response_wrapper(app: EmulatorApp) -> None:
    office = BackOffice(app.store, "top", identity.DEFAULT_SELLER)
    office.create_role("presales", ["sell"])
    office.create_account("acme:小王", AccountSettings(roles=("presales",)))
    client = Client(app)
    page = {"nick": "acme", "page_num": 1, "page_size": 20, "simplify": True}
    body = top_call(client, PAGE, page)
    assert "sellercenter_subusers_page_response" not in body
    assert [sub["nick"] for sub in body["subusers"]] == ["acme:小王"]
    roles = top_call(
        client,
        "taobao.sellercenter.subuser.permissions.roles.get",
        {"nick": "acme:小王", "simplify": True},
    )
    assert [role["role_name"] for role in roles["subuser_permission"]["roles"]] == ["presales"]
    error = top_call(client, PAGE, {"nick": "acme", "simplify": True}, secret="wrong")
    assert error["error_response"]["code"] == 25  # errors keep their root


def test_top_accepts_epoch_millisecond_timestamps(client: Client) -> None:
    now = datetime.now(UTC)
    fresh = str(int(now.timestamp() * 1000))
    assert "sellercenter_roles_get_response" in top_call(
        client, "taobao.sellercenter.roles.get", {"nick": "acme"}, timestamp=fresh
    )
    stale = str(int((now - timedelta(minutes=11)).timestamp() * 1000))
    body = top_call(client, "taobao.sellercenter.roles.get", {"nick": "acme"}, timestamp=stale)
    assert body["error_response"]["code"] == 31


@pytest.mark.parametrize(("size", "accepted"), [(1, False), (2, True), (199, True), (200, False)])
def test_top_page_size_is_greater_than_1_and_less_than_200(
    client: Client, size: int, accepted: bool
) -> None:
    body = top_call(client, PAGE, {"nick": "acme", "page_num": 1, "page_size": size})
    assert ("error_response" not in body) is accepted
    if not accepted:
        assert body["error_response"]["code"] == 41


def test_top_subuser_fullinfo_by_nick_or_id(app: EmulatorApp) -> None:
    office = BackOffice(app.store, "top", identity.DEFAULT_SELLER)
    sub_id = office.create_account("acme:小王", AccountSettings(disabled=True, dispatch=True))
    client = Client(app)
    method = "taobao.subuser.fullinfo.get"
    by_nick = top_call(client, method, {"sub_nick": "acme:小王"})["subuser_fullinfo_get_response"]
    info = by_nick["sub_fullinfo"]
    assert (info["sub_id"], info["sub_nick"], info["user_nick"]) == (sub_id, "acme:小王", "acme")
    assert (info["sub_status"], info["sub_dispatch_status"]) == (2, True)
    by_id = top_call(client, method, {"sub_id": sub_id})["subuser_fullinfo_get_response"]
    assert by_id["sub_fullinfo"] == info
    # sub_nick wins over sub_id, as documented
    assert "error_response" in top_call(
        client, method, {"sub_nick": "acme:nobody", "sub_id": sub_id}
    )
    assert top_call(client, method, {})["error_response"]["code"] == 40
