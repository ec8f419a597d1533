"""The sandbox's back office, as a person changing a shop by hand (outside provisioner) would.

Shops with `endpoint: sandbox` keep their emulator data under `.provisioner/sandbox/`; each
shop is its own seller, named like the shop. Tmall/Taobao accounts are "<main>:<nickname>".
"""

from __future__ import annotations

from typing import Any

from engine_project import Project

from provisioner.emulators.accounts import Account
from provisioner.emulators.backoffice import AccountSettings, BackOffice

TMALL_MAIN = "acme旗舰店"
TMALL: dict[str, Any] = {
    "platform": "tmall",
    "name": "天猫旗舰店",
    "main_account": TMALL_MAIN,
    "endpoint": "sandbox",
}
KUAISHOU: dict[str, Any] = {"platform": "kuaishou", "name": "快手小店", "endpoint": "sandbox"}


def office(project: Project, shop: str, family: str) -> BackOffice:
    return BackOffice.at(project.work / "sandbox", family, shop)  # type: ignore[arg-type]


def nick(family: str, nickname: str) -> str:
    return f"{TMALL_MAIN}:{nickname}" if family == "top" else nickname


def live_account(project: Project, shop: str, family: str, nickname: str) -> Account | None:
    return office(project, shop, family).find_account(nick(family, nickname))


def live_roles(project: Project, shop: str, family: str, nickname: str) -> set[str]:
    found = live_account(project, shop, family, nickname)
    assert found is not None, f"{nickname} does not exist on {shop}"
    return {role.name for role in found.roles}


def by_hand(project: Project, shop: str, family: str, nickname: str, **settings: Any) -> None:
    """Change an account in the back office: disabled=True, roles=(...), ..."""
    office(project, shop, family).update_account(
        nick(family, nickname), AccountSettings(**settings)
    )


def create_by_hand(
    project: Project, shop: str, family: str, nickname: str, **settings: Any
) -> None:
    office(project, shop, family).create_account(
        nick(family, nickname), AccountSettings(**settings)
    )
