"""How many API calls a plan and an apply make, per platform, counted where the platform would
count them: at the emulators, served over real HTTP on 127.0.0.1.

The figures must be the README's ("API calls per plan and apply"): one paged list per shop and
kind, plus what the platform truly needs per account (Tmall/Taobao: one role read per account),
and an apply that reads each shop once (its plan) and then makes one call per API change.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_project import Project, account, agent, config

from provisioner.emulators import identity, jos, kuaishou, top
from provisioner.emulators.app import EmulatorApp
from provisioner.emulators.backoffice import AccountSettings, BackOffice
from provisioner.emulators.family import Family
from provisioner.emulators.server import EmulatorServer

ROLES = {
    "presales": {"permissions": ["chat.reply"], "native": {"kuaishou": {"roles": ["客服"]}}},
    "aftersales": {"permissions": ["refund.view"], "native": {"kuaishou": {"roles": ["售后客服"]}}},
}
FAMILIES: dict[str, Family] = {"tm": top.FAMILY, "ks": kuaishou.FAMILY, "jd": jos.FAMILY}
PLATFORMS = {"tm": "tmall", "ks": "kuaishou", "jd": "jd"}
MAIN = "acme"


class CountingApp(EmulatorApp):
    """The real emulator, counting each API method it answers."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, admin=False)
        self.calls: Counter[str] = Counter()
        self._count_lock = threading.Lock()

    def _handle(self, family: Any, method: str, params: dict[str, str]) -> dict[str, object]:
        with self._count_lock:
            self.calls[method] += 1
        return super()._handle(family, method, params)

    def taken(self) -> Counter[str]:
        with self._count_lock:
            calls, self.calls = self.calls, Counter()
        return calls


@pytest.fixture
def counted(tmp_path: Path) -> Iterator[tuple[EmulatorServer, CountingApp]]:
    app = CountingApp(tmp_path / "emulator")
    served = EmulatorServer(app, port=0)
    thread = threading.Thread(target=served.serve_forever, kwargs={"stop_after": 120}, daemon=True)
    thread.start()
    yield served, app
    served.shutdown()
    thread.join(timeout=5)


