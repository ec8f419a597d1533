"""`provisioner report` from reality (issue 9, hole 4): every account that exists on every shop.

The shops are changed in the back office by hand (an undeclared Kuaishou account holding 财务);
one person left and her Tmall account waits for its deletion task. The report, in every format,
lists every live account with who holds it, its roles, permissions and risk, and the HTML page
works for a person in a real browser (headless Chromium): matrix, detail, filters.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from devtools import Browser
from engine_project import Project, agent, config, manual_shop
from headless import by_id, dump_dom, parse, visible
from sandbox_office import KUAISHOU, TMALL, create_by_hand, office

from provisioner.render.report import BOM

ROLES: dict[str, Any] = {
    "presales": {
        "permissions": ["chat.reply", "order.view"],
        "native": {"kuaishou": {"roles": ["客服"]}},
    },
    "cs-lead": {"permissions": ["chat.reply", "refund.approve"]},
}


def team(*, sun: bool) -> dict[str, Any]:
    shops = {"tm": dict(TMALL), "ks": dict(KUAISHOU), "pdd": manual_shop()}
    wang = agent(
        "王小明",
        {"shop": "tm", "nickname": "小王", "roles": ["presales"]},
        {"shop": "ks", "nickname": "小王", "roles": ["presales"]},
        {"shop": "pdd", "nickname": "小王", "roles": ["presales"]},
        phone="13800000001",
    )
    people = {"wang.xiaoming": wang}
    if sun:
        people["sun.li"] = agent("孙丽", {"shop": "tm", "nickname": "丽丽", "roles": ["cs-lead"]})
    return config(shops, people, roles=ROLES)


@pytest.fixture
def shops(project: Project) -> Project:
    project.write(team(sun=True))
    project.converge()
    project.write(team(sun=False))
    project.ok("apply", "--auto-approve")  # 丽丽 disabled at once; its deletion is a task
    create_by_hand(project, "ks", "kuaishou", "路人", roles=("财务",))
    return project


def live_accounts(project: Project) -> set[tuple[str, str]]:
    found = {
        ("pdd", name.split("/")[-1])
        for name in project.recorded()
        if "/account/" in name and name.startswith("pdd/")
    }
    for shop, family in (("tm", "top"), ("ks", "kuaishou")):
        for account in office(project, shop, family).list_accounts():
            found.add((shop, account.nick.rpartition(":")[2]))
    return found


def test_the_report_lists_every_live_account_from_reality(shops: Project) -> None:
    text = shops.ok("report", "--format", "csv").out
    assert text.startswith(BOM)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert {(r["shop"], r["nickname"]) for r in rows} == live_accounts(shops)

    stranger = [r for r in rows if r["nickname"] == "路人"]
    assert [(r["agent"], r["management"], r["permission"], r["risk"]) for r in stranger] == [
        ("(unmanaged)", "unmanaged", "finance.view", "critical")
    ]
    (left,) = {
        (r["agent"], r["status"], r["roles"], r["pending"]) for r in rows if r["nickname"] == "丽丽"
    }
    assert left[:3] == ("sun.li", "disabled", "cs-lead")
    assert left[3].startswith("deletion #")

    markdown = shops.ok("report").out
    assert "| (unmanaged) | none | **critical** | none |" in markdown  # tm, ks, pdd
    assert "路人" in markdown and "丽丽" in markdown

    shops.ok("report", "--format", "csv", "--out", "r.csv")
    assert (shops.root / "r.csv").read_bytes().startswith(BOM.encode("utf-8"))
    assert not (shops.root / "r.csv").read_bytes().startswith(BOM.encode() * 2)


def test_the_html_report_works_in_a_browser(shops: Project, tmp_path: Path) -> None:
    result = shops.ok("report", "--format", "html", "--out", "report.html")
    assert "Wrote 5 accounts" in result.err
    page = shops.root / "report.html"
    html = page.read_text(encoding="utf-8")
    assert "http://" not in html and "https://" not in html  # self-contained: no network

    dom = parse(dump_dom(page, "", tmp_path / "profile"))
    assert "(Asia/Shanghai)" in by_id(dom, "made").text
    assert by_id(dom, "shown").text == "5 of 5 accounts shown"
    matrix = {
        row.attrs["data-person"]: [c for c in row.children if c.tag == "td"]
        for row in dom
        if row.tag == "tr" and "data-person" in row.attrs and not row.hidden
    }
    assert set(matrix) == {"wang.xiaoming", "sun.li", "(unmanaged)"}
    cells = {c.attrs["data-shop"]: c.attrs["data-risk"] for c in matrix["(unmanaged)"]}
    assert cells == {"tm": "none", "ks": "critical", "pdd": "none"}
    assert {c.attrs["data-shop"]: c.attrs["data-risk"] for c in matrix["sun.li"]}["tm"] == "high"
    details = {
        (r.attrs["data-shop"], r.children[1].text) for r in visible(dom, "tr", "account-row")
    }
    assert details == live_accounts(shops)

    # The filters: what a person sees once they pick a risk, a status or a shop.
    critical = parse(dump_dom(page, "risk=critical", tmp_path / "profile"))
    assert [r.children[1].text for r in visible(critical, "tr", "account-row")] == ["路人"]
    assert by_id(critical, "shown").text == "1 of 5 accounts shown"
    assert by_id(critical, "risk").children[0].tag == "option"
    shown_people = [s.attrs["data-person"] for s in visible(critical, "section", "person")]
    assert shown_people == ["(unmanaged)"]

    pending = parse(dump_dom(page, "status=pending%20deletion", tmp_path / "profile"))
    assert [r.children[1].text for r in visible(pending, "tr", "account-row")] == ["丽丽"]

    ks = parse(dump_dom(page, "shop=ks", tmp_path / "profile"))
    assert {r.children[1].text for r in visible(ks, "tr", "account-row")} == {"小王", "路人"}
    headers = [c.text for c in ks if c.tag == "th" and "data-shop" in c.attrs and not c.hidden]
    assert headers == ["ks"]


SEEN = """Array.from(document.querySelectorAll('tr.account-row'))
  .filter(row => row.offsetParent !== null).map(row => row.cells[1].textContent)"""


def pick(browser: Browser, control: str, value: str) -> None:
    """Choose an option of a filter, as a person does: the select changes and says so."""
    browser.evaluate(
        f"(() => {{ const s = document.getElementById({json.dumps(control)}); "
        f"s.value = {json.dumps(value)}; s.dispatchEvent(new Event('change', {{bubbles: true}})); }})()"
    )


def test_a_person_using_the_filters_sees_only_what_they_picked(
    shops: Project, tmp_path: Path
) -> None:
    shops.ok("report", "--format", "html", "--out", "report.html")
    browser = Browser(tmp_path / "cdp-profile")
    try:
        browser.open((shops.root / "report.html").resolve().as_uri())
        assert sorted(browser.evaluate(SEEN)) == sorted(n for _, n in live_accounts(shops))
        pick(browser, "risk", "critical")
        assert browser.evaluate(SEEN) == ["路人"]
        assert browser.evaluate("document.getElementById('shown').textContent") == (
            "1 of 5 accounts shown"
        )
        assert browser.evaluate("location.hash") == "#risk=critical"
        pick(browser, "risk", "")
        pick(browser, "shop", "tm")
        assert sorted(browser.evaluate(SEEN)) == ["丽丽", "小王"]
        pick(browser, "status", "disabled")
        assert browser.evaluate(SEEN) == ["丽丽"]
        matrix = browser.evaluate(
            """Array.from(document.querySelectorAll('#matrix tbody tr'))
              .filter(row => row.offsetParent !== null).map(row => row.dataset.person)"""
        )
        assert matrix == ["sun.li"]
    finally:
        browser.close()
