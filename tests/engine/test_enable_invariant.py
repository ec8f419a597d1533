"""No account is ever enabled while it holds a role not declared for its current owner.

Twelve Tmall and six Kuaishou accounts of people who left are disabled, still holding the
high-risk `cs-lead`. Then half of them are rehired with `presales` only (a re-enable whose role
change is manual on Tmall) and half are handed over to new people (`handover_from`). While
apply runs in its own process, a watcher reads the emulator over and over; apply is killed at
a random moment, then resumed; the back-office tasks are done by hand in between. At no point
may an enabled account hold a role its current owner is not declared with.
"""

from __future__ import annotations

import random
import threading
import time
from typing import Any

from engine_project import Project, agent, config
from sandbox_office import KUAISHOU, TMALL, office

ROLES: dict[str, Any] = {
    "presales": {
        "permissions": ["chat.reply", "order.view"],
        "native": {"kuaishou": {"roles": ["客服"]}},
    },
    "cs-lead": {
        "permissions": ["chat.reply", "order.view", "refund.approve"],
        "native": {"kuaishou": {"roles": ["客服", "客服主管"]}},
    },
}
TM, KS = 12, 6
ALLOWED = {"top": {"presales"}, "kuaishou": {"客服"}}  # what every new owner is declared with


def before() -> dict[str, Any]:
    people = {f"old{i:02d}": _person("tm", i, "cs-lead") for i in range(TM)}
    people.update({f"oks{i:02d}": _person("ks", i, "cs-lead") for i in range(KS)})
    return config(_shops(), people, roles=ROLES)


def after() -> dict[str, Any]:
    people: dict[str, Any] = {}
    for i in range(TM):
        if i % 2:
            people[f"new{i:02d}"] = _person("tm", i, "presales", handover_from=f"old{i:02d}")
        else:
            people[f"old{i:02d}"] = _person("tm", i, "presales")
    people.update({f"oks{i:02d}": _person("ks", i, "presales") for i in range(KS)})
    return config(_shops(), people, roles=ROLES)


def _shops() -> dict[str, Any]:
    return {
        "tm": {**TMALL, "offboarding": "disable"},
        "ks": {**KUAISHOU, "offboarding": "disable"},
    }


def _person(shop: str, i: int, role: str, **extra: Any) -> dict[str, Any]:
    account = {"shop": shop, "nickname": f"{shop}{i:02d}", "roles": [role], **extra}
    return agent(f"员工{i}", account, phone=f"138000000{i:02d}")


def violations(project: Project) -> list[str]:
    found = []
    for shop, family in (("tm", "top"), ("ks", "kuaishou")):
        for account in office(project, shop, family).list_accounts():
            roles = {role.name for role in account.roles}
            if not account.disabled and not roles <= ALLOWED[family]:
                found.append(f"{account.nick} enabled holding {sorted(roles)}")
    return found


class Watcher:
    """Reads the emulator again and again on a thread; remembers every violation it saw."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.seen: list[str] = []
        self.reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.seen += violations(self.project)
            self.reads += 1
            time.sleep(0.002)


def offboarded(project: Project) -> None:
    project.write(before())
    project.converge()
    project.write(config(_shops(), {}, roles=ROLES))
    project.converge()
    for shop, family in (("tm", "top"), ("ks", "kuaishou")):
        accounts = office(project, shop, family).list_accounts()
        assert accounts and all(a.disabled for a in accounts)


def killed_apply(project: Project, rng: random.Random) -> None:
    process = project.spawn("apply", "--auto-approve")
    time.sleep(rng.uniform(0.3, 1.5))
    process.kill()
    process.communicate(timeout=30)


def test_no_account_is_enabled_holding_a_role_its_owner_is_not_declared_with(
    project: Project,
) -> None:
    rng = random.Random(9)
    offboarded(project)
    project.write(after())
    with Watcher(project) as watcher:
        killed_apply(project, rng)
        assert not violations(project)
        project.ok("apply", "--auto-approve")  # resumes; the Tmall enables wait for the tasks
        assert not violations(project)
        for task in project.tasks():
            project.ok("tasks", "done", str(task["id"]))  # a person works through them
        killed_apply(project, rng)
        project.ok("apply", "--auto-approve")
        project.converge()
    assert watcher.reads > 10
    assert watcher.seen == []
    for shop, family in (("tm", "top"), ("ks", "kuaishou")):
        accounts = office(project, shop, family).list_accounts()
        assert all(not a.disabled for a in accounts)
        assert all({r.name for r in a.roles} == ALLOWED[family] for a in accounts)
    assert project.run("plan", "--detailed-exitcode").code == 0