def shops(url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    found = {}
    for name, family in FAMILIES.items():
        values = {**family.credentials, family.session_key: identity.session_for(name)}
        credentials = {}
        for key, value in values.items():
            variable = f"{name.upper()}_{key.upper()}"
            monkeypatch.setenv(variable, value)
            credentials[key] = {"env": variable}
        shop = {"platform": PLATFORMS[name], "name": name, "endpoint": url}
        found[name] = {**shop, "credentials": credentials}
    found["tm"]["main_account"] = MAIN
    return found


def staff(existing: dict[str, int], new_on_ks: int) -> dict[str, Any]:
    people = {}
    for shop, count in existing.items():
        for number in range(count):
            people[f"{shop}{number}"] = agent("某", account(shop, f"{shop}{number:02}"))
    for number in range(new_on_ks):
        nickname = f"new{number:02}"
        people[nickname] = agent("新", account("ks", nickname), phone=f"1380000{number:04}")
    return people


def seed(app: CountingApp, existing: dict[str, int]) -> None:
    """Accounts someone made in the back office before provisioner managed the shops."""
    for shop, count in existing.items():
        office = BackOffice(app.store, FAMILIES[shop].name, shop)
        for number in range(count):
            nick = f"{shop}{number:02}"
            office.create_account(f"{MAIN}:{nick}" if shop == "tm" else nick, AccountSettings())


def pages(count: int, size: int) -> int:
    """Pages of a listing: one more when the last page is full (no total is given)."""
    return count // size + 1 if count % size == 0 else math.ceil(count / size)


def plan_reads(tm: int, ks: int, jd: int, jd_roles: int) -> Counter[str]:
    """The README's formula for one plan, with N accounts per shop, no dispatch groups."""
    return Counter(
        {
            "taobao.sellercenter.roles.get": 1,
            "taobao.sellercenter.subusers.page": pages(tm, 199),
            "taobao.sellercenter.subuser.permissions.roles.get": tm,
            "open.user.sub.account.list": pages(ks, 100),
            "open.user.sub.account.role.list": 1,
            "jingdong.vender.childAccount.query": pages(jd, 20),
            "jingdong.vender.role.list": pages(jd_roles, 20),
            "jingdong.vender.childaccount.role.query": math.ceil(jd / 20),
        }
    )


def test_a_plan_and_an_apply_make_the_calls_the_readme_states(
    project: Project,
    counted: tuple[EmulatorServer, CountingApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, app = counted
    existing = {"tm": 5, "jd": 21}  # 21 JD accounts: two pages of 20
    seed(app, existing)
    project.write(config(shops(server.url, monkeypatch), staff(existing, 3), roles=ROLES))
    app.taken()

    assert project.run("plan").code == 0
    assert +app.taken() == +plan_reads(tm=5, ks=0, jd=21, jd_roles=0)

    applied = project.run("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    # One plan's reads, then one call per API change: Tmall's role template is created by
    # API (its accounts' role changes are manual tasks), Kuaishou's three accounts are created.
    writes = Counter({"taobao.sellercenter.role.add": 1, "open.user.sub.account.create": 3})
    assert +app.taken() == +(plan_reads(tm=5, ks=0, jd=21, jd_roles=0) + writes)

    assert project.run("plan").code == 0
    assert +app.taken() == +plan_reads(tm=5, ks=3, jd=21, jd_roles=0)

    # Offboarding one person per API shop (the scenario): still one read per shop.
    office = BackOffice(app.store, "top", "tm")
    for number in range(5):  # the back-office person does the Tmall tasks: the accounts are managed
        office.update_account(f"{MAIN}:tm{number:02}", AccountSettings(roles=("presales",)))
    done = [str(task["id"]) for task in project.tasks("--shop", "tm")]
    project.ok("tasks", "done", *done)
    people = staff(existing, 3)
    del people["tm4"], people["new02"]
    project.write(config(shops(server.url, monkeypatch), people, roles=ROLES))
    app.taken()
    applied = project.run("apply", "--auto-approve")
    assert applied.code == 0, applied.err
    # Tmall disables by API (the delete is a manual task after it); Kuaishou deletes.
    writes = Counter({"taobao.subuser.info.update": 1, "open.user.sub.account.remove": 1})
    assert +app.taken() == +(plan_reads(tm=5, ks=3, jd=21, jd_roles=0) + writes)


def tmall_only(url: str, monkeypatch: pytest.MonkeyPatch, people: dict[str, Any]) -> dict[str, Any]:
    return config({"tm": shops(url, monkeypatch)["tm"]}, people, roles=ROLES)


def test_refresh_changed_reads_only_the_accounts_the_config_changes(
    project: Project,
    counted: tuple[EmulatorServer, CountingApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, app = counted
    seed(app, {"tm": 5})
    people = staff({"tm": 5}, 0)
    project.write(tmall_only(server.url, monkeypatch, people))
    project.ok("apply", "--auto-approve")  # the role by API, each account's roles as a task
    office = BackOffice(app.store, "top", "tm")
    for number in range(5):  # the back-office person does the tasks
        office.update_account(f"{MAIN}:tm{number:02}", AccountSettings(roles=("presales",)))
    project.ok("tasks", "done", *(str(task["id"]) for task in project.tasks()))
    assert project.run("plan", "--detailed-exitcode").code == 0
    app.taken()

    quiet = project.run("plan", "--refresh=changed", "--detailed-exitcode")
    assert quiet.code == 0, quiet.output
    assert app.taken()["taobao.sellercenter.subuser.permissions.roles.get"] == 0
    note = "--refresh=changed: the roles of 5 account(s) the config does not change"
    assert note in quiet.out
    markdown = project.run("plan", "--refresh=changed", "--format", "markdown")
    assert note in markdown.out
    assert app.taken()["taobao.sellercenter.subuser.permissions.roles.get"] == 0

    # A new display name is no change on the platform: still trusted, still nothing to read.
    people["tm2"]["name"] = "改名"
    project.write(tmall_only(server.url, monkeypatch, people))
    renamed = project.run("plan", "--refresh=changed", "--detailed-exitcode")
    assert renamed.code == 0, renamed.output
    assert app.taken()["taobao.sellercenter.subuser.permissions.roles.get"] == 0

    people["tm1"]["accounts"][0]["roles"] = ["presales", "aftersales"]  # one account changes
    project.write(tmall_only(server.url, monkeypatch, people))
    changed = project.plan_json("--refresh=changed")
    assert [c["address"] for c in changed["changes"]] == ["tm/role/aftersales", "tm/account/tm01"]
    assert app.taken()["taobao.sellercenter.subuser.permissions.roles.get"] == 1

    # What the changed-only plan trades away: drift on an account it trusted goes unseen
    # until the full plan (the default) reads it.
    office.update_account(f"{MAIN}:tm03", AccountSettings(roles=()))
    trusted = project.plan_json("--refresh=changed")
    assert [c["address"] for c in trusted["changes"]] == ["tm/role/aftersales", "tm/account/tm01"]
    full = project.plan_json()
    assert [c["address"] for c in full["changes"]] == [
        "tm/role/aftersales",
        "tm/account/tm01",
        "tm/account/tm03",
    ]


def test_refresh_changed_reads_an_account_made_again_under_the_same_name(
    project: Project,
    counted: tuple[EmulatorServer, CountingApp],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Deleted and made again in the back office, an account is another account (a new id):
    its record says nothing of it, so its roles are read even with --refresh=changed."""
    server, app = counted
    seed(app, {"tm": 2})
    project.write(tmall_only(server.url, monkeypatch, staff({"tm": 2}, 0)))
    project.ok("apply", "--auto-approve")
    office = BackOffice(app.store, "top", "tm")
    for number in range(2):
        office.update_account(f"{MAIN}:tm{number:02}", AccountSettings(roles=("presales",)))
    project.ok("tasks", "done", *(str(task["id"]) for task in project.tasks()))
    office.delete_account(f"{MAIN}:tm01")
    office.create_account(f"{MAIN}:tm01", AccountSettings())  # no roles
    app.taken()

    planned = project.plan_json("--refresh=changed")
    assert [c["address"] for c in planned["changes"]] == ["tm/account/tm01"]
    assert app.taken()["taobao.sellercenter.subuser.permissions.roles.get"] == 1
    assert any("the roles of 1 account(s)" in warning for warning in planned["warnings"])
